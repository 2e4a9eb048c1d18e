// Public results (results.html?election=ID): the weighted final ranking with charts (score per
// group and weighted, the budget line, the selected projects), per-stage rankings, the record
// download and the independent verifier's status.
import '../styles/main.css';
import { ApiError, API, errorText, get } from '../lib/api.js';
import { focus, h, params, replace } from '../lib/dom.js';
import { fraction, money, moneyFull, num, percent } from '../lib/format.js';
import { getLang, loc, t } from '../lib/i18n.js';
import { createShell } from '../lib/shell.js';
import { PALETTE, WEIGHTED, budgetLine, groupedBars } from './charts.js';

const q = params();
const electionId = q.get('election') || '';
const data = { election: null, results: null, verification: null, verificationError: null, error: null };

const shell = createShell({
  titleKey: 'results.title',
  nav: () =>
    electionId
      ? [
          h('a', { href: `index.html?election=${encodeURIComponent(electionId)}&lang=${getLang()}` }, t('nav.vote')),
          h('a', { href: `check.html?election=${encodeURIComponent(electionId)}&lang=${getLang()}` }, t('nav.check')),
        ]
      : [],
  onLang: () => render(false),
});

function projectTitle(id) {
  const p = data.election.manifest.projects.find((x) => x.id === id);
  return p ? loc(p.title) : id;
}

function currency() {
  return data.election.manifest.currency || 'KRW';
}

function render(moveFocus) {
  if (!electionId) {
    replace(shell.main, h('h1', {}, t('results.title')), h('form', { method: 'get', class: 'card stack' }, h('label', { for: 'e' }, t('voter.electionId')), h('input', { id: 'e', name: 'election', required: true }), h('button', { type: 'submit', class: 'primary' }, t('common.continue'))));
    return;
  }
  if (data.error) {
    replace(shell.main, h('h1', {}, t('results.title')), h('div', { class: 'error-summary', role: 'alert' }, h('p', {}, errorText(data.error))));
    return;
  }
  if (!data.election || !data.results) {
    replace(shell.main, h('h1', {}, t('results.title')), h('p', { role: 'status' }, t('common.loading')));
    return;
  }
  const m = data.election.manifest;
  replace(
    shell.main,
    h('p', { class: 'eyebrow' }, t('results.title')),
    h('h1', {}, loc(m.title)),
    finalSection(),
    stagesSection(),
    recordSection(),
  );
  if (moveFocus) focus(shell.main.querySelector('h1'));
}

function finalSection() {
  const final = data.results.final;
  const rows = final.ranking || [];
  const groups = Object.keys(final.weights || {});
  const parts = [h('h2', { id: 'final-heading' }, t('results.final'))];
  if (!rows.length || !groups.length) {
    parts.push(h('p', { class: 'notice' }, t('results.noFinal')));
    return h('section', { class: 'card wide', 'aria-labelledby': 'final-heading' }, parts);
  }
  const totalWeight = groups.reduce((a, g) => a + final.weights[g], 0);
  parts.push(
    h('p', {}, t('results.weights', { list: groups.map((g) => `${t(`group.${g}`, {}, g)} ${percent(final.weights[g] / totalWeight, 0)}`).join(' · ') })),
    h(
      'p',
      { class: 'summary-line' },
      t('results.selectedSummary', { count: final.selected.length, total: money(final.total_cost, currency()), budget: money(final.budget, currency()) }),
    ),
  );
  const series = [...groups.map((g, i) => ({ name: t(`group.${g}`, {}, g), color: PALETTE[i % PALETTE.length] })), { name: t('results.weighted'), color: WEIGHTED }];
  parts.push(
    h('h3', {}, t('results.scoreChart')),
    groupedBars({
      title: t('results.scoreChart'),
      desc: t('results.scoreChartDesc'),
      rows: rows.map((r) => ({ label: projectTitle(r.project), selected: r.selected, values: [...groups.map((g) => fraction(r.group_scores[g] ?? 0)), fraction(r.score)] })),
      series,
      format: (x) => percent(x, 0),
    }),
    h('h3', {}, t('results.budgetChart')),
    budgetLine({
      title: t('results.budgetChart'),
      desc: t('results.budgetChartDesc', { budget: money(final.budget, currency()) }),
      budget: final.budget,
      rows: rows.map((r) => ({ label: projectTitle(r.project), cost: r.cost, selected: r.selected })),
      money: (x) => money(x, currency()),
      budgetLabel: t('results.budgetLine', { budget: money(final.budget, currency()) }),
      selectedName: t('results.selected'),
      skippedName: t('results.notSelected'),
    }),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'final-table' },
        h('caption', {}, t('results.finalTable')),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('results.col.rank')), h('th', { scope: 'col' }, t('results.col.project')), groups.map((g) => h('th', { scope: 'col' }, t(`group.${g}`, {}, g))), h('th', { scope: 'col' }, t('results.weighted')), h('th', { scope: 'col' }, t('results.col.cost')), h('th', { scope: 'col' }, t('results.col.selected'))),
        ),
        h(
          'tbody',
          {},
          rows.map((r, i) =>
            h(
              'tr',
              { class: r.selected ? 'selected' : '' },
              h('td', { class: 'num' }, String(i + 1)),
              h('th', { scope: 'row' }, projectTitle(r.project), h('span', { class: 'block hint mono' }, r.project)),
              groups.map((g) => h('td', { class: 'num' }, percent(fraction(r.group_scores[g] ?? 0)))),
              h('td', { class: 'num strong' }, percent(fraction(r.score))),
              h('td', { class: 'num', title: moneyFull(r.cost, currency()) }, money(r.cost, currency())),
              h('td', {}, r.selected ? h('span', { class: 'ok' }, '✓ ', t('results.selected')) : h('span', { class: 'hint' }, t('results.notSelected'))),
            ),
          ),
        ),
      ),
    ),
  );
  return h('section', { class: 'card wide', 'aria-labelledby': 'final-heading' }, parts);
}

