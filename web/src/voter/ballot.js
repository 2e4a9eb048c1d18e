// Ballot widgets, one per scheme. Each keeps its state in a plain object owned by the screen
// (so a language switch re-renders without losing the voter's choice) and exposes choice().
// All controls are native form elements or buttons: usable by keyboard, touch and screen reader.
import { h, replace, uid } from '../lib/dom.js';
import { loc, t } from '../lib/i18n.js';
import { money, num, percent } from '../lib/format.js';

/** Scheme parameters with the documented defaults (docs/ballot-schemes.md). */
export function paramsOf(definition) {
  const p = definition.params || {};
  const n = definition.candidates.length;
  switch (definition.scheme) {
    case 'approval':
      return { min: p.min ?? 0, max: Math.min(p.max ?? n, n) };
    case 'budget':
      return { budget: Number(p.budget), min: p.min ?? 0, max: Math.min(p.max ?? n, n) };
    case 'score':
      return { maxScore: p.max_score };
    case 'cumulative': {
      const points = p.points;
      return { points, perProject: Math.min(p.max_per_project ?? points, points), exact: Boolean(p.exact) };
    }
    case 'ranking': {
      const k = Math.min(p.max_rank ?? n, n);
      return { maxRank: k, minRank: p.min_rank ?? 0 };
    }
    default:
      return {};
  }
}

/** One-line description of what the voter is asked to do. */
export function instructions(definition, currency) {
  const p = paramsOf(definition);
  switch (definition.scheme) {
    case 'approval':
      return t('ballot.approval.instructions', p);
    case 'budget':
      return t('ballot.budget.instructions', { ...p, budgetText: money(p.budget, currency) });
    case 'score':
      return t('ballot.score.instructions', p);
    case 'cumulative':
      return t(p.exact ? 'ballot.cumulative.instructionsExact' : 'ballot.cumulative.instructions', p);
    case 'ranking':
      return t('ballot.ranking.instructions', p);
    case 'yes_no_abstain':
      return t('ballot.yna.instructions');
    default:
      return '';
  }
}

/** Fresh widget state for a definition. */
export function initialState(definition) {
  const ids = definition.candidates.map((c) => c.id);
  switch (definition.scheme) {
    case 'approval':
    case 'budget':
      return { approved: [] };
    case 'score':
      return { scores: Object.fromEntries(ids.map((id) => [id, 0])) };
    case 'cumulative':
      return { points: Object.fromEntries(ids.map((id) => [id, 0])) };
    case 'ranking':
      return { ranking: [] };
    case 'yes_no_abstain':
      return { answers: Object.fromEntries(ids.map((id) => [id, 'abstain'])) };
    default:
      return {};
  }
}

/** The choice JSON of a widget state. */
export function choiceOf(definition, state) {
  const ids = definition.candidates.map((c) => c.id);
  switch (definition.scheme) {
    case 'approval':
    case 'budget':
      return { approved: ids.filter((id) => state.approved.includes(id)) };
    case 'score':
      return { scores: Object.fromEntries(ids.map((id) => [id, Number(state.scores[id] || 0)])) };
    case 'cumulative':
      return { points: Object.fromEntries(ids.map((id) => [id, Number(state.points[id] || 0)])) };
    case 'ranking':
      return { ranking: [...state.ranking] };
    case 'yes_no_abstain':
      return { answers: { ...state.answers } };
    default:
      return {};
  }
}

/** Plain-language message for a validateChoice error, with the numbers that matter. */
export function choiceErrorText(definition, error, state, currency) {
  const p = paramsOf(definition);
  const choice = choiceOf(definition, state);
  const costs = Object.fromEntries(definition.candidates.map((c) => [c.id, Number(c.cost)]));
  const vars = { ...p, message: error.message };
  if (definition.scheme === 'approval' || definition.scheme === 'budget') vars.count = choice.approved.length;
  if (definition.scheme === 'ranking') vars.count = choice.ranking.length;
  if (definition.scheme === 'budget') {
    vars.total = money(choice.approved.reduce((s, id) => s + costs[id], 0), currency);
    vars.budgetText = money(p.budget, currency);
  }
  if (definition.scheme === 'cumulative') vars.used = Object.values(choice.points).reduce((a, b) => a + b, 0);
  const specific = t(`choice.${definition.scheme}.${error.code}`, vars, null);
  return specific || t(`choice.${error.code}`, vars, null) || t('choice.invalid', vars);
}

