// The voter's pages (index.html?election=ID[&kiosk=1][&idle=60][&after=30][&lang=en]).
//
// Sign in with the credential code (typed, or from the QR's #code= fragment), take the stage's
// budget-school modules, fill in the ballot, let this device encrypt and sign it, then cast it
// or audit it (Benaloh challenge), and keep the receipt. The code and the secret key stay in
// this page's memory only: nothing is written to any browser storage.
import '../styles/main.css';
import { ApiError, errorText, get, post } from '../lib/api.js';
import { focus, h, nextFrame, params, replace } from '../lib/dom.js';
import { dateTime, money } from '../lib/format.js';
import { getLang, loc, setLang, t } from '../lib/i18n.js';
import { sanitizeHtml } from '../lib/sanitize.js';
import { createShell } from '../lib/shell.js';
import { choiceErrorText, choiceOf, createWidget, initialState, instructions, summaryLines } from './ballot.js';
import * as device from './device.js';
import { fullscreenOnFirstGesture, idleTimer, wipeStorage } from './kiosk.js';

const q = params();
const seconds = (name, fallback) => {
  const v = Number(q.get(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const config = {
  electionId: q.get('election') || '',
  kiosk: q.get('kiosk') === '1',
  idleSeconds: seconds('idle', 60),
  afterSeconds: seconds('after', 30),
};

// A code scanned from a credential sheet's QR arrives in the fragment: take it, then remove it
// from the address bar and history right away.
let fragmentCode = null;
if (window.location.hash.includes('code=')) {
  const m = /code=([^&]*)/.exec(window.location.hash);
  fragmentCode = m ? decodeURIComponent(m[1]) : null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** Everything about the signed-in voter; null when signed out. */
let session = null;
/** The current screen and its data. */
let view = { name: 'loading' };
let nav = 0;
let timers = [];
let election = null;
const modulesByLang = {};

const shell = createShell({
  titleKey: 'voter.title',
  kiosk: config.kiosk,
  nav: () => navItems(),
  onLang: () => onLanguage(),
});
const idleBox = h('div', { class: 'idle-warning', hidden: true, role: 'alert' });
shell.main.before(idleBox);


function navItems() {
  const items = [];
  if (session) {
    items.push(h('span', { class: 'nav-note' }, t('voter.signedInAs', { group: t(`group.${session.group}`, {}, session.group) })));
    items.push(h('button', { type: 'button', class: 'link-button', onclick: () => signOut() }, config.kiosk ? t('voter.finish') : t('voter.signOut')));
  }
  if (!config.kiosk && config.electionId) {
    items.push(h('a', { href: `results.html?election=${encodeURIComponent(config.electionId)}&lang=${getLang()}` }, t('nav.results')));
    items.push(h('a', { href: `check.html?election=${encodeURIComponent(config.electionId)}&lang=${getLang()}` }, t('nav.check')));
  }
  return items;
}

function clearTimers() {
  for (const id of timers) clearInterval(id);
  timers = [];
}

function every(ms, fn) {
  const id = setInterval(fn, ms);
  timers.push(id);
  return id;
}

async function go(name, data = {}) {
  clearTimers();
  const token = ++nav;
  view = { name, ...data };
  const screen = screens[name];
  if (screen.enter) {
    replace(shell.main, h('h1', { class: 'busy-title' }, t('common.loading')), h('p', { class: 'spinner', 'aria-hidden': 'true' }));
    try {
      await screen.enter(view);
    } catch (err) {
      if (token !== nav) return;
      if (handleSessionError(err)) return;
      view = { name: 'problem', error: err, back: data.back || 'stages' };
    }
  }
  if (token !== nav) return;
  render(true);
  shell.renderChrome();
}

let firstScreen = true;
function render(moveFocus) {
  const screen = screens[view.name];
  replace(shell.main, screen.render(view));
  // The first screen keeps the browser's natural focus order (skip link first); every later
  // screen change moves focus to its heading so screen readers announce where the voter is.
  if (view.name === 'loading' || view.name === 'problem') moveFocus = moveFocus && !firstScreen;
  else if (firstScreen) {
    firstScreen = false;
    moveFocus = false;
  }
  if (moveFocus) {
    focus(shell.main.querySelector('h1'));
    window.scrollTo(0, 0);
  }
}

async function onLanguage() {
  const typed = Array.from(shell.main.querySelectorAll('input[type=text][id], textarea[id]')).map((el) => [el.id, el.value]);
  const screen = screens[view.name];
  if (screen && screen.onLang) {
    try {
      await screen.onLang(view);
    } catch {
      /* keep the old language content */
    }
  }
  render(false);
  for (const [id, value] of typed) {
    const el = document.getElementById(id);
    if (el && !el.value) el.value = value;
  }
}

function handleSessionError(err) {
  if (err instanceof ApiError && err.code === 'unauthenticated' && session) {
    endSession();
    go('signin', { message: () => t('voter.sessionExpired') });
    return true;
  }
  return false;
}

function endSession() {
  if (session) device.forgetKey(session.keyPair);
  session = null;
}

function signOut() {
  if (config.kiosk) {
    kioskReset();
    return;
  }
  endSession();
  go('signin', { message: () => t('voter.signedOut') });
}

/** Back to the very start: memory cleared, storage wiped, Korean, sign-in screen. */
function kioskReset() {
  endSession();
  wipeStorage();
  for (const key of Object.keys(modulesByLang)) delete modulesByLang[key];
  idleBox.hidden = true;
  if (getLang() !== 'ko') setLang('ko');
  go('signin', {});
}

/** Messages are kept as closures so that a language switch re-translates them. */
function text(message) {
  return typeof message === 'function' ? message() : message;
}

function errorBox(message, id = 'form-error') {
  return message ? h('div', { class: 'error-summary', role: 'alert', id, tabindex: '-1' }, h('p', {}, text(message))) : null;
}

function stageSpec(stageId) {
  return election.manifest.stages.find((s) => s.id === stageId);
}

function projectsById() {
  return Object.fromEntries(election.manifest.projects.map((p) => [p.id, p]));
}

async function loadElection() {
  election = await get(`/elections/${encodeURIComponent(config.electionId)}`);
}

async function loadModules(lang = getLang()) {
  if (!modulesByLang[lang]) {
    const data = await get(`/elections/${encodeURIComponent(config.electionId)}/education?lang=${lang}`);
    modulesByLang[lang] = Object.fromEntries(data.modules.map((m) => [m.id, m]));
  }
  return modulesByLang[lang];
}

async function loadProgress() {
  const me = await get(`/elections/${encodeURIComponent(config.electionId)}/me`, { token: session.token });
  session.progress = me.education || {};
}

function missingModules(stageId) {
  const spec = stageSpec(stageId);
  return (spec.education || []).filter((id) => !(session.progress[id] && session.progress[id].passed));
}

/** Budget school first, then the ballot. */
async function enterStage(stageId) {
  try {
    await loadProgress();
  } catch (err) {
    if (handleSessionError(err)) return;
    throw err;
  }
  const missing = missingModules(stageId);
  if (missing.length) go('module', { stageId, moduleId: missing[0] });
  else go('ballot', { stageId });
}

// ------------------------------------------------------------------------------------------
const screens = {};

screens.loading = { render: () => [h('h1', {}, t('common.loading'))] };

screens.problem = {
  render: (v) => [
    h('h1', {}, t('voter.problemTitle')),
    errorBox(errorText(v.error)),
    session && v.back ? h('p', {}, h('button', { type: 'button', onclick: () => go(v.back, v.backData || {}) }, t('common.back'))) : null,
    !session ? h('p', {}, h('button', { type: 'button', onclick: () => start() }, t('common.retry'))) : null,
  ],
};

screens.chooseElection = {
  render: () => {
    const input = h('input', { id: 'election-id', name: 'election', type: 'text', required: true, autocomplete: 'off' });
    return [
      h('h1', {}, t('voter.chooseElection')),
      h(
        'form',
        { method: 'get', action: 'index.html', class: 'stack' },
        h('label', { for: 'election-id' }, t('voter.electionId')),
        input,
        h('button', { type: 'submit', class: 'primary' }, t('common.continue')),
      ),
    ];
  },
};

// -- sign in --------------------------------------------------------------------------------
screens.signin = {
  render: (v) => {
    const hintId = 'code-hint';
    const errId = 'code-error';
    const input = h('input', {
      id: 'code',
      name: 'code',
      type: 'text',
      class: 'code-input',
      autocomplete: 'off',
      autocapitalize: 'characters',
      autocorrect: 'off',
      spellcheck: 'false',
      'aria-describedby': v.error ? `${hintId} ${errId}` : hintId,
      'aria-invalid': v.error ? 'true' : null,
    });
    const form = h(
      'form',
      {
        class: 'stack signin-form',
        novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          const text = input.value;
          input.value = '';
          signIn(text);
        },
      },
      h('label', { for: 'code', class: 'label-big' }, t('signin.codeLabel')),
      h('p', { id: hintId, class: 'hint' }, t('signin.codeHint')),
      v.error ? h('p', { id: errId, class: 'field-error' }, text(v.error)) : null,
      input,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big', id: 'signin-button' }, t('signin.submit')), scanButton()),
    );
    const spec = election.manifest;
    return [
      h('h1', {}, loc(spec.title)),
      v.message ? h('p', { class: 'notice', role: 'status' }, text(v.message)) : null,
      v.busy ? h('p', { class: 'notice', role: 'status' }, h('span', { class: 'spinner inline', 'aria-hidden': 'true' }), text(v.busy)) : null,
      h('section', { class: 'card', 'aria-labelledby': 'signin-heading' }, h('h2', { id: 'signin-heading' }, t('signin.heading')), form),
      h(
        'section',
        { class: 'card muted', 'aria-labelledby': 'privacy-heading' },
        h('h2', { id: 'privacy-heading', class: 'h3' }, t('signin.privacyHeading')),
        h('ul', {}, h('li', {}, t('signin.privacy1')), h('li', {}, t('signin.privacy2')), h('li', {}, t('signin.privacy3'))),
      ),
    ];
  },
};

function scanButton() {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || config.kiosk) return null;
  return h('button', { type: 'button', class: 'secondary big', onclick: () => scanQr() }, t('signin.scan'));
}

async function scanQr() {
  let stream;
  const video = h('video', { playsinline: true, muted: true, class: 'scanner', 'aria-label': t('signin.scanVideo') });
  const stop = () => {
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    clearTimers();
    go('signin', {});
  };
  replace(shell.main, h('h1', {}, t('signin.scanTitle')), h('p', {}, t('signin.scanHint')), video, h('p', {}, h('button', { type: 'button', onclick: stop }, t('common.cancel'))));
  focus(shell.main.querySelector('h1'));
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = stream;
    await video.play();
    // eslint-disable-next-line no-undef
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    every(300, async () => {
      const found = await detector.detect(video).catch(() => []);
      if (found.length) {
        stream.getTracks().forEach((tr) => tr.stop());
        clearTimers();
        signIn(found[0].rawValue);
      }
    });
  } catch (err) {
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    go('signin', { error: () => t('signin.scanFailed', { message: err.message || String(err) }) });
  }
}

function codeErrorText(err) {
  const m = /character (\d+)/.exec(err.message || '');
  const got = /got (\d+)/.exec(err.message || '');
  return t(`code.${err.code}`, { position: m ? m[1] : '?', got: got ? got[1] : '?' }, null) || t('code.invalid');
}

function codeFromTextSafe(text) {
  return device.codeFromText(text).slice(0, 80);
}

async function signIn(text) {
  let keyPair;
  try {
    keyPair = device.keyPairFromCode(text);
  } catch (err) {
    // a typo: give the typed text back so it can be corrected (it stays in the field only)
    view = { name: 'signin', error: () => codeErrorText(err) };
    render(false);
    const field = document.getElementById('code');
    if (field) field.value = codeFromTextSafe(text);
    focus(field);
    return;
  }
  view = { name: 'signin', busy: () => t('signin.busy') };
  render(false);
  shell.announce(t('signin.busy'));
  try {
    const base = `/elections/${encodeURIComponent(config.electionId)}`;
    const challenge = await post(`${base}/signin/challenge`);
    const signature = device.signChallenge(keyPair, challenge.nonce, config.electionId);
    const result = await post(`${base}/signin`, { credential: keyPair.credential, nonce: challenge.nonce, signature });
    session = { keyPair, credential: keyPair.credential, token: result.token, group: result.group, progress: {}, receipts: {} };
    shell.announce(t('signin.done'));
    go('stages', {});
  } catch (err) {
    device.forgetKey(keyPair);
    view = { name: 'signin', error: () => (err.code === 'unknown_credential' ? t('signin.unknown') : errorText(err)) };
    render(false);
    focus(document.getElementById('code'));
  }
}

// -- stages ----------------------------------------------------------------------------------
screens.stages = {
  enter: async () => {
    await loadElection();
    await loadProgress();
    await loadModules();
  },
  onLang: async () => loadModules(),
  render: (v) => {
    const mods = modulesByLang[getLang()] || {};
    const status = Object.fromEntries(election.stages.map((s) => [s.id, s.status]));
    const mine = election.manifest.stages.filter((s) => (s.groups || []).includes(session.group));
    const open = mine.filter((s) => status[s.id] === 'open');
    const cards = mine.map((spec) => {
      const st = status[spec.id];
      const missing = missingModules(spec.id);
      const receipt = session.receipts[spec.id];
      const headingId = `stage-${spec.id}`;
      let action = null;
      if (st === 'open') {
        const label = receipt ? t('stages.voteAgain') : missing.length ? t('stages.startSchool') : t('stages.vote');
        action = h('button', { type: 'button', class: 'primary big', 'aria-describedby': headingId, onclick: () => enterStage(spec.id).catch(showProblem) }, label);
      }
      return h(
        'li',
        { class: `card stage-card status-${st}` },
        h('h2', { id: headingId }, loc(spec.title)),
        h('p', { class: 'badges' }, h('span', { class: `badge badge-${st}` }, t(`stageStatus.${st}`, {}, st)), h('span', { class: 'badge' }, t(`scheme.${spec.scheme}`, {}, spec.scheme))),
        st === 'open' && spec.closes_at ? h('p', { class: 'hint' }, t('stages.closesAt', { when: dateTime(spec.closes_at) })) : null,
        (spec.education || []).length
          ? h(
              'div',
              { class: 'school-status' },
              h('h3', { class: 'h4' }, t('stages.school')),
              h(
                'ul',
                { class: 'checklist' },
                spec.education.map((id) => {
                  const passed = session.progress[id] && session.progress[id].passed;
                  return h('li', { class: passed ? 'done' : 'todo' }, h('span', { 'aria-hidden': 'true', class: 'mark' }, passed ? '✓' : '○'), h('span', { class: 'sr-only' }, passed ? t('stages.passed') : t('stages.notPassed')), ' ', mods[id] ? mods[id].title : id);
                }),
              ),
            )
          : null,
        receipt ? h('p', { class: 'notice' }, t('stages.voted', { code: receipt.short_code })) : null,
        receipt && spec.revote === 'last' ? h('p', { class: 'hint' }, t('stages.revoteLast')) : null,
        action ? h('p', {}, action) : null,
      );
    });
    return [
      h('h1', {}, t('stages.title')),
      v.message ? h('p', { class: 'notice', role: 'status' }, text(v.message)) : null,
      open.length ? h('p', {}, t('stages.intro')) : h('p', { class: 'notice' }, t('stages.noneOpen')),
      h('ul', { class: 'stage-list', role: 'list' }, cards),
    ];
  },
};

function showProblem(err) {
  if (handleSessionError(err)) return;
  view = { name: 'problem', error: err, back: 'stages' };
  render(true);
}

// -- budget school ---------------------------------------------------------------------------
screens.module = {
  enter: async (v) => {
    const base = `/elections/${encodeURIComponent(config.electionId)}`;
    const [progress] = await Promise.all([post(`${base}/education/${encodeURIComponent(v.moduleId)}/start`, undefined, { token: session.token }), loadModules()]);
    v.progress = progress;
    v.answers = v.answers || {};
    v.result = null;
    const module = modulesByLang[getLang()][v.moduleId];
    const started = Date.parse(progress.started_at);
    const elapsed = Number.isFinite(started) ? Math.max(0, (Date.now() - started) / 1000) : 0;
    v.readyAt = Date.now() + Math.max(0, module.min_seconds - elapsed) * 1000;
  },
  onLang: async () => loadModules(),
  render: (v) => {
    const module = modulesByLang[getLang()][v.moduleId];
    const spec = stageSpec(v.stageId);
    const position = spec.education.indexOf(v.moduleId) + 1;
    const content = h('div', { class: 'module-content' });
    content.append(sanitizeHtml(module.content_html, 1, { links: !config.kiosk }));
    const parts = [
      h('p', { class: 'eyebrow' }, t('module.eyebrow', { stage: loc(spec.title), n: position, total: spec.education.length })),
      h('h1', {}, module.title),
      h('article', { class: 'card module', 'aria-label': module.title }, content, module.media_url && !config.kiosk ? h('p', {}, h('a', { href: module.media_url, target: '_blank', rel: 'noopener noreferrer' }, t('module.media'))) : null),
    ];
    if (v.progress && v.progress.passed && !v.result) {
      parts.push(h('section', { class: 'card result pass', 'aria-labelledby': 'quiz-heading' }, h('h2', { id: 'quiz-heading' }, t('module.alreadyPassed')), continueButton(v)));
      return parts;
    }
    parts.push(v.result ? quizResult(v, module) : quizForm(v, module));
    return parts;
  },
};

function continueButton(v) {
  return h('p', {}, h('button', { type: 'button', class: 'primary big', onclick: () => enterStage(v.stageId).catch(showProblem) }, t('module.continue')));
}

function secondsLeft(v) {
  return Math.max(0, Math.ceil((v.readyAt - Date.now()) / 1000));
}

function quizForm(v, module) {
  const quiz = module.quiz;
  const countdown = h('p', { class: 'countdown', id: 'quiz-countdown' });
  const bar = h('div', { class: 'countdown-bar', 'aria-hidden': 'true' }, h('div', { class: 'countdown-fill' }));
  const submit = h('button', { type: 'submit', class: 'primary big', id: 'quiz-submit' }, t('module.submit'));
  const updateCountdown = () => {
    const left = secondsLeft(v);
    const total = Math.max(1, module.min_seconds);
    bar.firstChild.style.width = `${(100 * (total - Math.min(left, total))) / total}%`;
    if (left > 0) {
      countdown.textContent = t('module.wait', { seconds: left });
      submit.setAttribute('aria-disabled', 'true');
      countdown.classList.remove('ready');
    } else {
      countdown.textContent = t('module.ready');
      submit.removeAttribute('aria-disabled');
      countdown.classList.add('ready');
    }
    return left;
  };
  updateCountdown();
  if (secondsLeft(v) > 0) {
    let announced = false;
    every(500, () => {
      const left = updateCountdown();
      if (left === 0 && !announced) {
        announced = true;
        shell.announce(t('module.ready'));
      }
    });
  }
  const questions = quiz.questions.map((question, qi) => {
    const chosen = v.answers[question.id] || [];
    return h(
      'fieldset',
      { class: 'question' },
      h('legend', {}, h('span', { class: 'q-number' }, t('module.questionN', { n: qi + 1 })), ' ', question.text, question.multiple ? h('span', { class: 'hint block' }, t('module.multiple')) : null),
      question.choices.map((choice) => {
        const id = `q-${question.id}-${choice.id}`;
        return h(
          'div',
          { class: 'option' },
          h('input', {
            type: question.multiple ? 'checkbox' : 'radio',
            id,
            name: `q-${question.id}`,
            value: choice.id,
            checked: chosen.includes(choice.id),
            onchange: (ev) => {
              const current = new Set(question.multiple ? v.answers[question.id] || [] : []);
              if (ev.target.checked) current.add(choice.id);
              else current.delete(choice.id);
              v.answers[question.id] = [...current];
            },
          }),
          h('label', { for: id }, choice.text),
        );
      }),
    );
  });
  const attemptsLeft = quiz.max_attempts == null ? null : quiz.max_attempts - (v.progress.attempts || 0);
  return h(
    'section',
    { class: 'card quiz', 'aria-labelledby': 'quiz-heading' },
    h('h2', { id: 'quiz-heading' }, t('module.quiz')),
    h('p', {}, t('module.quizIntro', { pass: quiz.pass_mark, total: quiz.questions.length }), ' ', attemptsLeft == null ? '' : t('module.attempts', { left: attemptsLeft })),
    h('div', { class: 'countdown-box', role: 'timer', 'aria-live': 'off' }, countdown, bar),
    errorBox(v.error, 'quiz-error'),
    h(
      'form',
      {
        novalidate: true,
        onsubmit: (ev) => {
          ev.preventDefault();
          submitQuiz(v, module);
        },
      },
      questions,
      h('div', { class: 'actions' }, submit),
    ),
  );
}

async function submitQuiz(v, module) {
  const left = secondsLeft(v);
  if (left > 0) {
    v.error = () => t('module.tooEarly', { seconds: left });
    render(false);
    focus(document.getElementById('quiz-error'));
    return;
  }
  const unanswered = module.quiz.questions.map((qq, i) => (v.answers[qq.id] && v.answers[qq.id].length ? null : i + 1)).filter(Boolean);
  if (unanswered.length) {
    v.error = () => t('module.unanswered', { list: unanswered.join(', ') });
    render(false);
    focus(document.getElementById('quiz-error'));
    return;
  }
  const submit = document.getElementById('quiz-submit');
  if (submit) {
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = t('module.grading');
  }
  try {
    const base = `/elections/${encodeURIComponent(config.electionId)}`;
    const result = await post(`${base}/education/${encodeURIComponent(v.moduleId)}/quiz`, { answers: v.answers, lang: getLang() }, { token: session.token });
    v.progress = result.progress;
    v.result = result.result;
    v.error = null;
    clearTimers();
    render(false);
    focus(document.getElementById('result-heading'));
  } catch (err) {
    if (handleSessionError(err)) return;
    if (err.code === 'quiz_too_early' && err.body.remaining_seconds) {
      v.readyAt = Date.now() + err.body.remaining_seconds * 1000;
      v.error = () => t('module.tooEarly', { seconds: err.body.remaining_seconds });
    } else {
      v.error = () => errorText(err);
    }
    clearTimers();
    render(false);
    focus(document.getElementById('quiz-error'));
  }
}

function quizResult(v, module) {
  const r = v.result;
  const total = module.quiz.questions.length;
  const items = module.quiz.questions.map((question, i) =>
    h(
      'li',
      { class: r.correct[question.id] ? 'right' : 'wrong' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, r.correct[question.id] ? '✓' : '✗'),
      ' ',
      h('strong', {}, t('module.questionN', { n: i + 1 }), ' ', r.correct[question.id] ? t('module.right') : t('module.wrong')),
      h('span', { class: 'block' }, question.text),
      r.explanations && r.explanations[question.id] ? h('span', { class: 'block hint' }, r.explanations[question.id]) : null,
    ),
  );
  const actions = [];
  if (r.passed) actions.push(continueButton(v));
  else if (r.attempts_left === 0) actions.push(h('p', { class: 'notice' }, t('module.noAttempts')));
  else
    actions.push(
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'primary big',
            onclick: () => {
              v.result = null;
              v.answers = {};
              render(false);
              focus(document.getElementById('quiz-heading'));
            },
          },
          t('module.retry'),
        ),
      ),
    );
  return h(
    'section',
    { class: `card result ${r.passed ? 'pass' : 'fail'}`, 'aria-labelledby': 'result-heading' },
    h('h2', { id: 'result-heading', tabindex: '-1' }, r.passed ? t('module.passed', { score: r.score, total }) : t('module.failed', { score: r.score, total, pass: module.quiz.pass_mark })),
    !r.passed && r.attempts_left != null ? h('p', {}, t('module.attemptsLeft', { left: r.attempts_left })) : null,
    h('ul', { class: 'answers' }, items),
    actions,
  );
}

