// Domain-separated hashing (docs/protocol.md §2; voting_engine/core/hashing.py):
// hash_elements(tag, e_1, …, e_k) = SHA-256(frame(tag) ‖ frame(e_1) ‖ … ‖ frame(e_k)),
// frame(e) = uint32_be(len(bytes(e))) ‖ bytes(e); bytes(e) is the bytes themselves, UTF-8 for
// text, the decimal ASCII digits for an integer (Number or BigInt).  Points and scalars are
// passed as their 32-byte encodings (Uint8Array).

import { sodium } from './sodium.js';
import { utf8, concatBytes } from './encoding.js';

/** @typedef {Uint8Array | string | number | bigint} Element */

/**
 * Canonical bytes of one hash element.
 * @param {Element} element
 * @returns {Uint8Array}
 */
export function elementBytes(element) {
  if (element instanceof Uint8Array) return element;
  if (typeof element === 'string') return utf8(element);
  if (typeof element === 'bigint') return utf8(element.toString());
  if (typeof element === 'number') {
    if (!Number.isSafeInteger(element)) throw new TypeError('hash elements are integers (BigInt above 2^53)');
    return utf8(String(element === 0 ? 0 : element));
  }
  throw new TypeError(`not a hashable element: ${typeof element}`);
}

/**
 * Length-prefixed concatenation of the elements' canonical bytes.
 * @param {Element[]} elements
 * @returns {Uint8Array}
 */
export function frame(elements) {
  const parts = [];
  for (const element of elements) {
    const data = elementBytes(element);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, data.length, false);
    parts.push(len, data);
  }
  return concatBytes(...parts);
}

/**
 * SHA-256 through libsodium (`crypto_hash_sha256`).
 * @param {Uint8Array} data
 * @returns {Uint8Array}
 */
export function sha256(data) {
  return sodium().crypto_hash_sha256(data);
}

/**
 * SHA-256 over the framed domain tag followed by the framed elements.
 * @param {string} tag
 * @param {...Element} elements
 * @returns {Uint8Array}
 */
export function hashElements(tag, ...elements) {
  return sha256(frame([tag, ...elements]));
}