/** Human-readable lines of a choice (confirmation screen, audit result). */
export function summaryLines(definition, choice, projects, currency) {
  const title = (id) => loc(projects[id] && projects[id].title) || id;
  const p = paramsOf(definition);
  switch (definition.scheme) {
    case 'approval':
    case 'budget': {
      if (!choice.approved.length) return [t('summary.none')];
      const costs = Object.fromEntries(definition.candidates.map((c) => [c.id, Number(c.cost)]));
      const lines = choice.approved.map((id) => (definition.scheme === 'budget' ? `${title(id)} — ${money(costs[id], currency)}` : title(id)));
      if (definition.scheme === 'budget') {
        const total = choice.approved.reduce((s, id) => s + costs[id], 0);
        lines.push(t('summary.total', { total: money(total, currency), budget: money(p.budget, currency) }));
      }
      return lines;
    }
    case 'score':
      return definition.candidates.map((c) => t('summary.score', { title: title(c.id), score: choice.scores[c.id] || 0, max: p.maxScore }));
    case 'cumulative':
      return definition.candidates
        .filter((c) => (choice.points[c.id] || 0) > 0)
        .map((c) => t('summary.points', { title: title(c.id), points: choice.points[c.id] }))
        .concat(Object.values(choice.points).some((v) => v > 0) ? [] : [t('summary.none')]);
    case 'ranking':
      return choice.ranking.length ? choice.ranking.map((id, i) => `${i + 1}. ${title(id)}`) : [t('summary.none')];
    case 'yes_no_abstain':
      return definition.candidates.map((c) => `${title(c.id)}: ${t(`ballot.yna.${choice.answers[c.id] || 'abstain'}`)}`);
    default:
      return [JSON.stringify(choice)];
  }
}

/** The project card body shared by all widgets. */
function projectInfo(project, cost, currency, headingId, detailId) {
  return [
    h('span', { class: 'project-title', id: headingId }, loc(project.title) || project.id),
    h(
      'span',
      { class: 'project-meta', id: detailId },
      h('span', { class: 'project-cost' }, t('project.cost', { cost: money(cost, currency) })),
      project.area ? h('span', { class: 'project-area' }, t(`area.${project.area}`, {}, project.area)) : null,
    ),
    project.description ? h('span', { class: 'project-desc' }, loc(project.description)) : null,
  ];
}

/**
 * Build the widget. `onChange()` is called after every change (the screen updates its status).
 * @param {{definition: any, projects: Record<string, any>, currency: string, state: any,
 *          announce: (text: string) => void}} ctx
 */
export function createWidget(ctx) {
  const builders = {
    approval: approvalWidget,
    budget: approvalWidget,
    score: scoreWidget,
    cumulative: cumulativeWidget,
    ranking: rankingWidget,
    yes_no_abstain: ynaWidget,
  };
  const build = builders[ctx.definition.scheme];
  if (!build) return { el: h('p', {}, t('ballot.unknownScheme', { scheme: ctx.definition.scheme })) };
  return build(ctx);
}

function candidates(ctx) {
  return ctx.definition.candidates.map((c) => ({
    id: c.id,
    cost: Number(c.cost),
    project: ctx.projects[c.id] || { id: c.id, title: { ko: c.id, en: c.id } },
  }));
}