// -- ballot ----------------------------------------------------------------------------------
screens.ballot = {
  enter: async (v) => {
    v.info = await get(`/elections/${encodeURIComponent(config.electionId)}/stages/${encodeURIComponent(v.stageId)}`);
    if (v.info.status !== 'open') {
      const err = new ApiError(409, { error: 'stage_not_open', message: v.info.status });
      throw err;
    }
    if (!v.state) v.state = initialState(v.info.definition);
    device.schemeOf(v.info.definition);
  },
  render: (v) => {
    const spec = stageSpec(v.stageId);
    const currency = election.manifest.currency || 'KRW';
    const widget = createWidget({ definition: v.info.definition, projects: projectsById(), currency, state: v.state, announce: shell.announce });
    return [
      h('p', { class: 'eyebrow' }, t('ballot.eyebrow')),
      h('h1', {}, loc(spec.title)),
      h('p', { class: 'lead', id: 'ballot-instructions' }, instructions(v.info.definition, currency)),
      errorBox(v.error, 'ballot-error'),
      h(
        'form',
        {
          novalidate: true,
          'aria-describedby': 'ballot-instructions',
          onsubmit: (ev) => {
            ev.preventDefault();
            reviewBallot(v);
          },
          // a refusal message is about the choice as it was: drop it as soon as the choice changes
          onchange: () => clearBallotError(v),
          onclick: (ev) => {
            if (ev.target.closest('button[data-act], button.step')) clearBallotError(v);
          },
        },
        widget.el,
        h(
          'div',
          { class: 'actions sticky-actions' },
          h('button', { type: 'submit', class: 'primary big', id: 'ballot-next' }, t('ballot.next')),
          h('button', { type: 'button', class: 'secondary', onclick: () => go('stages') }, t('common.back')),
        ),
      ),
    ];
  },
};

