// Ballots: encryption with validity proofs, the signed envelope, tracking hash and short code,
// verification and the Benaloh opening check (docs/protocol.md §6, docs/election-record.md §4.1,
// docs/board-and-credentials.md §7–8; ballot_schemes/base.py, voting_engine/domain/ballot.py,
// voting_engine/core/receipts.py).

import { hashElements } from './hashing.js';
import { asBytes, b64decode, b64encode, bytesEqual, canonicalJson } from './encoding.js';
import { bytesToBigIntBE, decodeScalar, encodeScalar, randomScalar } from './group.js';
import { ciphertextFromJson, ciphertextToJson, ciphertextsEqual, encrypt } from './elgamal.js';
import { proveWeightedSum, sumProofFromJson, sumProofToJson, verifyWeightedSum } from './proofs.js';
import { makeContext, stageHash as hashStage } from './context.js';
import { makeScheme } from './schemes.js';
import { ALPHABET, isValidPublicCredential, signBallot, verifyBallotSignature } from './credentials.js';
import { BallotRejected, CodedError, InvalidBallot, InvalidChoice, PointError } from './errors.js';

/** @typedef {import('./elgamal.js').Ciphertext} Ciphertext */
/** @typedef {import('./proofs.js').SumProof} SumProof */
/** @typedef {import('./context.js').ElectionContext} ElectionContext */
/** @typedef {import('./schemes.js').Scheme} Scheme */
/** @typedef {{ciphertexts: Ciphertext[], entryProofs: SumProof[], constraintProofs: SumProof[]}} EncryptedChoices */

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_KEYS = ['choices', 'credential', 'election_id', 'signature', 'stage_id', 'version'];
export const TRACKING_TAG = 'pbvote/tracking/v1';
export const SHORT_CODE_SYMBOLS = 10;

/**
 * @param {Scheme | Record<string, any>} schemeOrDefinition
 * @returns {Scheme}
 */
function asScheme(schemeOrDefinition) {
  return typeof (/** @type {any} */ (schemeOrDefinition).entryBounds) === 'function'
    ? /** @type {Scheme} */ (schemeOrDefinition)
    : makeScheme(/** @type {any} */ (schemeOrDefinition));
}

/**
 * @param {ElectionContext | Record<string, any>} context
 * @param {unknown} [definition]
 * @returns {ElectionContext}
 */
function asContext(context, definition) {
  const c = /** @type {any} */ (context);
  if (c && c.hash instanceof Uint8Array && c.jointKey instanceof Uint8Array && c.manifestHash instanceof Uint8Array) return c;
  return makeContext(c, definition);
}

// ---------------------------------------------------------------------------------------------
// Encrypted choices (the scheme part of a ballot)

/**
 * Encrypt and prove a vector (Python `BallotScheme.encrypt_vector`): one ciphertext and one
 * entry proof (weight [1] over [0, hi_i]) per entry, then one proof per constraint, in order.
 * @param {Scheme} scheme
 * @param {ElectionContext} context
 * @param {number[]} vector
 * @returns {{choices: EncryptedChoices, nonces: bigint[]}}
 */
export function encryptVector(scheme, context, vector) {
  const key = context.jointKey;
  const ctx = context.hash;
  const bounds = scheme.entryBounds();
  if (vector.length !== bounds.length) throw new RangeError('vector length does not match the scheme layout');
  const nonces = vector.map(() => randomScalar());
  const ciphertexts = vector.map((m, i) => encrypt(key, m, nonces[i]));
  const entryProofs = ciphertexts.map((ct, i) => proveWeightedSum(ctx, key, [ct], [1], [vector[i]], [nonces[i]], 0, bounds[i]));
  const constraintProofs = scheme
    .constraints()
    .map((c) => proveWeightedSum(ctx, key, ciphertexts, c.weights, vector, nonces, c.lo, c.hi));
  return { choices: { ciphertexts, entryProofs, constraintProofs }, nonces };
}