// -- approval and budget -----------------------------------------------------------------
function approvalWidget(ctx) {
  const { definition, state, currency } = ctx;
  const p = paramsOf(definition);
  const budget = definition.scheme === 'budget';
  const statusText = h('p', { class: 'tally-text', id: uid('status') });
  const bar = budget ? h('div', { class: 'budget-bar', role: 'img' }) : null;
  const statusBox = h('div', { class: 'ballot-status', 'aria-live': 'polite' }, statusText, bar);
  const items = candidates(ctx).map((c) => {
    const id = uid('cand');
    const titleId = uid('title');
    const detailId = uid('detail');
    const input = h('input', {
      type: 'checkbox',
      id,
      name: 'approved',
      value: c.id,
      checked: state.approved.includes(c.id),
      // name = the project's title; cost, area and the live count as its description
      'aria-labelledby': titleId,
      'aria-describedby': `${detailId} ${statusText.id}`,
      onchange: (ev) => {
        const on = ev.target.checked;
        state.approved = state.approved.filter((x) => x !== c.id);
        if (on) state.approved.push(c.id);
        update();
      },
    });
    return h('li', { class: 'choice-card' }, h('label', { for: id, class: 'choice-label' }, input, h('span', { class: 'choice-body' }, projectInfo(c.project, c.cost, currency, titleId, detailId))));
  });
  const costs = Object.fromEntries(definition.candidates.map((c) => [c.id, Number(c.cost)]));
  function update() {
    const count = state.approved.length;
    statusBox.classList.toggle('warn', count > p.max);
    if (!budget) {
      statusText.textContent = t('ballot.approval.count', { count, max: p.max, min: p.min });
      if (count > p.max) statusText.textContent += ' ' + t('ballot.approval.tooMany', { extra: count - p.max });
      return;
    }
    const total = state.approved.reduce((s, id) => s + costs[id], 0);
    const over = total > p.budget;
    statusBox.classList.toggle('warn', over || count > p.max);
    statusText.textContent = over
      ? t('ballot.budget.over', { total: money(total, currency), budget: money(p.budget, currency), over: money(total - p.budget, currency), count })
      : t('ballot.budget.total', { total: money(total, currency), budget: money(p.budget, currency), left: money(p.budget - total, currency), count });
    const share = p.budget > 0 ? total / p.budget : 0;
    bar.setAttribute('aria-label', t('ballot.budget.barLabel', { share: percent(share) }));
    replace(
      bar,
      h('div', { class: `budget-fill${over ? ' over' : ''}`, style: `width:${Math.min(100, share * 100).toFixed(2)}%` }),
      h('div', { class: 'budget-cap', title: t('ballot.budget.cap') }),
      h('span', { class: 'budget-bar-label', 'aria-hidden': 'true' }, percent(share, 0)),
    );
  }
  update();
  const legend = h('legend', { class: 'sr-only' }, instructions(definition, currency));
  const el = h('fieldset', { class: 'ballot-fieldset' }, legend, statusBox, h('ul', { class: 'choice-list', role: 'list' }, items));
  return { el, update };
}

// -- score ---------------------------------------------------------------------------------
function scoreWidget(ctx) {
  const { definition, state, currency } = ctx;
  const { maxScore } = paramsOf(definition);
  const items = candidates(ctx).map((c) => {
    const titleId = uid('title');
    const name = uid('score');
    const options = [];
    for (let v = 0; v <= maxScore; v++) {
      const id = uid('opt');
      options.push(
        h(
          'span',
          { class: 'seg' },
          h('input', {
            type: 'radio',
            id,
            name,
            value: String(v),
            checked: Number(state.scores[c.id] || 0) === v,
            onchange: () => {
              state.scores[c.id] = v;
            },
          }),
          h('label', { for: id }, h('span', { class: 'sr-only' }, t('ballot.score.option', { v, max: maxScore })), h('span', { 'aria-hidden': 'true' }, String(v))),
        ),
      );
    }
    return h(
      'li',
      { class: 'choice-card' },
      h(
        'fieldset',
        { class: 'inner-fieldset' },
        h('legend', {}, h('span', { class: 'choice-body' }, projectInfo(c.project, c.cost, currency, titleId))),
        h('div', { class: 'segmented', role: 'presentation' }, options),
      ),
    );
  });
  return { el: h('div', { class: 'ballot-fieldset' }, h('ul', { class: 'choice-list', role: 'list' }, items)) };
}