function clearBallotError(v) {
  if (!v.error) return;
  v.error = null;
  const box = document.getElementById('ballot-error');
  if (box) box.remove();
}

async function reviewBallot(v) {
  const definition = v.info.definition;
  const choice = choiceOf(definition, v.state);
  const problem = device.validateChoice(definition, choice);
  if (problem) {
    const state = JSON.parse(JSON.stringify(v.state));
    v.error = () => choiceErrorText(definition, problem, state, election.manifest.currency || 'KRW');
    render(false);
    focus(document.getElementById('ballot-error'));
    return;
  }
  v.error = null;
  await encryptAndConfirm(v.info, choice, v.state, []);
}

async function encryptAndConfirm(info, choice, state, audits) {
  const token = ++nav;
  clearTimers();
  replace(shell.main, h('h1', {}, t('encrypt.title')), h('p', { class: 'notice', role: 'status', 'aria-busy': 'true' }, h('span', { class: 'spinner inline', 'aria-hidden': 'true' }), t('encrypt.busy')));
  focus(shell.main.querySelector('h1'));
  await nextFrame();
  let sealed;
  try {
    sealed = device.seal(info, choice, session.keyPair);
  } catch (err) {
    if (token !== nav) return;
    view = { name: 'ballot', stageId: info.stage_id, info, state, error: () => t('encrypt.failed', { message: err.message || String(err) }) };
    render(true);
    return;
  }
  if (token !== nav) return;
  view = { name: 'confirm', stageId: info.stage_id, info, state, choice, sealed, audits };
  render(true);
  shell.announce(t('confirm.ready', { code: sealed.shortCode }));
}

