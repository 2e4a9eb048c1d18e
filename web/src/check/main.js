// "Check my ballot" (check.html?election=ID&stage=S&tracking=HASH-or-SHORT-CODE).
//
// Fetches the receipt and the ballot from the public board and checks in this browser, with the
// crypto module: the ballot's tracking hash, the receipt's inclusion proof under its signed
// tree head, the board key's signatures, and that the ballot is still included under the
// board's current head. Nothing here needs a sign-in.
import '../styles/main.css';
import * as crypto from '../crypto/index.js';
import { ApiError, errorText, get } from '../lib/api.js';
import { focus, h, params, replace } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { getLang, loc, t } from '../lib/i18n.js';
import { createShell } from '../lib/shell.js';
import { checkReceipt } from '../voter/device.js';

const q = params();
const form = { election: q.get('election') || '', stage: q.get('stage') || '', tracking: (q.get('tracking') || '').trim() };
let election = null;
let outcome = null; // {steps: [{key, ok, detail}], ok, receipt, envelope}
let busy = false;

const shell = createShell({
  titleKey: 'check.title',
  nav: () =>
    form.election
      ? [
          h('a', { href: `index.html?election=${encodeURIComponent(form.election)}&lang=${getLang()}` }, t('nav.vote')),
          h('a', { href: `results.html?election=${encodeURIComponent(form.election)}&lang=${getLang()}` }, t('nav.results')),
        ]
      : [],
  onLang: () => render(false),
});

function b64(value) {
  return typeof value === 'string' ? value : crypto.b64encode(value);
}

function boardKeyOf(info) {
  return (info && (info.board_key || (info.board && info.board.key))) || null;
}

function looksLikeShortCode(text) {
  try {
    crypto.normalizeShortCode(text);
    return true;
  } catch {
    return false;
  }
}


/** Walk the public board for an entry (by position, tracking hash or short code). */
async function findOnBoard(base, match) {
  for (let from = 0; ; from += 1000) {
    const page = await get(`${base}/board?from=${from}&limit=1000`);
    for (const entry of page.entries) if (match(entry)) return entry;
    if (page.entries.length < 1000) return null;
  }
}

function inclusionOk(envelope, position, size, proof, root) {
  const leaf = crypto.leafHash(crypto.leafData(position, crypto.trackingHash(envelope), envelope.signature));
  return Boolean(crypto.verifyInclusion(leaf, position, size, proof, root));
}

async function runCheck() {
  busy = true;
  outcome = null;
  render(false);
  const steps = [];
  const add = (key, ok, vars = {}, detail = null) => steps.push({ key, ok, vars, detail });
  let receipt = null;
  let envelope = null;
  try {
    await crypto.ready();
    const base = `/elections/${encodeURIComponent(form.election)}/stages/${encodeURIComponent(form.stage)}`;
    election = await get(`/elections/${encodeURIComponent(form.election)}`);
    const boardKey = boardKeyOf(election);
    let tracking = form.tracking;
    if (looksLikeShortCode(tracking)) {
      const entry = await findOnBoard(base, (e) => crypto.matchesShortCode(e.tracking_hash, tracking));
      if (!entry) {
        add('notFound', false, { code: tracking });
        return finish(steps, null, null);
      }
      tracking = entry.tracking_hash;
    }
    let current = null;
    try {
      const found = await get(`${base}/receipts/${encodeURIComponent(tracking)}`);
      receipt = found.receipt;
      current = found.current;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        add('notFound', false, { code: form.tracking });
        return finish(steps, null, null);
      }
      throw err;
    }
    add('found', true, { position: receipt.position + 1, when: dateTime(new Date(receipt.tree_head.timestamp).toISOString()) });
    const page = await get(`${base}/board?from=${receipt.position}&limit=1`);
    const entry = page.entries[0];
    envelope = entry ? entry.ballot : null;
    const sameEntry = Boolean(entry && entry.tracking_hash === receipt.tracking_hash && entry.position === receipt.position);
    const recomputed = envelope ? b64(crypto.trackingHash(envelope)) : null;
    add('tracking', sameEntry && recomputed === receipt.tracking_hash, { code: receipt.short_code });
    let included = false;
    try {
      included = Boolean(envelope) && inclusionOk(envelope, receipt.position, receipt.tree_head.tree_size, receipt.inclusion_proof, receipt.tree_head.root);
    } catch {
      included = false;
    }
    add('inclusion', included, { size: receipt.tree_head.tree_size });
    if (boardKey && envelope) {
      const verdict = checkReceipt(receipt, envelope, boardKey);
      add('signatures', verdict.signatures === true, {}, verdict.signatures === true ? null : verdict.problems.join('; '));
    } else {
      add('signaturesUnknown', null, {});
    }
    // Still on the board now: an inclusion proof for the current head.
    const head = current ? current.tree_head : (await get(`${base}/board/head`)).tree_head;
    const proof = await get(`${base}/board/inclusion?position=${receipt.position}&tree_size=${head.tree_size}`);
    let stillOk = false;
    try {
      stillOk = inclusionOk(envelope, receipt.position, head.tree_size, proof.inclusion_proof, head.root);
      if (boardKey) stillOk = stillOk && Boolean(crypto.verifyTreeHead(head, boardKey));
    } catch {
      stillOk = false;
    }
    add('current', stillOk, { size: head.tree_size, final: current && current.final ? t('check.final') : t('check.live') });
  } catch (err) {
    add('error', false, {}, errorText(err));
  }
  return finish(steps, receipt, envelope);
}

