// Ballot schemes (docs/ballot-schemes.md; ballot_schemes/*.py): each scheme is a vector layout
// with per-entry bounds and ordered linear constraints, plus choice validation with the same
// error codes as Python.
//
// Integers in parameters and costs must be JavaScript safe integers (|x| < 2^53); anything else
// is refused as `bad_parameter` / `bad_cost` (Python would accept arbitrarily large integers).

import { InvalidChoice, SchemeParameterError } from './errors.js';

/** @typedef {{name: string, weights: number[], lo: number, hi: number}} Constraint */
/** @typedef {{id: string, cost: number}} Project */
/**
 * @typedef {object} Scheme
 * @property {string} name
 * @property {Project[]} projects
 * @property {Record<string, any>} params
 * @property {() => number[]} entryBounds
 * @property {() => Constraint[]} constraints
 * @property {(choice: unknown) => ({code: string, message: string} | null)} validateChoice
 * @property {(choice: unknown) => number[]} encode
 * @property {(vector: number[]) => ({code: string, message: string} | null)} checkVector
 * @property {(vector: number[] | {vector: number[]}) => Record<string, any>} decodeOpening
 * @property {(totals: number[], ballots: number) => Record<string, any>} decodeTally
 */

export const SCHEME_NAMES = ['approval', 'score', 'ranking', 'cumulative', 'budget', 'yes_no_abstain'];
export const ANSWERS = ['yes', 'no', 'abstain'];

/** @param {unknown} v */
const isInt = (v) => typeof v === 'number' && Number.isSafeInteger(v);
/** @param {unknown} v */
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** @param {unknown} v */
const repr = (v) => {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
};

/**
 * An integer parameter ≥ minimum (Python `int_param`): booleans and non-integers are refused.
 * @param {Record<string, any>} params
 * @param {string} key
 * @param {{default?: number, minimum?: number}} [options]
 * @returns {number}
 */