// -- Benaloh choice: cast or audit -------------------------------------------------------------
screens.confirm = {
  render: (v) => {
    const spec = stageSpec(v.stageId);
    const currency = election.manifest.currency || 'KRW';
    const lines = summaryLines(v.info.definition, v.choice, projectsById(), currency);
    const lastAudit = v.audits[v.audits.length - 1];
    return [
      h('p', { class: 'eyebrow' }, loc(spec.title)),
      h('h1', {}, t('confirm.title')),
      lastAudit ? auditPanel(lastAudit, v) : null,
      errorBox(v.error, 'confirm-error'),
      h('section', { class: 'card', 'aria-labelledby': 'summary-heading' }, h('h2', { id: 'summary-heading' }, t('confirm.yourChoice')), h('ul', { class: 'summary' }, lines.map((line) => h('li', {}, line)))),
      h(
        'section',
        { class: 'card tracking', 'aria-labelledby': 'tracking-heading' },
        h('h2', { id: 'tracking-heading' }, t('confirm.tracking')),
        h('p', { class: 'tracking-code', id: 'tracking-code' }, v.sealed.shortCode),
        h('p', { class: 'hint' }, t('confirm.trackingHint')),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'choose-heading' },
        h('h2', { id: 'choose-heading' }, t('confirm.choose')),
        h('p', {}, t('confirm.castExplain')),
        h('p', {}, t('confirm.auditExplain')),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary big', id: 'cast-button', onclick: () => castBallot(v) }, t('confirm.cast')),
          h('button', { type: 'button', class: 'secondary big', id: 'audit-button', onclick: () => auditBallot(v) }, t('confirm.audit')),
          h('button', { type: 'button', class: 'link-button', onclick: () => go('ballot', { stageId: v.stageId, state: v.state }) }, t('confirm.change')),
        ),
      ),
    ];
  },
};