function finish(steps, receipt, envelope) {
  busy = false;
  const ok = steps.length > 0 && steps.every((s) => s.ok !== false);
  outcome = { steps, ok, receipt, envelope };
  render(false);
  focus(document.getElementById('verdict'));
}

function render(moveFocus) {
  const fields = [
    ['election', 'check.election'],
    ['stage', 'check.stage'],
    ['tracking', 'check.tracking'],
  ].map(([name, key]) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, t(key)),
      name === 'tracking' ? h('p', { class: 'hint', id: 'tracking-hint' }, t('check.trackingHint')) : null,
      h('input', {
        id: `f-${name}`,
        name,
        type: 'text',
        value: form[name],
        autocomplete: 'off',
        spellcheck: 'false',
        required: true,
        'aria-describedby': name === 'tracking' ? 'tracking-hint' : null,
        oninput: (ev) => {
          form[name] = ev.target.value.trim();
        },
      }),
    ),
  );
  const stageTitle = election && form.stage ? loc((election.manifest.stages.find((s) => s.id === form.stage) || {}).title) : '';
  const parts = [
    h('h1', {}, t('check.title')),
    h('p', { class: 'lead' }, t('check.intro')),
    h(
      'form',
      {
        class: 'card stack',
        novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          if (!form.election || !form.stage || !form.tracking) return;
          const url = new URL(window.location.href);
          for (const k of ['election', 'stage', 'tracking']) url.searchParams.set(k, form[k]);
          window.history.replaceState(null, '', url);
          runCheck();
        },
      },
      fields,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big', id: 'check-button' }, t('check.submit'))),
    ),
  ];
  if (busy) parts.push(h('p', { class: 'notice', role: 'status' }, h('span', { class: 'spinner inline', 'aria-hidden': 'true' }), t('check.busy')));
  if (outcome) {
    parts.push(
      h(
        'section',
        { class: `card result ${outcome.ok ? 'pass' : 'fail'}`, 'aria-labelledby': 'verdict' },
        h('h2', { id: 'verdict', tabindex: '-1', class: 'verdict' }, h('span', { class: 'big-mark', 'aria-hidden': 'true' }, outcome.ok ? '✓' : '✗'), ' ', outcome.ok ? t('check.ok') : t('check.bad')),
        outcome.receipt ? h('p', {}, t('check.summary', { code: outcome.receipt.short_code, stage: stageTitle || form.stage, position: outcome.receipt.position + 1 })) : null,
        h(
          'ol',
          { class: 'steps' },
          outcome.steps.map((s) =>
            h(
              'li',
              { class: s.ok === true ? 'ok' : s.ok === false ? 'bad' : 'unknown' },
              h('span', { class: 'mark', 'aria-hidden': 'true' }, s.ok === true ? '✓' : s.ok === false ? '✗' : '–'),
              h('span', { class: 'sr-only' }, s.ok === true ? t('check.passed') : s.ok === false ? t('check.failed') : t('check.notChecked')),
              ' ',
              h('strong', {}, t(`check.step.${s.key}`, s.vars)),
              h('span', { class: 'block hint' }, t(`check.explain.${s.key}`, s.vars)),
              s.detail ? h('span', { class: 'block field-error' }, s.detail) : null,
            ),
          ),
        ),
        outcome.ok ? h('p', {}, t('check.meaning')) : h('p', {}, t('check.whatToDo')),
      ),
    );
  }
  replace(shell.main, parts);
  if (moveFocus) focus(shell.main.querySelector('h1'));
}

render(true);
if (form.election && form.stage && form.tracking) runCheck();
