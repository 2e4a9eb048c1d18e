// The prime-order subgroup of Edwards25519 through libsodium (docs/protocol.md §1;
// voting_engine/core/group.py).
//
// Points are 32-byte Uint8Arrays in RFC 8032 encoding; scalars are BigInts in [0, L).
// libsodium refuses a zero scalar and an identity result in crypto_scalarmult_ed25519_*, and
// crypto_core_ed25519_is_valid_point refuses the identity, so — exactly as group.py — the identity
// (01 00…00) is handled explicitly before any libsodium call.  Points from outside go through
// `parsePoint`, which names the defect like Python's PointError.reason.

import { sodium, randomBytes } from './sodium.js';
import { hashElements } from './hashing.js';
import { bytesEqual, b64decode, b64encode } from './encoding.js';
import { PointError, ScalarError } from './errors.js';

/** Order of the prime-order subgroup (RFC 8032 §5.1). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The field prime of Curve25519. */
export const P_FIELD = 2n ** 255n - 19n;
export const GROUP_NAME = 'edwards25519';
export const H_DOMAIN = 'pbvote/generator-h/v1';

/** The identity point, encoding 01 00…00. */
export const IDENTITY = new Uint8Array([1, ...new Array(31).fill(0)]);
/** The Ed25519 base point G (RFC 8032 §5.1), encoding 58 66…66. */
export const G = new Uint8Array([0x58, ...new Array(31).fill(0x66)]);

// ---------------------------------------------------------------------------------------------
// Integers and scalars

/**
 * Little-endian bytes to a non-negative BigInt.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function bytesToBigIntLE(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/**
 * A non-negative BigInt below 2^(8·size) as `size` little-endian bytes.
 * @param {bigint} value
 * @param {number} size
 * @returns {Uint8Array}
 */