function auditPanel(audit, v) {
  const currency = election.manifest.currency || 'KRW';
  const decodedLines = audit.decoded ? summaryLines(v.info.definition, audit.decoded, projectsById(), currency) : [];
  return h(
    'section',
    { class: `card result ${audit.ok ? 'pass' : 'fail'}`, 'aria-labelledby': 'audit-heading', id: 'audit-result' },
    h('h2', { id: 'audit-heading', tabindex: '-1' }, audit.ok ? t('audit.ok') : t('audit.bad')),
    h('p', {}, t('audit.opened', { code: audit.shortCode })),
    decodedLines.length ? h('div', {}, h('p', {}, t('audit.decoded')), h('ul', { class: 'summary' }, decodedLines.map((l) => h('li', {}, l)))) : null,
    h('p', {}, audit.serverAccepted ? t('audit.published') : t('audit.notPublished', { message: text(audit.serverError) || '' })),
    audit.ok ? h('p', {}, t('audit.fresh', { code: v.sealed.shortCode })) : h('p', { class: 'field-error' }, t('audit.warning')),
    !audit.ok && audit.problems.length ? h('ul', { class: 'hint' }, audit.problems.map((p) => h('li', {}, p))) : null,
  );
}

async function castBallot(v) {
  const button = document.getElementById('cast-button');
  if (button) {
    button.setAttribute('aria-disabled', 'true');
    button.textContent = t('confirm.casting');
  }
  shell.announce(t('confirm.casting'));
  try {
    const base = `/elections/${encodeURIComponent(config.electionId)}`;
    const receipt = await post(`${base}/stages/${encodeURIComponent(v.stageId)}/ballots`, v.sealed.envelope, { token: session.token });
    session.receipts[v.stageId] = receipt;
    const check = device.checkReceipt(receipt, v.sealed.envelope, boardKeyOf(election));
    go('receipt', { stageId: v.stageId, receipt, envelope: v.sealed.envelope, check });
  } catch (err) {
    if (handleSessionError(err)) return;
    if (err.code === 'education_required') {
      enterStage(v.stageId).catch(showProblem);
      return;
    }
    v.error = () => errorText(err);
    render(false);
    focus(document.getElementById('confirm-error'));
  }
}

