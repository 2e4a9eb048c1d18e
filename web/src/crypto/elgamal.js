// Exponential ElGamal (docs/protocol.md §4; voting_engine/core/elgamal.py and dlog.py).
// A ciphertext is {alpha, beta} = (r·G, m·G + r·K); JSON form [α, β] in base64url.

import {
  IDENTITY,
  G,
  baseMul,
  pointAdd,
  pointSub,
  pointNeg,
  pointMul,
  pointsEqual,
  decodePoint,
  plaintextPoint,
} from './group.js';
import { b64encode, toHex } from './encoding.js';

/** @typedef {{alpha: Uint8Array, beta: Uint8Array}} Ciphertext */

/** @returns {Ciphertext} the encryption of 0 with nonce 0 (neutral element) */
export function zeroCiphertext() {
  return { alpha: IDENTITY, beta: IDENTITY };
}

/**
 * @param {Ciphertext} a
 * @param {Ciphertext} b
 * @returns {Ciphertext}
 */
export function addCiphertexts(a, b) {
  return { alpha: pointAdd(a.alpha, b.alpha), beta: pointAdd(a.beta, b.beta) };
}

/**
 * Homomorphic multiplication of the plaintext by an integer constant (additions for 0 and ±1).
 * @param {Ciphertext} c
 * @param {number | bigint} factor
 * @returns {Ciphertext}
 */
export function scaleCiphertext(c, factor) {
  const f = BigInt(factor);
  if (f === 1n) return c;
  if (f === -1n) return { alpha: pointNeg(c.alpha), beta: pointNeg(c.beta) };
  if (f === 0n) return zeroCiphertext();
  return { alpha: pointMul(c.alpha, f), beta: pointMul(c.beta, f) };
}

/**
 * (α, β − value·G): subtract a known plaintext.
 * @param {Ciphertext} c
 * @param {number} value
 * @returns {Ciphertext}
 */
export function minusPlaintext(c, value) {
  if (value === 0) return c;
  return { alpha: c.alpha, beta: pointSub(c.beta, baseMul(BigInt(value))) };
}

/**
 * @param {Ciphertext} a
 * @param {Ciphertext} b
 * @returns {boolean}
 */
export function ciphertextsEqual(a, b) {
  return pointsEqual(a.alpha, b.alpha) && pointsEqual(a.beta, b.beta);
}

/**
 * Encrypt a non-negative integer under `publicKey` with `nonce`: (r·G, m·G + r·K).
 * @param {Uint8Array} publicKey
 * @param {number | bigint} message
 * @param {bigint} nonce
 * @returns {Ciphertext}
 */
export function encrypt(publicKey, message, nonce) {
  const m = BigInt(message);
  if (m < 0n) throw new RangeError('exponential ElGamal encrypts non-negative integers only');
  const small = typeof message === 'number' && message < 4096;
  return {
    alpha: baseMul(nonce),
    beta: pointAdd(small ? plaintextPoint(/** @type {number} */ (message)) : baseMul(m), pointMul(publicKey, nonce)),
  };
}

/**
 * Benaloh check: does `ciphertext` encrypt `message` with `nonce`?
 * @param {Uint8Array} publicKey
 * @param {Ciphertext} ciphertext
 * @param {number} message
 * @param {bigint} nonce
 * @returns {boolean}
 */
export function verifyOpeningEntry(publicKey, ciphertext, message, nonce) {
  return message >= 0 && ciphertextsEqual(encrypt(publicKey, message, nonce), ciphertext);
}

/**
 * m·G = β − s·α (single-key setting, tests).
 * @param {bigint} secretKey
 * @param {Ciphertext} ciphertext
 * @returns {Uint8Array}
 */
export function decryptWithSecret(secretKey, ciphertext) {
  return pointSub(ciphertext.beta, pointMul(ciphertext.alpha, secretKey));
}

/**
 * Component-wise homomorphic sum (the empty sum is the zero ciphertext).
 * @param {Ciphertext[]} ciphertexts
 * @returns {Ciphertext}
 */
export function sumCiphertexts(ciphertexts) {
  let acc = zeroCiphertext();
  for (const c of ciphertexts) acc = addCiphertexts(acc, c);
  return acc;
}

/**
 * @param {Ciphertext} c
 * @returns {[string, string]}
 */
export function ciphertextToJson(c) {
  return [b64encode(c.alpha), b64encode(c.beta)];
}

/**
 * Parse [α, β] as base64url points, validating both (Python `Ciphertext.from_json`).
 * @param {unknown} value
 * @param {{allowIdentity?: boolean}} [options]
 * @returns {Ciphertext}
 */
export function ciphertextFromJson(value, options = {}) {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'string')) {
    throw new TypeError('a ciphertext is a list of two base64url points');
  }
  return { alpha: decodePoint(value[0], options), beta: decodePoint(value[1], options) };
}

/**
 * The m in [0, bound] with m·G = point (baby-step giant-step, Shanks 1971), or null.
 * @param {Uint8Array} point
 * @param {number} bound
 * @returns {number | null}
 */
export function discreteLog(point, bound) {
  if (!(bound >= 0)) throw new RangeError('bound must be non-negative');
  let root = Math.floor(Math.sqrt(bound));
  while (root * root > bound) root--;
  while ((root + 1) * (root + 1) <= bound) root++;
  const step = Math.max(1, root + 1);
  /** @type {Map<string, number>} */
  const table = new Map();
  /** @type {Uint8Array} */
  let current = IDENTITY;
  for (let j = 0; j < step; j++) {
    table.set(toHex(current), j);
    current = pointAdd(current, G);
  }
  const giant = pointMul(G, BigInt(step));
  current = point;
  for (let i = 0; i <= step; i++) {
    const j = table.get(toHex(current));
    if (j !== undefined) {
      const m = i * step + j;
      return m <= bound ? m : null;
    }
    current = pointSub(current, giant);
  }
  return null;
}
