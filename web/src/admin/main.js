// Administrator pages (admin.html[?election=ID][&poll=5]).
//
// The API token is typed in and kept in this page's memory only (never stored): create an
// election from an election file (JSON or YAML: manifest + education modules), open and close
// stages, watch turnout per group and stage live, and finalise a tally once trustees have
// posted their partial decryptions.
import '../styles/main.css';
import YAML from 'yaml';
import { errorText, get, post } from '../lib/api.js';
import { focus, h, params, replace } from '../lib/dom.js';
import { dateTime, num, percent } from '../lib/format.js';
import { getLang, loc, t } from '../lib/i18n.js';
import { createShell } from '../lib/shell.js';

const q = params();
const pollSeconds = Math.max(1, Number(q.get('poll')) || 5);
const state = {
  token: '',
  electionId: q.get('election') || '',
  election: null,
  turnout: null,
  turnoutAt: null,
  live: true,
  createText: '',
  moduleFiles: [],
  createResult: null,
  createError: null,
  manageError: null,
  actionMessage: null,
  busy: null,
};
let pollTimer = null;

const shell = createShell({
  titleKey: 'admin.title',
  nav: () =>
    state.electionId
      ? [
          h('a', { href: `results.html?election=${encodeURIComponent(state.electionId)}&lang=${getLang()}` }, t('nav.results')),
          h('a', { href: `index.html?election=${encodeURIComponent(state.electionId)}&lang=${getLang()}` }, t('nav.vote')),
        ]
      : [],
  onLang: () => render(),
});

const boxes = { token: h('div'), create: h('div'), manage: h('div') };

/** Messages are kept as closures so that a language switch re-translates them. */
function text(message) {
  return typeof message === 'function' ? message() : message;
}

/** Re-render a part of the page, keeping keyboard focus on the same control when it survives. */
function refresh(name) {
  const active = document.activeElement && boxes[name].contains(document.activeElement) ? document.activeElement.id : null;
  const builders = { token: tokenSection, create: () => (state.token ? createSection() : null), manage: () => (state.token ? manageSection() : null) };
  replace(boxes[name], builders[name]());
  if (active) {
    const again = document.getElementById(active);
    if (again) again.focus();
  }
}

function render() {
  if (!shell.main.contains(boxes.token)) replace(shell.main, h('h1', {}, t('admin.title')), boxes.token, boxes.create, boxes.manage);
  else shell.main.querySelector('h1').textContent = t('admin.title');
  refresh('token');
  refresh('create');
  refresh('manage');
}

function tokenSection() {
  if (state.token) {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'token-heading' },
      h('h2', { id: 'token-heading' }, t('admin.token')),
      h('p', {}, t('admin.tokenSet')),
      h(
        'button',
        {
          type: 'button',
          id: 'forget-token',
          class: 'secondary',
          onclick: () => {
            state.token = '';
            stopPolling();
            render();
            focus(document.getElementById('token'));
          },
        },
        t('admin.forget'),
      ),
    );
  }
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-hint' });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'token-heading' },
    h('h2', { id: 'token-heading' }, t('admin.token')),
    h(
      'form',
      {
        class: 'stack',
        onsubmit: (ev) => {
          ev.preventDefault();
          const value = input.value.trim();
          input.value = '';
          if (!value) return;
          state.token = value;
          render();
          if (state.electionId) loadElection();
          focus(document.getElementById(state.electionId ? 'manage-heading' : 'create-heading'));
        },
      },
      h('label', { for: 'token' }, t('admin.tokenLabel')),
      h('p', { class: 'hint', id: 'token-hint' }, t('admin.tokenHint')),
      input,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'token-button' }, t('admin.useToken'))),
    ),
  );
}

