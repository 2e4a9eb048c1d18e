// The ballot widgets' state → choice JSON mapping and parameter defaults (no DOM needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceOf, initialState, paramsOf, summaryLines } from '../../src/voter/ballot.js';
import { codeFromText, sameChoice } from '../../src/voter/device.js';

const candidates = [
  { id: 'P1', cost: 300 },
  { id: 'P2', cost: 500 },
  { id: 'P3', cost: 700 },
];
const def = (scheme, params = {}) => ({ stage_id: 's', scheme, params, candidates, groups: ['g'], revote: 'last' });
const projects = Object.fromEntries(candidates.map((c) => [c.id, { id: c.id, title: { ko: `사업 ${c.id}`, en: `Project ${c.id}` } }]));

test('documented parameter defaults', () => {
  assert.deepEqual(paramsOf(def('approval')), { min: 0, max: 3 });
  assert.deepEqual(paramsOf(def('approval', { max: 9 })), { min: 0, max: 3 });
  assert.deepEqual(paramsOf(def('budget', { budget: 1000 })), { budget: 1000, min: 0, max: 3 });
  assert.deepEqual(paramsOf(def('cumulative', { points: 5 })), { points: 5, perProject: 5, exact: false });
  assert.deepEqual(paramsOf(def('ranking')), { maxRank: 3, minRank: 0 });
});

test('choice JSON per scheme, in candidate order where order does not matter', () => {
  const approval = def('approval');
  const s = initialState(approval);
  s.approved.push('P3', 'P1');
  assert.deepEqual(choiceOf(approval, s), { approved: ['P1', 'P3'] });

  const score = def('score', { max_score: 3 });
  const sc = initialState(score);
  sc.scores.P2 = 3;
  assert.deepEqual(choiceOf(score, sc), { scores: { P1: 0, P2: 3, P3: 0 } });

  const ranking = def('ranking');
  const r = initialState(ranking);
  r.ranking.push('P3', 'P1');
  assert.deepEqual(choiceOf(ranking, r), { ranking: ['P3', 'P1'] });

  const cumulative = def('cumulative', { points: 4 });
  const c = initialState(cumulative);
  c.points.P1 = 4;
  assert.deepEqual(choiceOf(cumulative, c), { points: { P1: 4, P2: 0, P3: 0 } });

  const yna = def('yes_no_abstain');
  const y = initialState(yna);
  y.answers.P2 = 'no';
  assert.deepEqual(choiceOf(yna, y), { answers: { P1: 'abstain', P2: 'no', P3: 'abstain' } });
});

test('summaries name the projects', () => {
  const lines = summaryLines(def('ranking'), { ranking: ['P2', 'P1'] }, projects, 'KRW');
  assert.deepEqual(lines, ['1. 사업 P2', '2. 사업 P1']);
});

test('the code is taken from a scanned voting URL', () => {
  assert.equal(codeFromText('https://vote.example/app/index.html?election=e#code=ABCDE-12345'), 'ABCDE-12345');
  assert.equal(codeFromText('  abcde 12345 '), 'abcde 12345');
});

test('choices are compared by meaning', () => {
  assert.ok(sameChoice(def('approval'), { approved: ['P3', 'P1'] }, { approved: ['P1', 'P3'] }));
  assert.ok(!sameChoice(def('ranking'), { ranking: ['P3', 'P1'] }, { ranking: ['P1', 'P3'] }));
  assert.ok(sameChoice(def('score', { max_score: 2 }), { scores: { P1: 0, P2: 2 } }, { scores: { P2: 2 } }));
});