function intParam(params, key, options = {}) {
  const minimum = options.minimum ?? 0;
  if (!Object.hasOwn(params, key)) {
    if (options.default === undefined) throw new SchemeParameterError('missing_parameter', `parameter '${key}' is required`);
    return options.default;
  }
  const value = params[key];
  if (!isInt(value)) throw new SchemeParameterError('bad_parameter', `parameter '${key}' must be an integer, got ${repr(value)}`);
  if (value < minimum) {
    throw new SchemeParameterError('bad_parameter', `parameter '${key}' must be at least ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * @param {Record<string, any>} params
 * @param {string[]} allowed
 */
function knownParams(params, allowed) {
  const unknown = Object.keys(params)
    .filter((k) => !allowed.includes(k))
    .sort();
  if (unknown.length) throw new SchemeParameterError('unknown_parameter', `unknown parameter(s): ${unknown.join(', ')}`);
}

/**
 * The one field of a choice object, of the given kind (Python `choice_field`).
 * @param {unknown} choice
 * @param {string} key
 * @param {'list' | 'dict'} kind
 * @returns {any}
 */
function choiceField(choice, key, kind) {
  if (!isPlainObject(choice)) throw new InvalidChoice('schema', 'a choice must be an object');
  const obj = /** @type {Record<string, unknown>} */ (choice);
  const extra = Object.keys(obj)
    .filter((k) => k !== key)
    .sort();
  if (extra.length) throw new InvalidChoice('schema', `unexpected field(s) in choice: ${extra.join(', ')}`);
  if (!Object.hasOwn(obj, key)) throw new InvalidChoice('schema', `the choice needs a '${key}' field`);
  const value = obj[key];
  const ok = kind === 'list' ? Array.isArray(value) : isPlainObject(value);
  if (!ok) throw new InvalidChoice('schema', `'${key}' must be a ${kind}`);
  return value;
}

/**
 * A list of known, distinct project ids (Python `project_list`).
 * @param {unknown[]} value
 * @param {Map<string, number>} index
 * @returns {string[]}
 */
function projectList(value, index) {
  const seen = new Set();
  for (const item of value) {
    if (typeof item !== 'string') throw new InvalidChoice('schema', 'project ids must be strings');
    if (!index.has(item)) throw new InvalidChoice('unknown_project', `unknown project ${repr(item)}`);
    if (seen.has(item)) throw new InvalidChoice('duplicate_project', `project ${repr(item)} is listed twice`);
    seen.add(item);
  }
  return /** @type {string[]} */ (value);
}

/**
 * A mapping project id → integer in [0, hi] (Python `project_points`).
 * @param {Record<string, unknown>} value
 * @param {Map<string, number>} index
 * @param {number} hi
 * @param {string} rule error code for a value above hi
 * @returns {Map<string, number>}
 */
function projectPoints(value, index, hi, rule) {
  const out = new Map();
  for (const [key, points] of Object.entries(value)) {
    if (!index.has(key)) throw new InvalidChoice('unknown_project', `unknown project ${repr(key)}`);
    if (!isInt(points)) throw new InvalidChoice('schema', `value for ${repr(key)} must be an integer`);
    const p = /** @type {number} */ (points);
    if (p < 0) throw new InvalidChoice('negative_value', `value for ${repr(key)} is negative (${p})`);
    if (p > hi) throw new InvalidChoice(rule, `value for ${repr(key)} is ${p}, above the maximum ${hi}`);
    out.set(key, p);
  }
  return out;
}

/**
 * @param {number} a
 * @param {number} b
 * @returns {number}
 */
function gcd(a, b) {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

/**
 * @param {number} size
 * @param {number} [fill]
 * @returns {number[]}
 */
const filled = (size, fill = 0) => new Array(size).fill(fill);

/**
 * Build the ballot scheme of a resolved stage definition
 * `{stage_id, scheme, params, candidates: [{id, cost}], groups, revote}` (Python
 * `voting_engine.domain.manifest.scheme_for` + `ballot_schemes.make_scheme`).
 * Throws `SchemeParameterError` (codes unknown_scheme, unknown_parameter, missing_parameter,
 * bad_parameter, contradictory_parameters, bad_cost, no_projects, duplicate_project).
 * @param {Record<string, any>} definition {stage_id, scheme, params, candidates: [{id, cost}], groups, revote}
 * @returns {Scheme}
 */
export function makeScheme(definition) {
  if (!isPlainObject(definition)) throw new SchemeParameterError('bad_definition', 'a stage definition is an object');
  const name = definition.scheme;
  if (typeof name !== 'string' || !SCHEME_NAMES.includes(name)) {
    throw new SchemeParameterError('unknown_scheme', `unknown ballot scheme ${repr(name)}; known: ${[...SCHEME_NAMES].sort().join(', ')}`);
  }
  const candidates = definition.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new SchemeParameterError('no_projects', 'a ballot needs at least one candidate project');
  }
  /** @type {Project[]} */
  const projects = candidates.map((c) => {
    if (!isPlainObject(c) || typeof c.id !== 'string') throw new SchemeParameterError('bad_definition', 'each candidate is {id, cost}');
    return { id: c.id, cost: /** @type {number} */ (c.cost ?? 0) };
  });
  const index = new Map(projects.map((p, i) => [p.id, i]));
  if (index.size !== projects.length) throw new SchemeParameterError('duplicate_project', 'project ids must be unique');
  const rawParams = definition.params ?? {};
  if (!isPlainObject(rawParams)) throw new SchemeParameterError('bad_parameter', 'params must be an object');
  const params = { ...rawParams };
  const n = projects.length;

  /** @type {() => number[]} */
  let entryBounds;
  /** @type {() => Constraint[]} */
  let constraints;
  /** @type {(choice: any) => void} */
  let validate;
  /** @type {(choice: any) => number[]} */
  let encodeValid;
  /** @type {(vector: number[]) => Record<string, any>} */
  let decodeVector;
  /** @type {(totals: number[], ballots: number) => Record<string, any>} */
  let decodeTally;

  const perProject = (/** @type {(i: number) => any} */ f) => Object.fromEntries(projects.map((p, i) => [p.id, f(i)]));
  const approvedFromVector = (/** @type {number[]} */ v) => ({ approved: projects.filter((_, i) => v[i] === 1).map((p) => p.id) });
  const approvedToVector = (/** @type {any} */ choice) => {
    const vector = filled(n);
    for (const pid of choice.approved) vector[/** @type {number} */ (index.get(pid))] = 1;
    return vector;
  };

  if (name === 'approval') {
    knownParams(params, ['min', 'max']);
    const min = intParam(params, 'min', { default: 0 });
    let max = intParam(params, 'max', { default: n, minimum: 1 });
    if (min > max) throw new SchemeParameterError('contradictory_parameters', `min ${min} exceeds max ${max}`);
    if (min > n) throw new SchemeParameterError('contradictory_parameters', `min ${min} exceeds the ${n} projects`);
    max = Math.min(max, n);
    entryBounds = () => filled(n, 1);
    constraints = () => (min === 0 && max >= n ? [] : [{ name: 'selection_count', weights: filled(n, 1), lo: min, hi: max }]);
    validate = (choice) => {
      const approved = projectList(choiceField(choice, 'approved', 'list'), index);
      if (approved.length > max) throw new InvalidChoice('too_many', `${approved.length} projects approved; at most ${max} allowed`);
      if (approved.length < min) throw new InvalidChoice('too_few', `${approved.length} projects approved; at least ${min} required`);
    };
    encodeValid = approvedToVector;
    decodeVector = approvedFromVector;
    decodeTally = (t) => perProject((i) => ({ approvals: t[i] }));
  } else if (name === 'score') {
    knownParams(params, ['max_score']);
    const maxScore = intParam(params, 'max_score', { minimum: 1 });
    entryBounds = () => filled(n, maxScore);
    constraints = () => [];
    validate = (choice) => {
      projectPoints(choiceField(choice, 'scores', 'dict'), index, maxScore, 'score_too_high');
    };
    encodeValid = (choice) => {
      const vector = filled(n);
      for (const [pid, value] of Object.entries(choice.scores)) vector[/** @type {number} */ (index.get(pid))] = value;
      return vector;
    };
    decodeVector = (v) => ({ scores: Object.fromEntries(projects.flatMap((p, i) => (v[i] ? [[p.id, v[i]]] : []))) });
    decodeTally = (t) => perProject((i) => ({ score: t[i] }));
  } else if (name === 'cumulative') {
    knownParams(params, ['points', 'exact', 'max_per_project']);
    const points = intParam(params, 'points', { minimum: 1 });
    const maxPerProject = Math.min(intParam(params, 'max_per_project', { default: points, minimum: 1 }), points);
    const exact = Object.hasOwn(params, 'exact') ? params.exact : false;
    if (typeof exact !== 'boolean') throw new SchemeParameterError('bad_parameter', "parameter 'exact' must be true or false");
    if (exact && maxPerProject * n < points) {
      throw new SchemeParameterError('contradictory_parameters', 'exactly `points` points cannot be placed');
    }
    entryBounds = () => filled(n, maxPerProject);
    constraints = () =>
      !exact && maxPerProject * n <= points ? [] : [{ name: 'points_total', weights: filled(n, 1), lo: exact ? points : 0, hi: points }];
    validate = (choice) => {
      const given = projectPoints(choiceField(choice, 'points', 'dict'), index, maxPerProject, 'too_many_points');
      let total = 0;
      for (const v of given.values()) total += v;
      if (total > points) throw new InvalidChoice('too_many_points', `${total} points given; at most ${points} allowed`);
      if (exact && total !== points) throw new InvalidChoice('points_not_exact', `${total} points given; exactly ${points} required`);
    };
    encodeValid = (choice) => {
      const vector = filled(n);
      for (const [pid, value] of Object.entries(choice.points)) vector[/** @type {number} */ (index.get(pid))] = value;
      return vector;
    };
    decodeVector = (v) => ({ points: Object.fromEntries(projects.flatMap((p, i) => (v[i] ? [[p.id, v[i]]] : []))) });
    decodeTally = (t) => perProject((i) => ({ points: t[i] }));
  } else if (name === 'budget') {
    knownParams(params, ['budget', 'min', 'max']);
    const budget = intParam(params, 'budget', { minimum: 1 });
    const min = intParam(params, 'min', { default: 0 });
    const max = Math.min(intParam(params, 'max', { default: n, minimum: 1 }), n);
    if (min > max) throw new SchemeParameterError('contradictory_parameters', `min ${min} exceeds max ${max}`);
    for (const p of projects) {
      if (!isInt(p.cost) || p.cost <= 0) throw new SchemeParameterError('bad_cost', `project ${repr(p.id)} needs a positive integer cost`);
    }
    const unit = projects.reduce((g, p) => gcd(g, p.cost), 0);
    const weights = projects.map((p) => p.cost / unit);
    const cap = Math.floor(budget / unit);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    entryBounds = () => filled(n, 1);
    constraints = () => {
      /** @type {Constraint[]} */
      const out = [];
      if (weightSum > cap) out.push({ name: 'budget_cap', weights: [...weights], lo: 0, hi: cap });
      if (min > 0 || max < n) out.push({ name: 'selection_count', weights: filled(n, 1), lo: min, hi: max });
      return out;
    };
    validate = (choice) => {
      const approved = projectList(choiceField(choice, 'approved', 'list'), index);
      let total = 0;
      for (const pid of approved) total += projects[/** @type {number} */ (index.get(pid))].cost;
      if (total > budget) throw new InvalidChoice('over_budget', `selected projects cost ${total}, above the budget ${budget}`);
      if (approved.length > max) throw new InvalidChoice('too_many', `${approved.length} projects approved; at most ${max} allowed`);
      if (approved.length < min) throw new InvalidChoice('too_few', `${approved.length} projects approved; at least ${min} required`);
    };
    encodeValid = approvedToVector;
    decodeVector = approvedFromVector;
    decodeTally = (t) => perProject((i) => ({ approvals: t[i] }));
  } else if (name === 'ranking') {
    knownParams(params, ['max_rank', 'min_rank']);
    const k = Math.min(intParam(params, 'max_rank', { default: n, minimum: 1 }), n);
    const minRank = intParam(params, 'min_rank', { default: 0 });
    if (minRank > k) throw new SchemeParameterError('contradictory_parameters', 'min_rank exceeds max_rank');
    const row = (/** @type {number} */ r, sign = 1) => {
      const w = filled(k * n);
      for (let j = 0; j < n; j++) w[r * n + j] = sign;
      return w;
    };
    entryBounds = () => filled(k * n, 1);
    // Order as in ballot_schemes/ranking.py: first_rank, ranks_in_order…, last_rank,
    // min_ranks_used (if min_rank ≥ 2), then project_once for every project.
    constraints = () => {
      /** @type {Constraint[]} */
      const out = [{ name: 'first_rank', weights: row(0), lo: minRank ? 1 : 0, hi: 1 }];
      for (let r = 0; r < k - 1; r++) {
        const a = row(r);
        const b = row(r + 1, -1);
        out.push({ name: 'ranks_in_order', weights: a.map((x, i) => x + b[i]), lo: 0, hi: 1 });
      }
      if (k > 1) out.push({ name: 'last_rank', weights: row(k - 1), lo: 0, hi: 1 });
      if (minRank >= 2) out.push({ name: 'min_ranks_used', weights: row(minRank - 1), lo: 1, hi: 1 });
      for (let j = 0; j < n; j++) {
        const column = filled(k * n);
        for (let r = 0; r < k; r++) column[r * n + j] = 1;
        out.push({ name: 'project_once', weights: column, lo: 0, hi: 1 });
      }
      return out;
    };
    validate = (choice) => {
      const ranking = choiceField(choice, 'ranking', 'list');
      try {
        projectList(ranking, index);
      } catch (err) {
        if (err instanceof InvalidChoice && err.code === 'duplicate_project') {
          throw new InvalidChoice('duplicate_rank', `a project is ranked twice: ${err.message}`);
        }
        throw err;
      }
      if (ranking.length > k) throw new InvalidChoice('too_many', `${ranking.length} projects ranked; at most ${k} allowed`);
      if (ranking.length < minRank) throw new InvalidChoice('too_few', `${ranking.length} projects ranked; at least ${minRank} required`);
    };
    encodeValid = (choice) => {
      const vector = filled(k * n);
      choice.ranking.forEach((/** @type {string} */ pid, /** @type {number} */ r) => {
        vector[r * n + /** @type {number} */ (index.get(pid))] = 1;
      });
      return vector;
    };
    decodeVector = (v) => {
      const ranking = [];
      for (let r = 0; r < k; r++) {
        const j = projects.findIndex((_, jj) => v[r * n + jj] === 1);
        if (j < 0) break;
        ranking.push(projects[j].id);
      }
      return { ranking };
    };
    decodeTally = (t) =>
      perProject((j) => {
        const positions = [];
        for (let r = 0; r < k; r++) positions.push(t[r * n + j]);
        return { positions, borda: positions.reduce((acc, c, r) => acc + (k - r) * c, 0) };
      });
  } else {
    // yes_no_abstain
    knownParams(params, []);
    entryBounds = () => filled(2 * n, 1);
    constraints = () =>
      projects.map((_, j) => {
        const w = filled(2 * n);
        w[2 * j] = 1;
        w[2 * j + 1] = 1;
        return { name: 'one_answer', weights: w, lo: 0, hi: 1 };
      });
    validate = (choice) => {
      const answers = choiceField(choice, 'answers', 'dict');
      for (const [pid, answer] of Object.entries(answers)) {
        if (!index.has(pid)) throw new InvalidChoice('unknown_project', `unknown project ${repr(pid)}`);
        if (!ANSWERS.includes(/** @type {string} */ (answer))) {
          throw new InvalidChoice('bad_answer', `answer for ${repr(pid)} must be yes, no or abstain, got ${repr(answer)}`);
        }
      }
    };
    encodeValid = (choice) => {
      const vector = filled(2 * n);
      for (const [pid, answer] of Object.entries(choice.answers)) {
        const j = /** @type {number} */ (index.get(pid));
        if (answer === 'yes') vector[2 * j] = 1;
        else if (answer === 'no') vector[2 * j + 1] = 1;
      }
      return vector;
    };
    decodeVector = (v) => ({
      answers: Object.fromEntries(
        projects.flatMap((p, j) => (v[2 * j] ? [[p.id, 'yes']] : v[2 * j + 1] ? [[p.id, 'no']] : [])),
      ),
    });
    decodeTally = (t, ballots) =>
      perProject((j) => ({ yes: t[2 * j], no: t[2 * j + 1], abstain: ballots - t[2 * j] - t[2 * j + 1] }));
  }

  /**
   * Bounds and constraints of a vector (Python `check_vector`): null or {code, message} with
   * vector_length, entry_range or the constraint's name.
   * @param {number[]} vector
   */
  const checkVector = (vector) => {
    const bounds = entryBounds();
    if (!Array.isArray(vector) || vector.length !== bounds.length) {
      return { code: 'vector_length', message: `expected ${bounds.length} entries, got ${vector && vector.length}` };
    }
    for (let i = 0; i < bounds.length; i++) {
      const x = vector[i];
      if (!isInt(x) || x < 0 || x > bounds[i]) return { code: 'entry_range', message: `entry ${i} is ${x}, outside [0, ${bounds[i]}]` };
    }
    for (const c of constraints()) {
      let total = 0;
      c.weights.forEach((w, i) => {
        total += w * vector[i];
      });
      if (total < c.lo || total > c.hi) return { code: c.name, message: `${c.name}: ${total} is outside [${c.lo}, ${c.hi}]` };
    }
    return null;
  };

  /** @param {unknown} choice */
  const validateChoice = (choice) => {
    try {
      validate(choice);
      return null;
    } catch (err) {
      if (err instanceof InvalidChoice) return { code: err.code, message: err.message };
      throw err;
    }
  };

  return {
    name,
    projects,
    params,
    entryBounds,
    constraints,
    validateChoice,
    checkVector,
    /**
     * The vector of a choice; throws `InvalidChoice` when the choice breaks a rule.
     * @param {unknown} choice
     */
    encode(choice) {
      validate(choice);
      const vector = encodeValid(choice);
      const problem = checkVector(vector);
      if (problem) throw new InvalidChoice(problem.code, problem.message);
      return vector;
    },
    /**
     * The canonical choice of a valid vector (e.g. a Benaloh opening); missing projects mean
     * 0 / not approved / abstain.  Throws `InvalidChoice` for an invalid vector.
     * Also accepts the opening object itself ({vector, nonces}).
     * @param {number[] | {vector: number[]}} vectorOrOpening
     */
    decodeOpening(vectorOrOpening) {
      const vector = Array.isArray(vectorOrOpening) ? vectorOrOpening : /** @type {any} */ (vectorOrOpening)?.vector;
      const problem = checkVector(vector);
      if (problem) throw new InvalidChoice(problem.code, problem.message);
      return decodeVector(vector);
    },
    decodeTally,
  };
}