// -- create ----------------------------------------------------------------------------------
function createSection() {
  const textarea = h('textarea', {
    id: 'election-file',
    rows: '12',
    spellcheck: 'false',
    class: 'mono',
    'aria-describedby': 'election-file-hint',
    oninput: (ev) => {
      state.createText = ev.target.value;
    },
  });
  textarea.value = state.createText;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'create-heading' },
    h('h2', { id: 'create-heading', tabindex: '-1' }, t('admin.create')),
    h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          createElection();
        },
      },
      h('label', { for: 'election-file' }, t('admin.electionFile')),
      h('p', { class: 'hint', id: 'election-file-hint' }, t('admin.electionFileHint')),
      textarea,
      h('label', { for: 'election-upload' }, t('admin.upload')),
      h('input', {
        id: 'election-upload',
        type: 'file',
        accept: '.json,.yaml,.yml,application/json,text/yaml',
        onchange: async (ev) => {
          const file = ev.target.files[0];
          if (file) {
            state.createText = await file.text();
            refresh('create');
          }
        },
      }),
      h('label', { for: 'module-upload' }, t('admin.modules')),
      h('p', { class: 'hint', id: 'module-hint' }, t('admin.modulesHint')),
      h('input', {
        id: 'module-upload',
        type: 'file',
        multiple: true,
        accept: '.json,.yaml,.yml,application/json,text/yaml',
        'aria-describedby': 'module-hint',
        onchange: async (ev) => {
          state.moduleFiles = await Promise.all(Array.from(ev.target.files).map(async (f) => ({ name: f.name, text: await f.text() })));
          refresh('create');
        },
      }),
      state.moduleFiles.length ? h('p', { class: 'hint' }, t('admin.modulesLoaded', { names: state.moduleFiles.map((f) => f.name).join(', ') })) : null,
      state.createError ? h('div', { class: 'error-summary', role: 'alert', id: 'create-error', tabindex: '-1' }, h('p', {}, text(state.createError))) : null,
      state.createResult ? h('div', { class: 'notice ok', role: 'status', id: 'create-result' }, t('admin.created', { id: state.createResult.election_id })) : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create-button' }, t('admin.createButton'))),
    ),
  );
}

function parseDocument(text, name) {
  try {
    return YAML.parse(text);
  } catch (err) {
    throw new Error(t('admin.parseError', { name, message: err.message }));
  }
}

/** The POST /elections body from the pasted election file and the uploaded module files. */
export function electionBody(text, moduleFiles) {
  const doc = parseDocument(text, t('admin.electionFile'));
  if (!doc || typeof doc !== 'object') throw new Error(t('admin.notAnObject'));
  const manifest = doc.manifest || (doc.election_id && doc.stages ? doc : null);
  if (!manifest) throw new Error(t('admin.noManifest'));
  const uploaded = moduleFiles.map((f) => ({ name: f.name, module: parseDocument(f.text, f.name) }));
  const listed = doc.manifest ? doc.education_modules || [] : [];
  const modules = [];
  for (const item of listed) {
    if (typeof item === 'string') {
      const base = item.split(/[\\/]/).pop();
      const match = uploaded.find((u) => u.name === base);
      if (!match) throw new Error(t('admin.missingModule', { path: item, name: base }));
      modules.push(match.module);
    } else {
      modules.push(item);
    }
  }
  for (const u of uploaded) if (!modules.some((m) => m && m.id === u.module.id)) modules.push(u.module);
  return { manifest, education_modules: modules };
}

async function createElection() {
  state.createError = null;
  state.createResult = null;
  try {
    const body = electionBody(state.createText, state.moduleFiles);
    const result = await post('/elections', body, { token: state.token });
    state.createResult = result;
    state.electionId = body.manifest.election_id;
    refresh('create');
    refresh('manage');
    focus(document.getElementById('create-result'));
    loadElection();
  } catch (err) {
    state.createError = () => (err.code ? errorText(err) : err.message);
    refresh('create');
    focus(document.getElementById('create-error'));
  }
}