/**
 * @param {EncryptedChoices} choices
 * @returns {{ciphertexts: string[][], entry_proofs: object[], constraint_proofs: object[]}}
 */
export function choicesToJson(choices) {
  return {
    ciphertexts: choices.ciphertexts.map(ciphertextToJson),
    entry_proofs: choices.entryProofs.map(sumProofToJson),
    constraint_proofs: choices.constraintProofs.map(sumProofToJson),
  };
}

/**
 * Parse and validate every point and scalar (Python `EncryptedChoices.from_json`); throws
 * `InvalidBallot` with code `schema` or `bad_point:<reason>`.
 * @param {unknown} value
 * @returns {EncryptedChoices}
 */
export function parseChoices(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidBallot('schema', 'encrypted choices must be an object');
  const obj = /** @type {Record<string, unknown>} */ (value);
  for (const key of ['ciphertexts', 'entry_proofs', 'constraint_proofs']) {
    if (!Object.hasOwn(obj, key)) throw new InvalidBallot('schema', `missing field '${key}'`);
  }
  const { ciphertexts: cts, entry_proofs: eps, constraint_proofs: cps } = obj;
  if (!Array.isArray(cts) || !Array.isArray(eps) || !Array.isArray(cps)) {
    throw new InvalidBallot('schema', 'ciphertexts, entry_proofs and constraint_proofs must be lists');
  }
  try {
    return {
      ciphertexts: cts.map((c) => ciphertextFromJson(c)),
      entryProofs: eps.map(sumProofFromJson),
      constraintProofs: cps.map(sumProofFromJson),
    };
  } catch (err) {
    if (err instanceof PointError) throw new InvalidBallot(`bad_point:${err.reason}`, `invalid point in ballot: ${err.message}`);
    throw new InvalidBallot('schema', err instanceof Error ? err.message : String(err));
  }
}

/**
 * Check shape and every proof (Python `BallotScheme.verify`); throws `InvalidBallot` with code
 * `shape`, `entry_proof` or `constraint_proof` naming the first failing check.
 * @param {Scheme} scheme
 * @param {ElectionContext} context
 * @param {EncryptedChoices} choices
 */
export function verifyParsedChoices(scheme, context, choices) {
  const bounds = scheme.entryBounds();
  const constraints = scheme.constraints();
  if (choices.ciphertexts.length !== bounds.length || choices.entryProofs.length !== bounds.length) {
    throw new InvalidBallot('shape', `expected ${bounds.length} ciphertexts and entry proofs`);
  }
  if (choices.constraintProofs.length !== constraints.length) {
    throw new InvalidBallot('shape', `expected ${constraints.length} constraint proofs`);
  }
  const key = context.jointKey;
  const ctx = context.hash;
  choices.ciphertexts.forEach((ct, i) => {
    if (!verifyWeightedSum(ctx, key, [ct], [1], choices.entryProofs[i], 0, bounds[i])) {
      throw new InvalidBallot('entry_proof', `range proof of entry ${i} (0..${bounds[i]}) fails`);
    }
  });
  constraints.forEach((c, i) => {
    if (!verifyWeightedSum(ctx, key, choices.ciphertexts, c.weights, choices.constraintProofs[i], c.lo, c.hi)) {
      throw new InvalidBallot('constraint_proof', `proof of rule ${c.name} ([${c.lo}, ${c.hi}]) fails`);
    }
  });
}

/**
 * Parse and verify the scheme part of a ballot.  Returns null when valid, else
 * {code, message} with the engine's InvalidBallot code (schema, bad_point:<reason>, shape,
 * entry_proof, constraint_proof) — the `error` codes of the test vectors.
 * @param {{definition?: any, scheme?: Scheme, context: ElectionContext | Record<string, any>, choices: unknown}} args
 * @returns {{code: string, message: string} | null}
 */
