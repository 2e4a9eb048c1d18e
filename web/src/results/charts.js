// Hand-drawn SVG charts for the results page. Each chart is an <svg role="img"> with a title
// and description; the same numbers are always in a table next to it for screen readers.
import { h, s, uid } from '../lib/dom.js';

export const PALETTE = ['#1f5f9e', '#b35900', '#5b3e96', '#00695c', '#8e2446'];
export const WEIGHTED = '#1b5e20';

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Grouped horizontal bars: per project, one bar per series (values in [0, 1]).
 * @param {{title: string, desc: string, rows: {label: string, selected: boolean, values: number[]}[],
 *          series: {name: string, color: string}[], format: (x: number) => string, selectedLabel: string}} spec
 */
export function groupedBars(spec) {
  const labelW = 260;
  const width = 900;
  const barH = 14;
  const gap = 3;
  const groupGap = 14;
  const plotW = width - labelW - 70;
  const groupH = spec.series.length * (barH + gap) + groupGap;
  const top = 34;
  const height = top + spec.rows.length * groupH + 24;
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const children = [s('title', { id: titleId }, spec.title), s('desc', { id: descId }, spec.desc)];
  // legend
  let lx = labelW;
  spec.series.forEach((ser) => {
    children.push(s('rect', { x: lx, y: 6, width: 14, height: 14, fill: ser.color }));
    children.push(s('text', { x: lx + 20, y: 18, class: 'chart-legend' }, ser.name));
    lx += 24 + ser.name.length * 9 + 24;
  });
  // grid
  for (let i = 0; i <= 4; i++) {
    const x = labelW + (plotW * i) / 4;
    children.push(s('line', { x1: x, x2: x, y1: top - 4, y2: height - 20, class: 'chart-grid' }));
    children.push(s('text', { x, y: height - 6, 'text-anchor': 'middle', class: 'chart-axis' }, spec.format(i / 4)));
  }
  spec.rows.forEach((row, r) => {
    const y0 = top + r * groupH;
    if (row.selected) {
      children.push(s('rect', { x: 0, y: y0 - 4, width, height: groupH - groupGap + 8, class: 'chart-selected-band' }));
    }
    children.push(
      s('text', { x: labelW - 10, y: y0 + (groupH - groupGap) / 2 + 4, 'text-anchor': 'end', class: row.selected ? 'chart-label selected' : 'chart-label' }, `${row.selected ? '✓ ' : ''}${clip(row.label, 24)}`),
    );
    row.values.forEach((v, i) => {
      const y = y0 + i * (barH + gap);
      const w = Math.max(0, Math.min(1, v)) * plotW;
      children.push(s('rect', { x: labelW, y, width: Math.max(w, 1), height: barH, fill: spec.series[i].color, rx: 2 }));
      children.push(s('text', { x: labelW + w + 6, y: y + barH - 3, class: 'chart-value' }, spec.format(v)));
    });
  });
  return h(
    'figure',
    { class: 'chart' },
    s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, preserveAspectRatio: 'xMinYMin meet' }, children),
  );
}

/**
 * The budget line: projects in ranking order as a waterfall of costs; selected projects stack
 * up to the budget line, the others are shown hatched where they would have gone.
 * @param {{title: string, desc: string, budget: number, rows: {label: string, cost: number, selected: boolean}[],
 *          money: (x: number) => string, budgetLabel: string, selectedName: string, skippedName: string}} spec
 */
export function budgetLine(spec) {
  const labelW = 260;
  const width = 900;
  const plotW = width - labelW - 110;
  const barH = 18;
  const rowH = 26;
  const top = 40;
  const height = top + spec.rows.length * rowH + 30;
  let total = 0;
  let maxX = spec.budget;
  const placed = spec.rows.map((row) => {
    const start = total;
    if (row.selected) total += row.cost;
    maxX = Math.max(maxX, start + row.cost);
    return { ...row, start };
  });
  const scale = (x) => labelW + (x / maxX) * plotW;
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const patternId = uid('hatch');
  const children = [
    s('title', { id: titleId }, spec.title),
    s('desc', { id: descId }, spec.desc),
    s('defs', {}, s('pattern', { id: patternId, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, s('rect', { width: 8, height: 8, fill: '#eeeeee' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: '#757575', 'stroke-width': 3 }))),
    s('rect', { x: labelW, y: 8, width: 14, height: 14, fill: WEIGHTED }),
    s('text', { x: labelW + 20, y: 20, class: 'chart-legend' }, spec.selectedName),
    s('rect', { x: labelW + 180, y: 8, width: 14, height: 14, fill: `url(#${patternId})`, stroke: '#757575' }),
    s('text', { x: labelW + 200, y: 20, class: 'chart-legend' }, spec.skippedName),
  ];
  placed.forEach((row, i) => {
    const y = top + i * rowH;
    children.push(s('text', { x: labelW - 10, y: y + barH - 4, 'text-anchor': 'end', class: row.selected ? 'chart-label selected' : 'chart-label' }, `${row.selected ? '✓ ' : ''}${clip(row.label, 24)}`));
    const x = scale(row.start);
    const w = Math.max(1, scale(row.start + row.cost) - x);
    children.push(s('rect', { x, y, width: w, height: barH, fill: row.selected ? WEIGHTED : `url(#${patternId})`, stroke: row.selected ? 'none' : '#757575', rx: 2 }));
    children.push(s('text', { x: x + w + 6, y: y + barH - 4, class: 'chart-value' }, spec.money(row.cost)));
  });
  const bx = scale(spec.budget);
  children.push(s('line', { x1: bx, x2: bx, y1: top - 10, y2: height - 24, class: 'chart-budget' }));
  children.push(s('text', { x: bx, y: height - 8, 'text-anchor': 'middle', class: 'chart-budget-label' }, spec.budgetLabel));
  return h(
    'figure',
    { class: 'chart' },
    s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, preserveAspectRatio: 'xMinYMin meet' }, children),
  );
}