// -- manage ----------------------------------------------------------------------------------
function manageSection() {
  const input = h('input', { id: 'manage-election', type: 'text', value: state.electionId, autocomplete: 'off', spellcheck: 'false' });
  const parts = [
    h('h2', { id: 'manage-heading', tabindex: '-1' }, t('admin.manage')),
    h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (ev) => {
          ev.preventDefault();
          state.electionId = input.value.trim();
          const url = new URL(window.location.href);
          url.searchParams.set('election', state.electionId);
          window.history.replaceState(null, '', url);
          loadElection();
        },
      },
      h('label', { for: 'manage-election' }, t('admin.electionId')),
      input,
      h('button', { type: 'submit', id: 'load-button' }, t('admin.load')),
    ),
  ];
  if (state.manageError) parts.push(h('div', { class: 'error-summary', role: 'alert', id: 'manage-error', tabindex: '-1' }, h('p', {}, text(state.manageError))));
  if (state.actionMessage) parts.push(h('div', { class: 'notice ok', role: 'status', id: 'action-message' }, text(state.actionMessage)));
  if (state.election) parts.push(stagesTable(), turnoutSection());
  return h('section', { class: 'card wide', 'aria-labelledby': 'manage-heading' }, parts);
}

function stagesTable() {
  const e = state.election;
  const statusOf = Object.fromEntries(e.stages.map((s) => [s.id, s]));
  const rows = e.manifest.stages.map((spec) => {
    const st = statusOf[spec.id] || {};
    const actions = [];
    const act = (action, cls = '') =>
      h(
        'button',
        { type: 'button', class: `small ${cls}`, id: `${action}-${spec.id}`, disabled: state.busy !== null, onclick: () => stageAction(spec.id, action) },
        t(`admin.action.${action}`),
      );
    if (st.status === 'pending') actions.push(act('open', 'primary'));
    if (st.status === 'open') actions.push(act('close'));
    if (st.status === 'closed') actions.push(act('tally', 'primary'));
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, loc(spec.title), h('span', { class: 'block hint mono' }, spec.id)),
      h('td', {}, t(`scheme.${spec.scheme}`, {}, spec.scheme)),
      h('td', {}, (spec.groups || []).map((g) => t(`group.${g}`, {}, g)).join(', ')),
      h('td', {}, h('span', { class: `badge badge-${st.status}`, id: `status-${spec.id}` }, t(`stageStatus.${st.status}`, {}, st.status))),
      h('td', { class: 'num' }, num(st.board_size || 0)),
      h('td', {}, actions.length ? actions : '—'),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h('h3', {}, loc(e.manifest.title), ' ', h('span', { class: 'hint mono' }, e.election_id)),
    h('p', { class: 'hint' }, t('admin.electionStatus', { status: t(`electionStatus.${e.status}`, {}, e.status) })),
    h(
      'table',
      { class: 'data' },
      h('caption', {}, t('admin.stages')),
      h('thead', {}, h('tr', {}, ['admin.col.stage', 'admin.col.scheme', 'admin.col.groups', 'admin.col.status', 'admin.col.ballots', 'admin.col.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows),
    ),
  );
}

function turnoutSection() {
  const tt = state.turnout;
  const e = state.election;
  const liveId = 'live-toggle';
  const header = h(
    'div',
    { class: 'turnout-head' },
    h('h3', { id: 'turnout-heading' }, t('admin.turnout')),
    h(
      'label',
      { class: 'switch', for: liveId },
      h('input', {
        type: 'checkbox',
        id: liveId,
        checked: state.live,
        onchange: (ev) => {
          state.live = ev.target.checked;
          if (state.live) startPolling();
          else stopPolling();
        },
      }),
      ' ',
      t('admin.live', { seconds: pollSeconds }),
    ),
    state.turnoutAt ? h('span', { class: 'hint', id: 'turnout-updated' }, t('admin.updated', { when: dateTime(state.turnoutAt.toISOString()) })) : null,
  );
  if (!tt) return h('section', { 'aria-labelledby': 'turnout-heading' }, header, h('p', {}, t('common.loading')));
  const titles = Object.fromEntries(e.manifest.stages.map((s) => [s.id, loc(s.title)]));
  const stageBlocks = tt.stages.map((row) => {
    const eligible = (e.manifest.stages.find((s) => s.id === row.stage) || {}).groups || Object.keys(row.roll);
    const groups = Object.keys(row.roll).filter((g) => eligible.includes(g));
    return h(
      'div',
      { class: 'turnout-stage' },
      h('h4', {}, titles[row.stage] || row.stage, ' ', h('span', { class: `badge badge-${row.status}` }, t(`stageStatus.${row.status}`, {}, row.status)), ' ', h('span', { class: 'hint' }, t('admin.ballotsOnBoard', { n: num(row.ballots) }))),
      h(
        'table',
        { class: 'data turnout', dataset: { stage: row.stage } },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.col.group')), h('th', { scope: 'col' }, t('admin.col.voted')), h('th', { scope: 'col' }, t('admin.col.roll')), h('th', { scope: 'col' }, t('admin.col.turnout')))),
        h(
          'tbody',
          {},
          groups.length ? null : h('tr', {}, h('td', { colspan: '4', class: 'hint' }, t('admin.noRoll'))),
          groups.map((g) => {
            const voted = row.voters[g] || 0;
            const roll = row.roll[g] || 0;
            const share = roll ? voted / roll : 0;
            return h(
              'tr',
              {},
              h('th', { scope: 'row' }, t(`group.${g}`, {}, g)),
              h('td', { class: 'num', dataset: { voted: g } }, num(voted)),
              h('td', { class: 'num' }, num(roll)),
              h('td', {}, h('div', { class: 'meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': (share * 100).toFixed(1), 'aria-label': t('admin.turnoutOf', { group: t(`group.${g}`, {}, g) }) }, h('div', { class: 'meter-fill', style: `width:${(share * 100).toFixed(1)}%` })), ' ', percent(share)),
            );
          }),
        ),
      ),
    );
  });
  return h('section', { class: 'turnout-section', 'aria-labelledby': 'turnout-heading' }, header, stageBlocks);
}

async function loadElection() {
  state.manageError = null;
  if (!state.electionId) return;
  try {
    state.election = await get(`/elections/${encodeURIComponent(state.electionId)}`);
    refresh('manage');
    await refreshTurnout();
    startPolling();
  } catch (err) {
    state.election = null;
    state.manageError = () => errorText(err);
    refresh('manage');
    focus(document.getElementById('manage-error'));
  }
}

async function refreshTurnout() {
  if (!state.token || !state.electionId) return;
  try {
    const [turnout, election] = await Promise.all([
      get(`/elections/${encodeURIComponent(state.electionId)}/turnout`, { token: state.token }),
      get(`/elections/${encodeURIComponent(state.electionId)}`),
    ]);
    state.turnout = turnout;
    state.election = election;
    state.turnoutAt = new Date();
    refresh('manage');
  } catch (err) {
    state.manageError = () => errorText(err);
    stopPolling();
    refresh('manage');
  }
}

function startPolling() {
  stopPolling();
  if (state.live) pollTimer = setInterval(refreshTurnout, pollSeconds * 1000);
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

async function stageAction(stageId, action) {
  state.manageError = null;
  state.actionMessage = null;
  state.busy = `${action}-${stageId}`;
  refresh('manage');
  try {
    await post(`/elections/${encodeURIComponent(state.electionId)}/stages/${encodeURIComponent(stageId)}/${action}`, undefined, { token: state.token });
    state.actionMessage = () => t(`admin.done.${action}`, { stage: stageId });
    state.busy = null;
    await refreshTurnout();
    focus(document.getElementById('action-message'));
  } catch (err) {
    state.busy = null;
    state.manageError = () => errorText(err);
    refresh('manage');
    focus(document.getElementById('manage-error'));
  }
}

render();
focus(document.getElementById('token'));