export function checkChoices({ definition, scheme, context, choices }) {
  const s = scheme ?? asScheme(definition);
  const ctx = asContext(context, definition);
  try {
    verifyParsedChoices(s, ctx, parseChoices(choices));
    return null;
  } catch (err) {
    if (err instanceof InvalidBallot) return { code: err.code, message: err.message };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Tracking hashes and short codes

/**
 * hash_elements("pbvote/tracking/v1", canonical_json(envelope without "signature")).
 * @param {Record<string, any>} envelope
 * @returns {Uint8Array}
 */
export function trackingHash(envelope) {
  /** @type {Record<string, any>} */
  const body = {};
  for (const [k, v] of Object.entries(envelope)) if (k !== 'signature') body[k] = v;
  return hashElements(TRACKING_TAG, canonicalJson(body));
}

/**
 * First 50 bits of a tracking hash as Crockford base32, grouped XXXXX-XXXXX.
 * @param {Uint8Array | string} tracking 32 bytes or base64url text
 * @returns {string}
 */
export function shortCode(tracking) {
  const bytes = asBytes(tracking, 32, 'tracking hash');
  const value = bytesToBigIntBE(bytes.subarray(0, 7)) >> 6n;
  let symbols = '';
  for (let i = 0; i < SHORT_CODE_SYMBOLS; i++) symbols += ALPHABET[Number((value >> BigInt(5 * (SHORT_CODE_SYMBOLS - 1 - i))) & 31n)];
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
}

/**
 * Canonical XXXXX-XXXXX form of a typed short code (ASCII upper-case, I/L → 1, O → 0, hyphens
 * and white space dropped); throws `CodedError('bad_short_code')` when malformed.
 * @param {string} text
 * @returns {string}
 */
export function normalizeShortCode(text) {
  let symbols = '';
  for (const ch of text) {
    if ('- \t\r\n'.includes(ch)) continue;
    const upper = ch.charCodeAt(0) < 128 ? ch.toUpperCase() : ch;
    const symbol = upper === 'I' || upper === 'L' ? '1' : upper === 'O' ? '0' : upper;
    if (!ALPHABET.includes(symbol) || symbol.length !== 1) {
      throw new CodedError('bad_short_code', `${JSON.stringify(ch)} is not a Crockford base32 character`);
    }
    symbols += symbol;
  }
  if (symbols.length !== SHORT_CODE_SYMBOLS) {
    throw new CodedError('bad_short_code', `a short code has ${SHORT_CODE_SYMBOLS} characters, got ${symbols.length}`);
  }
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
}

/**
 * True when a typed short code is the short code of `tracking`.
 * @param {Uint8Array | string} tracking
 * @param {string} text
 * @returns {boolean}
 */
export function matchesShortCode(tracking, text) {
  try {
    return normalizeShortCode(text) === shortCode(tracking);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Envelopes

/**
 * Validate, encode, encrypt, prove and sign a choice on the voter's device (Python
 * `voting_engine.domain.ballot.seal`).  Throws `InvalidChoice` (scheme codes) for a choice that
 * breaks a rule, `SchemeParameterError` for a bad definition, `CodedError('context_mismatch')`
 * when the context does not belong to the definition.
 * @param {{definition: Record<string, any>, context: ElectionContext | Record<string, any>,
 *          choice: unknown, keyPair: {publicKey: Uint8Array, secretKey: Uint8Array}}} args
 * @returns {{envelope: Record<string, any>, opening: {vector: number[], nonces: string[]},
 *            trackingHash: Uint8Array, trackingHashText: string, shortCode: string}}
 */
export function encryptBallot({ definition, context, choice, keyPair }) {
  const scheme = makeScheme(definition);
  const ctx = asContext(context, definition);
  if (ctx.stageHash.length && !bytesEqual(ctx.stageHash, hashStage(definition))) {
    throw new CodedError('context_mismatch', 'the context stage hash is not the hash of this stage definition');
  }
  if (definition.stage_id !== undefined && definition.stage_id !== ctx.stageId) {
    throw new CodedError('context_mismatch', 'the context names another stage than the definition');
  }
  const problem = scheme.validateChoice(choice);
  if (problem) throw new InvalidChoice(problem.code, problem.message);
  const vector = scheme.encode(choice);
  const { choices, nonces } = encryptVector(scheme, ctx, vector);
  if (!keyPair || !(keyPair.publicKey instanceof Uint8Array) || !(keyPair.secretKey instanceof Uint8Array)) {
    throw new TypeError('keyPair must be {publicKey, secretKey} (see deriveKeyPair)');
  }
  /** @type {Record<string, any>} */
  const envelope = {
    version: ENVELOPE_VERSION,
    election_id: ctx.electionId,
    stage_id: ctx.stageId,
    credential: b64encode(keyPair.publicKey),
    choices: choicesToJson(choices),
  };
  const tracking = trackingHash(envelope);
  envelope.signature = b64encode(signBallot(keyPair.secretKey, ctx.electionId, ctx.stageId, tracking));
  return {
    envelope,
    opening: { vector, nonces: nonces.map(encodeScalar) },
    trackingHash: tracking,
    trackingHashText: b64encode(tracking),
    shortCode: shortCode(tracking),
  };
}

/**
 * Check an envelope's shape and parse every point (Python `parse_envelope`); throws
 * `BallotRejected` with code schema | bad_credential | bad_point.
 * @param {unknown} envelope
 * @returns {{envelope: Record<string, any>, choices: EncryptedChoices, credential: Uint8Array,
 *            signature: Uint8Array, tracking: Uint8Array}}
 */
export function parseEnvelope(envelope) {
  if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) {
    throw new BallotRejected('schema', `a ballot is an object with exactly the keys ${ENVELOPE_KEYS.join(', ')}`);
  }
  const env = /** @type {Record<string, any>} */ (envelope);
  const keys = Object.keys(env).sort();
  if (keys.length !== ENVELOPE_KEYS.length || keys.some((k, i) => k !== ENVELOPE_KEYS[i])) {
    throw new BallotRejected('schema', `a ballot is an object with exactly the keys ${ENVELOPE_KEYS.join(', ')}`);
  }
  if (env.version !== ENVELOPE_VERSION) throw new BallotRejected('schema', `ballot version must be ${ENVELOPE_VERSION}`);
  if (typeof env.election_id !== 'string' || typeof env.stage_id !== 'string') {
    throw new BallotRejected('schema', 'election_id and stage_id are strings');
  }
  let credential;
  let signature;
  try {
    credential = b64decode(env.credential, 32);
    signature = b64decode(env.signature, 64);
  } catch (err) {
    throw new BallotRejected('schema', `credential or signature: ${/** @type {Error} */ (err).message}`);
  }
  if (!isValidPublicCredential(credential)) {
    throw new BallotRejected('bad_credential', 'the credential is not a valid Ed25519 public key');
  }
  let choices;
  try {
    choices = parseChoices(env.choices);
  } catch (err) {
    const e = /** @type {InvalidBallot} */ (err);
    throw new BallotRejected(e.code.startsWith('bad_point') ? 'bad_point' : 'schema', e.message);
  }
  return { envelope: env, choices, credential, signature, tracking: trackingHash(env) };
}

/**
 * Full verification of a signed envelope, in the server's order: shape and points, election
 * and stage, the credential's signature, every validity proof.  Never throws for a bad ballot.
 * @param {{definition: Record<string, any>, context: ElectionContext | Record<string, any>, envelope: unknown}} args
 * @returns {{ok: true, trackingHash: Uint8Array} |
 *           {ok: false, code: string, detail?: string, message: string}}
 *   `code` is the API error code (schema, bad_credential, bad_point, wrong_stage, bad_signature,
 *   invalid_proof); `detail` the scheme-level code (e.g. entry_proof, bad_point:small_order).
 */
export function verifyBallot({ definition, context, envelope }) {
  const scheme = makeScheme(definition);
  const ctx = asContext(context, definition);
  let ballot;
  try {
    ballot = parseEnvelope(envelope);
  } catch (err) {
    if (err instanceof BallotRejected) {
      let detail = err.code;
      if (err.code === 'bad_point' || err.code === 'schema') {
        try {
          parseChoices(/** @type {any} */ (envelope).choices);
        } catch (inner) {
          if (inner instanceof InvalidBallot) detail = inner.code;
        }
      }
      return { ok: false, code: err.code, detail, message: err.message };
    }
    throw err;
  }
  if (ballot.envelope.election_id !== ctx.electionId || ballot.envelope.stage_id !== ctx.stageId) {
    return { ok: false, code: 'wrong_stage', message: 'the ballot was made for another election or stage' };
  }
  if (!verifyBallotSignature(ballot.credential, ctx.electionId, ctx.stageId, ballot.tracking, ballot.signature)) {
    return { ok: false, code: 'bad_signature', message: "the credential's signature over the ballot does not verify" };
  }
  try {
    verifyParsedChoices(scheme, ctx, ballot.choices);
  } catch (err) {
    if (err instanceof InvalidBallot) return { ok: false, code: 'invalid_proof', detail: err.code, message: err.message };
    throw err;
  }
  return { ok: true, trackingHash: ballot.tracking };
}

/**
 * Benaloh audit check: the opening re-encrypts to exactly the envelope's ciphertexts (Python
 * `BallotScheme.verify_opening`), and the vector satisfies the scheme's bounds and constraints
 * (record check A1).  `opening` is {vector: int[], nonces: [base64url scalar | bigint]}.
 * @param {{definition: Record<string, any>, context: ElectionContext | Record<string, any>,
 *          envelope: unknown, opening: {vector: number[], nonces: (string | bigint)[]}}} args
 * @returns {{ok: true, choice: Record<string, any>, trackingHash: Uint8Array} |
 *           {ok: false, code: string, message: string, detail?: string}}
 *   codes: schema (malformed envelope or opening), bad_opening (does not re-encrypt),
 *   bad_vector (re-encrypts but breaks a rule; `detail` names it).
 */
export function verifyOpening({ definition, context, envelope, opening }) {
  const scheme = makeScheme(definition);
  const ctx = asContext(context, definition);
  let ballot;
  try {
    ballot = parseEnvelope(envelope);
  } catch (err) {
    if (err instanceof BallotRejected) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
  let vector;
  let nonces;
  try {
    if (!opening || !Array.isArray(opening.vector) || !Array.isArray(opening.nonces)) throw new TypeError('opening is {vector, nonces}');
    vector = opening.vector.map((x) => {
      if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new TypeError('vector entries are integers');
      return x;
    });
    nonces = opening.nonces.map((r) => (typeof r === 'bigint' ? r : decodeScalar(r)));
  } catch (err) {
    return { ok: false, code: 'schema', message: `opening is {vector: [int], nonces: [scalar]}: ${/** @type {Error} */ (err).message}` };
  }
  const cts = ballot.choices.ciphertexts;
  const reencrypts =
    vector.length === cts.length &&
    nonces.length === cts.length &&
    vector.every((m, i) => m >= 0 && ciphertextsEqual(encrypt(ctx.jointKey, m, /** @type {bigint[]} */ (nonces)[i]), cts[i]));
  if (!reencrypts) return { ok: false, code: 'bad_opening', message: "the opening does not re-encrypt to the ballot's ciphertexts" };
  const problem = scheme.checkVector(vector);
  if (problem) return { ok: false, code: 'bad_vector', detail: problem.code, message: problem.message };
  return { ok: true, choice: scheme.decodeOpening(vector), trackingHash: ballot.tracking };
}