function stagesSection() {
  const m = data.election.manifest;
  const status = Object.fromEntries(data.election.stages.map((s) => [s.id, s]));
  const blocks = m.stages.map((spec) => {
    const result = data.results.stages[spec.id];
    const st = status[spec.id] || {};
    const head = h('h3', { id: `stage-${spec.id}` }, loc(spec.title), ' ', h('span', { class: `badge badge-${st.status}` }, t(`stageStatus.${st.status}`, {}, st.status)));
    if (!result) return h('div', { class: 'stage-result' }, head, h('p', { class: 'hint' }, t('results.notTallied', { ballots: num(st.board_size || 0) })));
    return h(
      'div',
      { class: 'stage-result' },
      head,
      h('p', { class: 'hint' }, t(`scheme.${spec.scheme}`, {}, spec.scheme), ' · ', t('results.ballots', { n: num(st.board_size || 0) })),
      h(
        'table',
        { class: 'data compact' },
        h('caption', { class: 'sr-only' }, loc(spec.title)),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('results.col.rank')), h('th', { scope: 'col' }, t('results.col.project')), h('th', { scope: 'col' }, t('results.col.score')), h('th', { scope: 'col' }, t('results.col.cost')))),
        h(
          'tbody',
          {},
          result.ranking.map((r, i) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, String(i + 1)),
              h('th', { scope: 'row' }, projectTitle(r.project)),
              h('td', {}, h('span', { class: 'inline-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${(fraction(r.score) * 100).toFixed(1)}%` })), ' ', percent(fraction(r.score))),
              h('td', { class: 'num' }, money(r.cost, currency())),
            ),
          ),
        ),
      ),
    );
  });
  return h('section', { class: 'card wide', 'aria-labelledby': 'stages-heading' }, h('h2', { id: 'stages-heading' }, t('results.stages')), blocks);
}

function recordSection() {
  const v = data.verification;
  const href = `${API}/elections/${encodeURIComponent(electionId)}/record.zip`;
  let status;
  if (v) {
    status = h(
      'div',
      { class: `result ${v.ok ? 'pass' : 'fail'}`, id: 'verification' },
      h('p', { class: 'verdict' }, h('span', { class: 'big-mark', 'aria-hidden': 'true' }, v.ok ? '✓' : '✗'), ' ', v.ok ? t('results.verified') : t('results.notVerified')),
      h(
        'table',
        { class: 'data compact' },
        h('caption', {}, t('results.checks')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'ID'), h('th', { scope: 'col' }, t('results.col.check')), h('th', { scope: 'col' }, t('results.col.checked')), h('th', { scope: 'col' }, t('results.col.failed')))),
        h(
          'tbody',
          {},
          v.checks.map((c) =>
            h('tr', { class: c.failed ? 'bad' : '' }, h('td', {}, c.id), h('th', { scope: 'row' }, t(`check.name.${c.name}`, {}, c.name)), h('td', { class: 'num' }, num(c.checked)), h('td', { class: 'num' }, c.failed ? h('strong', { class: 'bad' }, num(c.failed)) : '0')),
          ),
        ),
      ),
    );
  } else if (data.verificationError) {
    status = h('p', { class: 'notice', id: 'verification' }, t('results.verificationUnavailable'));
  } else {
    status = h('p', { class: 'notice', role: 'status', id: 'verification' }, h('span', { class: 'spinner inline', 'aria-hidden': 'true' }), t('results.verifying'));
  }
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'record-heading' },
    h('h2', { id: 'record-heading' }, t('results.record')),
    h('p', {}, t('results.recordText')),
    h('p', {}, h('a', { href, class: 'button-link', download: `${electionId}-record.zip`, id: 'record-link' }, t('results.download'))),
    h('h3', {}, t('results.verification')),
    status,
    h('h3', {}, t('results.howTo')),
    h('ol', {}, h('li', {}, t('results.how1')), h('li', {}, t('results.how2')), h('li', {}, h('code', {}, 'python -m verifier record/'))),
  );
}

async function load() {
  render(true);
  if (!electionId) return;
  try {
    const [election, results] = await Promise.all([get(`/elections/${encodeURIComponent(electionId)}`), get(`/elections/${encodeURIComponent(electionId)}/results`)]);
    data.election = election;
    data.results = results;
  } catch (err) {
    data.error = err;
  }
  render(true);
  if (data.error) return;
  try {
    data.verification = await get(`/elections/${encodeURIComponent(electionId)}/verification`);
  } catch (err) {
    data.verificationError = err instanceof ApiError ? err : new ApiError(0, { error: 'network', message: String(err) });
  }
  const active = document.activeElement && document.activeElement.id;
  render(false);
  if (active && document.getElementById(active)) document.getElementById(active).focus();
  shell.announce(data.verification ? (data.verification.ok ? t('results.verified') : t('results.notVerified')) : t('results.verificationUnavailable'));
}

load();