async function auditBallot(v) {
  const button = document.getElementById('audit-button');
  if (button) {
    button.setAttribute('aria-disabled', 'true');
    button.textContent = t('confirm.auditing');
  }
  shell.announce(t('confirm.auditing'));
  await nextFrame();
  const opening = device.openingJson(v.sealed.opening);
  const local = device.checkOpening(v.info, v.sealed.envelope, v.sealed.opening, v.choice);
  let serverAccepted = false;
  let serverError = '';
  try {
    const base = `/elections/${encodeURIComponent(config.electionId)}`;
    await post(`${base}/stages/${encodeURIComponent(v.stageId)}/audits`, { ballot: v.sealed.envelope, opening });
    serverAccepted = true;
  } catch (err) {
    serverError = () => errorText(err);
  }
  const audit = { ok: local.ok, decoded: local.decoded, problems: local.problems, shortCode: v.sealed.shortCode, serverAccepted, serverError };
  // The opened ballot can never be cast: encrypt the same choice afresh.
  await encryptAndConfirm(v.info, v.choice, v.state, [...v.audits, audit]);
  focus(document.getElementById('audit-heading'));
}

function boardKeyOf(info) {
  return (info && (info.board_key || (info.board && info.board.key))) || null;
}

// -- receipt ---------------------------------------------------------------------------------
screens.receipt = {
  render: (v) => {
    const r = v.receipt;
    const spec = stageSpec(v.stageId);
    const checkUrl = new URL(`check.html?election=${encodeURIComponent(config.electionId)}&stage=${encodeURIComponent(v.stageId)}&tracking=${encodeURIComponent(r.tracking_hash)}`, window.location.href).href;
    const sigState = v.check.ok && v.check.signatures === true ? 'ok' : v.check.ok && v.check.signatures === null ? 'unknown' : 'bad';
    const sig = { ok: t('receipt.sigOk'), unknown: t('receipt.sigUnknown'), bad: t('receipt.sigBad') }[sigState];
    const parts = [
      h('p', { class: 'eyebrow' }, loc(spec.title)),
      h('h1', {}, t('receipt.title')),
      h(
        'section',
        { class: 'card tracking', 'aria-labelledby': 'receipt-heading' },
        h('h2', { id: 'receipt-heading' }, t('receipt.tracking')),
        h('p', { class: 'tracking-code', id: 'receipt-code' }, r.short_code),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('receipt.fullHash')),
          h('dd', { class: 'mono' }, r.tracking_hash),
          h('dt', {}, t('receipt.position')),
          h('dd', { id: 'receipt-position' }, t('receipt.positionText', { position: r.position + 1, size: r.tree_head.tree_size })),
          h('dt', {}, t('receipt.signature')),
          h('dd', { class: sigState, id: 'receipt-signature', dataset: { state: sigState } }, h('span', { 'aria-hidden': 'true' }, { ok: '✓ ', unknown: '– ', bad: '✗ ' }[sigState]), sig),
        ),
        !v.check.ok && v.check.problems.length ? h('ul', { class: 'hint' }, v.check.problems.map((p) => h('li', {}, String(p)))) : null,
        h('p', { class: 'hint' }, t('receipt.keep')),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'later-heading' },
        h('h2', { id: 'later-heading' }, t('receipt.later')),
        h('p', {}, t('receipt.laterText')),
        config.kiosk ? h('p', { class: 'mono small' }, checkUrl) : h('p', {}, h('a', { href: checkUrl, id: 'check-link', target: '_blank', rel: 'noopener' }, t('receipt.checkLink'), h('span', { class: 'sr-only' }, t('common.newWindow')))),
      ),
    ];
    if (config.kiosk) {
      const countdown = h('p', { class: 'countdown', id: 'kiosk-countdown' });
      const deadline = Date.now() + config.afterSeconds * 1000;
      const tick = () => {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        countdown.textContent = t('kiosk.returning', { seconds: left });
        if (left === 0) kioskReset();
      };
      tick();
      every(250, tick);
      parts.push(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary big', id: 'finish-button', onclick: () => kioskReset() }, t('kiosk.finish')), countdown));
    } else {
      parts.push(
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary big', onclick: () => go('stages', {}) }, t('receipt.backToStages')),
          h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('receipt.print')),
        ),
      );
    }
    return parts;
  },
};