// -- cumulative ----------------------------------------------------------------------------
function cumulativeWidget(ctx) {
  const { definition, state, currency } = ctx;
  const p = paramsOf(definition);
  const statusText = h('p', { class: 'tally-text', id: uid('status') });
  const statusBox = h('div', { class: 'ballot-status', 'aria-live': 'polite' }, statusText);
  const used = () => Object.values(state.points).reduce((a, b) => a + Number(b || 0), 0);
  const inputs = {};
  const items = candidates(ctx).map((c) => {
    const id = uid('pts');
    const input = h('input', {
      type: 'number',
      id,
      class: 'points-input',
      min: '0',
      max: String(p.perProject),
      step: '1',
      inputmode: 'numeric',
      value: String(state.points[c.id] || 0),
      'aria-describedby': statusText.id,
      oninput: (ev) => {
        const v = Math.floor(Number(ev.target.value));
        state.points[c.id] = Number.isFinite(v) ? v : 0;
        update();
      },
    });
    inputs[c.id] = input;
    const step = (delta) => {
      const next = Math.max(0, Math.min(p.perProject, Number(state.points[c.id] || 0) + delta));
      if (delta > 0 && used() + (next - Number(state.points[c.id] || 0)) > p.points) {
        ctx.announce(t('ballot.cumulative.noneLeft'));
        return;
      }
      state.points[c.id] = next;
      input.value = String(next);
      update();
    };
    const title = loc(c.project.title);
    return h(
      'li',
      { class: 'choice-card' },
      h('div', { class: 'choice-body' }, projectInfo(c.project, c.cost, currency)),
      h(
        'div',
        { class: 'stepper' },
        h('button', { type: 'button', class: 'step', 'aria-label': t('ballot.cumulative.less', { title }), onclick: () => step(-1) }, '−'),
        h('label', { for: id, class: 'sr-only' }, t('ballot.cumulative.pointsFor', { title })),
        input,
        h('button', { type: 'button', class: 'step', 'aria-label': t('ballot.cumulative.more', { title }), onclick: () => step(1) }, '+'),
      ),
    );
  });
  function update() {
    const u = used();
    const left = p.points - u;
    statusBox.classList.toggle('warn', left < 0);
    statusText.textContent = left < 0 ? t('ballot.cumulative.over', { used: u, points: p.points, over: -left }) : t('ballot.cumulative.left', { left, points: p.points, used: u });
  }
  update();
  return { el: h('div', { class: 'ballot-fieldset' }, statusBox, h('ul', { class: 'choice-list', role: 'list' }, items)), update };
}