export function bigIntToBytesLE(value, size) {
  if (value < 0n || value >> BigInt(8 * size) !== 0n) throw new RangeError(`value does not fit in ${size} bytes`);
  const out = new Uint8Array(size);
  let v = value;
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Big-endian bytes to a non-negative BigInt.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function bytesToBigIntBE(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * x mod L in [0, L), for any integer (Number or BigInt).
 * @param {bigint | number} x
 * @returns {bigint}
 */
export function modL(x) {
  const v = BigInt(x) % L;
  return v < 0n ? v + L : v;
}

/**
 * @param {bigint} base
 * @param {bigint} exponent
 * @param {bigint} modulus
 * @returns {bigint}
 */
export function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/**
 * Inverse modulo L (L is prime).
 * @param {bigint} x
 * @returns {bigint}
 */
export function invertL(x) {
  const v = modL(x);
  if (v === 0n) throw new RangeError('zero has no inverse modulo L');
  return modPow(v, L - 2n, L);
}

/**
 * Canonical 32-byte little-endian encoding of a scalar (reduced modulo L first).
 * @param {bigint | number} value
 * @returns {Uint8Array}
 */
export function scalarToBytes(value) {
  return bigIntToBytesLE(modL(value), 32);
}

/**
 * Parse a canonical scalar: exactly 32 bytes, little-endian, below L.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function scalarFromBytes(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new ScalarError('bad_length', `a scalar is 32 bytes, got ${bytes && bytes.length}`);
  }
  const value = bytesToBigIntLE(bytes);
  if (value >= L) throw new ScalarError('non_canonical', 'non-canonical scalar: not reduced modulo L');
  return value;
}

/**
 * Base64url text of a scalar.
 * @param {bigint} value
 * @returns {string}
 */
export function encodeScalar(value) {
  return b64encode(scalarToBytes(value));
}

/**
 * Parse base64url scalar text (strict: 32 bytes, below L).
 * @param {string} text
 * @returns {bigint}
 */
export function decodeScalar(text) {
  return scalarFromBytes(b64decode(text, 32));
}

/**
 * A uniform non-zero scalar below L from the CSPRNG (`randomBytes`).
 * @returns {bigint}
 */
export function randomScalar() {
  // rejection sampling over 253-bit integers (as libsodium's crypto_core_ed25519_scalar_random)
  for (;;) {
    const bytes = randomBytes(32);
    bytes[31] &= 0x1f;
    const v = bytesToBigIntLE(bytes);
    if (v !== 0n && v < L) return v;
  }
}

/**
 * A uniform integer in [0, 2^(8·n)).
 * @param {number} n bytes
 * @returns {bigint}
 */
export function randomBits(n) {
  return bytesToBigIntLE(randomBytes(n));
}

// ---------------------------------------------------------------------------------------------
// Points

/**
 * @param {Uint8Array} p
 * @returns {boolean}
 */
export function isIdentity(p) {
  return bytesEqual(p, IDENTITY);
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function pointsEqual(a, b) {
  return bytesEqual(a, b);
}

/**
 * a + b (the identity handled explicitly).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {Uint8Array}
 */
export function pointAdd(a, b) {
  if (isIdentity(a)) return b;
  if (isIdentity(b)) return a;
  return sodium().crypto_core_ed25519_add(a, b);
}

/**
 * a − b (the identity handled explicitly).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {Uint8Array}
 */
export function pointSub(a, b) {
  if (isIdentity(b)) return a;
  return sodium().crypto_core_ed25519_sub(isIdentity(a) ? IDENTITY : a, b);
}

/**
 * −a.
 * @param {Uint8Array} a
 * @returns {Uint8Array}
 */
export function pointNeg(a) {
  return pointSub(IDENTITY, a);
}

/**
 * Fixed-base multiplication s·G; zero gives the identity.
 * @param {bigint | number} scalar
 * @returns {Uint8Array}
 */
export function baseMul(scalar) {
  const v = modL(scalar);
  if (v === 0n) return IDENTITY;
  return sodium().crypto_scalarmult_ed25519_base_noclamp(bigIntToBytesLE(v, 32));
}

/**
 * Variable-base multiplication s·P; a zero scalar or the identity give the identity.
 * @param {Uint8Array} point
 * @param {bigint | number} scalar
 * @returns {Uint8Array}
 */
export function pointMul(point, scalar) {
  const v = modL(scalar);
  if (v === 0n || isIdentity(point)) return IDENTITY;
  if (bytesEqual(point, G)) return sodium().crypto_scalarmult_ed25519_base_noclamp(bigIntToBytesLE(v, 32));
  return sodium().crypto_scalarmult_ed25519_noclamp(bigIntToBytesLE(v, 32), point);
}

/** @type {Map<number, Uint8Array>} */
const smallMultiples = new Map();

/**
 * j·G for a small plaintext j, cached (the same few values recur in every ballot).
 * @param {number} j
 * @returns {Uint8Array}
 */
export function plaintextPoint(j) {
  let p = smallMultiples.get(j);
  if (!p) {
    p = baseMul(BigInt(j));
    if (smallMultiples.size < 4096) smallMultiples.set(j, p);
  }
  return p;
}

/** @type {Uint8Array | null} */
let hCache = null;

/**
 * The second generator H = crypto_core_ed25519_from_uniform(hash_elements("pbvote/generator-h/v1")).
 * @returns {Uint8Array}
 */
export function generatorH() {
  if (!hCache) hCache = sodium().crypto_core_ed25519_from_uniform(hashElements(H_DOMAIN));
  return /** @type {Uint8Array} */ (hCache);
}

const D = (((-121665n * modPow(121666n, P_FIELD - 2n, P_FIELD)) % P_FIELD) + P_FIELD) % P_FIELD;

/**
 * Why `data` (32 bytes, refused by is_valid_point) is not a valid subgroup point — the same
 * classification as group.py's `_point_reason`.
 * @param {Uint8Array} data
 * @returns {[string, string]}
 */
function pointReason(data) {
  const y = bytesToBigIntLE(data) & ((1n << 255n) - 1n);
  if (y >= P_FIELD) return ['non_canonical', 'point encoding is not canonical (y >= 2^255 - 19)'];
  const y2 = (y * y) % P_FIELD;
  const x2 = (((y2 - 1n + P_FIELD) % P_FIELD) * modPow((D * y2 + 1n) % P_FIELD, P_FIELD - 2n, P_FIELD)) % P_FIELD;
  if (x2 !== 0n && modPow(x2, (P_FIELD - 1n) / 2n, P_FIELD) !== 1n) {
    return ['not_on_curve', 'point is not on the Edwards25519 curve'];
  }
  if (x2 === 0n && data[31] & 0x80) return ['non_canonical', 'point encoding is not canonical (negative zero x)'];
  let doubled;
  try {
    doubled = sodium().crypto_core_ed25519_add(data, data);
  } catch {
    return ['not_on_curve', 'point is not on the Edwards25519 curve'];
  }
  doubled = sodium().crypto_core_ed25519_add(doubled, doubled);
  doubled = sodium().crypto_core_ed25519_add(doubled, doubled);
  if (bytesEqual(doubled, IDENTITY)) {
    if (bytesEqual(data, IDENTITY)) return ['identity', 'the identity point is not allowed here'];
    return ['small_order', 'point has small order (a multiple of it is the identity)'];
  }
  return ['not_in_subgroup', 'point is outside the prime-order subgroup'];
}

/**
 * Validate a point from outside (libsodium's crypto_core_ed25519_is_valid_point); throws
 * `PointError` naming the defect.  The identity is accepted only with `allowIdentity`.
 * @param {Uint8Array} data
 * @param {{allowIdentity?: boolean}} [options]
 * @returns {Uint8Array} a copy of the validated encoding
 */
export function parsePoint(data, options = {}) {
  if (!(data instanceof Uint8Array) || data.length !== 32) throw new PointError('bad_length', 'a point is 32 bytes');
  if (options.allowIdentity && bytesEqual(data, IDENTITY)) return IDENTITY;
  if (!sodium().crypto_core_ed25519_is_valid_point(data)) {
    const [reason, message] = pointReason(data);
    throw new PointError(reason, message);
  }
  return Uint8Array.from(data);
}

/**
 * Parse base64url point text: strict base64url of exactly 32 bytes, then `parsePoint`.
 * @param {string} text
 * @param {{allowIdentity?: boolean}} [options]
 * @returns {Uint8Array}
 */
export function decodePoint(text, options = {}) {
  return parsePoint(b64decode(text, 32), options);
}