// ------------------------------------------------------------------------------------------
async function start() {
  if (!config.electionId) {
    go('chooseElection');
    return;
  }
  replace(shell.main, h('h1', {}, t('common.loading')));
  try {
    await Promise.all([device.ready(), loadElection()]);
  } catch (err) {
    view = { name: 'problem', error: err };
    render(true);
    return;
  }
  if (fragmentCode) {
    const code = fragmentCode;
    fragmentCode = null;
    view = { name: 'signin' };
    render(true);
    await signIn(code);
  } else {
    go('signin', {});
  }
}

if (config.kiosk) {
  fullscreenOnFirstGesture();
  document.addEventListener('contextmenu', (ev) => ev.preventDefault());
  idleTimer({
    seconds: config.idleSeconds,
    warnSeconds: Math.min(10, Math.max(1, Math.floor(config.idleSeconds / 3))),
    armed: () => Boolean(session) || view.name !== 'signin' || Boolean(view.error) || Boolean(document.getElementById('code') && document.getElementById('code').value),
    onWarn: (left) => {
      // update the (assertive) warning only when the number changes, so it is read once per second
      if (idleBox.hidden || idleBox.dataset.left !== String(left)) {
        idleBox.dataset.left = String(left);
        idleBox.textContent = t('kiosk.idleWarning', { seconds: left });
        idleBox.hidden = false;
      }
    },
    onActive: () => {
      idleBox.hidden = true;
    },
    onTimeout: () => kioskReset(),
  });
}

start();