// -- ranking -------------------------------------------------------------------------------
function rankingWidget(ctx) {
  const { definition, state, currency } = ctx;
  const p = paramsOf(definition);
  const all = candidates(ctx);
  const byId = Object.fromEntries(all.map((c) => [c.id, c]));
  const statusText = h('p', { class: 'tally-text' });
  const statusBox = h('div', { class: 'ballot-status', 'aria-live': 'polite' }, statusText);
  const rankedList = h('ol', { class: 'rank-list', 'aria-labelledby': 'ranked-heading' });
  const unrankedList = h('ul', { class: 'choice-list', role: 'list', 'aria-labelledby': 'unranked-heading' });
  let dragId = null;

  const title = (id) => loc(byId[id].project.title) || id;
  function move(id, to) {
    const from = state.ranking.indexOf(id);
    state.ranking.splice(from, 1);
    state.ranking.splice(to, 0, id);
  }
  function refocus(selector) {
    const el = selector && document.querySelector(selector);
    if (el) el.focus();
  }
  function act(fn, focusSelector, message) {
    fn();
    render();
    refocus(focusSelector);
    if (message) ctx.announce(message);
  }
  function render() {
    const k = state.ranking.length;
    statusBox.classList.toggle('warn', k > p.maxRank);
    statusText.textContent = t('ballot.ranking.count', { count: k, max: p.maxRank, min: p.minRank });
    replace(
      rankedList,
      state.ranking.length
        ? state.ranking.map((id, i) =>
            h(
              'li',
              {
                class: 'rank-item',
                draggable: 'true',
                dataset: { id },
                ondragstart: (ev) => {
                  dragId = id;
                  ev.dataTransfer.effectAllowed = 'move';
                  ev.dataTransfer.setData('text/plain', id);
                },
                ondragover: (ev) => ev.preventDefault(),
                ondrop: (ev) => {
                  ev.preventDefault();
                  const src = dragId || ev.dataTransfer.getData('text/plain');
                  if (!src || src === id) return;
                  if (!state.ranking.includes(src)) state.ranking.splice(i, 0, src);
                  else move(src, i);
                  dragId = null;
                  render();
                  ctx.announce(t('ballot.ranking.moved', { title: title(src), rank: state.ranking.indexOf(src) + 1 }));
                },
              },
              h('span', { class: 'rank-number', 'aria-hidden': 'true' }, String(i + 1)),
              h('span', { class: 'rank-title' }, h('span', { class: 'sr-only' }, t('ballot.ranking.rankN', { rank: i + 1 })), title(id)),
              h(
                'span',
                { class: 'rank-actions' },
                h('button', { type: 'button', class: 'small', dataset: { act: 'up', id }, disabled: i === 0, 'aria-label': t('ballot.ranking.upLabel', { title: title(id) }), onclick: () => act(() => move(id, i - 1), `[data-act="up"][data-id="${id}"]:not([disabled])`, t('ballot.ranking.moved', { title: title(id), rank: i })) }, '↑ ', t('ballot.ranking.up')),
                h('button', { type: 'button', class: 'small', dataset: { act: 'down', id }, disabled: i === state.ranking.length - 1, 'aria-label': t('ballot.ranking.downLabel', { title: title(id) }), onclick: () => act(() => move(id, i + 1), `[data-act="down"][data-id="${id}"]:not([disabled])`, t('ballot.ranking.moved', { title: title(id), rank: i + 2 })) }, '↓ ', t('ballot.ranking.down')),
                h('button', { type: 'button', class: 'small secondary', dataset: { act: 'remove', id }, 'aria-label': t('ballot.ranking.removeLabel', { title: title(id) }), onclick: () => act(() => state.ranking.splice(state.ranking.indexOf(id), 1), `[data-act="add"][data-id="${id}"]`, t('ballot.ranking.removed', { title: title(id) })) }, t('ballot.ranking.remove')),
              ),
            ),
          )
        : h('li', { class: 'rank-empty' }, t('ballot.ranking.empty')),
    );
    const unranked = all.filter((c) => !state.ranking.includes(c.id));
    replace(
      unrankedList,
      unranked.length
        ? unranked.map((c) =>
            h(
              'li',
              {
                class: 'choice-card unranked',
                draggable: 'true',
                ondragstart: (ev) => {
                  dragId = c.id;
                  ev.dataTransfer.setData('text/plain', c.id);
                },
              },
              h('span', { class: 'choice-body' }, projectInfo(c.project, c.cost, currency)),
              h(
                'button',
                {
                  type: 'button',
                  dataset: { act: 'add', id: c.id },
                  'aria-label': t('ballot.ranking.addLabel', { title: title(c.id), rank: state.ranking.length + 1 }),
                  onclick: () => act(() => state.ranking.push(c.id), `[data-act="remove"][data-id="${c.id}"]`, t('ballot.ranking.added', { title: title(c.id), rank: state.ranking.length + 1 })),
                },
                t('ballot.ranking.add', { rank: state.ranking.length + 1 }),
              ),
            ),
          )
        : h('li', { class: 'rank-empty' }, t('ballot.ranking.allRanked')),
    );
  }
  render();
  const dropZone = h(
    'div',
    {
      class: 'rank-zone',
      ondragover: (ev) => ev.preventDefault(),
      ondrop: (ev) => {
        const src = dragId || ev.dataTransfer.getData('text/plain');
        if (src && !state.ranking.includes(src) && ev.target === ev.currentTarget) {
          state.ranking.push(src);
          render();
        }
      },
    },
    h('h2', { id: 'ranked-heading', class: 'h3' }, t('ballot.ranking.yours')),
    h('p', { class: 'hint' }, t('ballot.ranking.dragHint')),
    rankedList,
  );
  const el = h('div', { class: 'ballot-fieldset ranking' }, statusBox, dropZone, h('h2', { id: 'unranked-heading', class: 'h3' }, t('ballot.ranking.notRanked')), unrankedList);
  return { el };
}

// -- yes / no / abstain ----------------------------------------------------------------------
function ynaWidget(ctx) {
  const { state, currency } = ctx;
  const items = candidates(ctx).map((c) => {
    const name = uid('yna');
    const options = ['yes', 'no', 'abstain'].map((answer) => {
      const id = uid('opt');
      return h(
        'span',
        { class: `seg seg-${answer}` },
        h('input', {
          type: 'radio',
          id,
          name,
          value: answer,
          checked: state.answers[c.id] === answer,
          onchange: () => {
            state.answers[c.id] = answer;
          },
        }),
        h('label', { for: id }, t(`ballot.yna.${answer}`)),
      );
    });
    return h(
      'li',
      { class: 'choice-card' },
      h('fieldset', { class: 'inner-fieldset' }, h('legend', {}, h('span', { class: 'choice-body' }, projectInfo(c.project, c.cost, currency))), h('div', { class: 'segmented' }, options)),
    );
  });
  return { el: h('div', { class: 'ballot-fieldset' }, h('ul', { class: 'choice-list', role: 'list' }, items)) };
}


