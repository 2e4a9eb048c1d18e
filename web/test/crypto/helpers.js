// Shared helpers of the crypto tests (not a test file itself: it defines no tests).

import { readFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as crypto from '../../src/crypto/index.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (web/test/crypto → ../../..). */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');
export const VECTORS_PATH = join(REPO_ROOT, 'voting_engine', 'core', 'vectors', 'test-vectors-v1.json');

/** The committed test vectors, parsed exactly (big integers as BigInt). */
export function loadVectors() {
  return crypto.parseJson(readFileSync(VECTORS_PATH, 'utf8'));
}

/** The repository's Python (.venv/bin/python) or python3 from PATH. */
export function pythonExecutable() {
  const venv = join(REPO_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/**
 * Run a Python snippet in the repository root with a JSON input file; returns its stdout
 * parsed as JSON (exactly).  The snippet reads `sys.argv[1]` and prints JSON.  `input` is
 * written as canonical JSON, or as is when given as `{raw: text}`.
 * @param {string} code
 * @param {unknown} input
 * @returns {any}
 */
export function runPython(code, input) {
  const dir = mkdtempSync(join(tmpdir(), 'pbvote-js-'));
  try {
    const inputPath = join(dir, 'input.json');
    const raw = input && typeof input === 'object' && 'raw' in input ? /** @type {any} */ (input).raw : null;
    writeFileSync(inputPath, raw ?? crypto.canonicalJson(input ?? null));
    const out = execFileSync(pythonExecutable(), ['-c', code, inputPath], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: REPO_ROOT, PYTHONIOENCODING: 'utf-8' },
      maxBuffer: 256 * 1024 * 1024,
    });
    return crypto.parseJson(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when the repository's Python core can be imported (the interop tests need it). */
export function pythonAvailable() {
  try {
    execFileSync(pythonExecutable(), ['-c', 'import voting_engine.domain.ballot, nacl'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PYTHONPATH: REPO_ROOT },
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** @param {string} hex */
export const hex = (hex) => crypto.fromHex(hex);
/** @param {string} text */
export const b64 = (text) => crypto.b64decode(text);

/** A hash element of the vectors file ({bytes} | {str} | {int}) as a JS element. */
export function element(/** @type {any} */ e) {
  if ('bytes' in e) return crypto.b64decode(e.bytes);
  if ('str' in e) return e.str;
  if ('int' in e) return BigInt(e.int);
  throw new Error('unknown element form');
}

/** A stage definition as Python's manifest.stage_definition would resolve it. */
export function definition(/** @type {string} */ scheme, /** @type {any} */ params, /** @type {any[]} */ candidates, stageId = 'vote') {
  return { stage_id: stageId, scheme, params, candidates, groups: ['public'], revote: 'last' };
}

/** Projects p00…p(n−1) with varied costs. */
export function projects(/** @type {number} */ n) {
  return Array.from({ length: n }, (_, i) => ({ id: `p${String(i).padStart(2, '0')}`, cost: 100 * ((i % 7) + 1) + 50 * (i % 3) }));
}

/** Ballot cases: [definition, choice]; shared with the Python cross-check. */
export function ballotCases() {
  const p3 = projects(3);
  const p4 = projects(4);
  const p5 = projects(5);
  const koreanProjects = [
    { id: '공원-정비', cost: 1_500_000_000 },
    { id: '도서관 "새" 건립', cost: 2_500_000_000 },
    { id: 'bike\\lane', cost: 4_000_000_000 },
  ];
  return [
    [definition('approval', {}, p4), { approved: ['p01', 'p03'] }],
    [definition('approval', { min: 1, max: 2 }, p4), { approved: ['p02'] }],
    [definition('approval', { max: 2 }, koreanProjects), { approved: ['공원-정비', 'bike\\lane'] }],
    [definition('score', { max_score: 5 }, p3), { scores: { p00: 5, p02: 3 } }],
    [definition('score', { max_score: 10 }, p3), { scores: { p00: 10, p01: 0, p02: 7 } }],
    [definition('cumulative', { points: 5 }, p3), { points: { p00: 3, p02: 2 } }],
    [definition('cumulative', { points: 20, max_per_project: 15 }, p4), { points: { p01: 15, p03: 4 } }],
    [definition('cumulative', { points: 12, exact: true }, p3), { points: { p00: 5, p01: 7 } }],
    [definition('budget', { budget: 500, max: 3 }, p4), { approved: ['p00', 'p03'] }],
    [definition('budget', { budget: 1700, min: 1 }, p5), { approved: ['p04', 'p02'] }],
    [definition('budget', { budget: 5_000_000_000 }, koreanProjects), { approved: ['도서관 "새" 건립'] }],
    [definition('ranking', {}, p3), { ranking: ['p02', 'p00', 'p01'] }],
    [definition('ranking', { max_rank: 3, min_rank: 2 }, p4), { ranking: ['p03', 'p01'] }],
    [definition('ranking', { max_rank: 1 }, p3), { ranking: [] }],
    [definition('yes_no_abstain', {}, p3), { answers: { p00: 'yes', p01: 'no', p02: 'abstain' } }],
    [definition('yes_no_abstain', {}, p4), { answers: {} }],
  ];
}

export { crypto };

