// Loading libsodium (libsodium-wrappers-sumo, from the npm registry).
//
// The sumo build is needed: it is the one that exports crypto_core_ed25519_*,
// crypto_scalarmult_ed25519_*_noclamp and crypto_hash_sha256
// (docs/board-and-credentials.md §10).  Every other module calls `sodium()` after `ready()`.

import libsodium from 'libsodium-wrappers-sumo';

/** @type {any} */
let instance = null;
/** @type {Promise<any> | null} */
let loading = null;

/**
 * Wait until libsodium is initialised.  Call (and await) once before any other function.
 * @returns {Promise<void>}
 */
export async function ready() {
  if (instance) return;
  if (!loading) {
    loading = libsodium.ready.then(() => {
      instance = libsodium;
      return libsodium;
    });
  }
  await loading;
}

/**
 * The initialised libsodium object.
 * @returns {any}
 */
export function sodium() {
  if (!instance) throw new Error('libsodium is not initialised: await ready() first');
  return instance;
}

/**
 * `n` bytes from the platform CSPRNG: WebCrypto `crypto.getRandomValues` (browsers, Node ≥ 19),
 * else libsodium's `randombytes_buf`.  libsodium.js draws from the same WebCrypto source in
 * browsers, but only 4 bytes per call, which makes proofs noticeably slower.
 * @param {number} n
 * @returns {Uint8Array}
 */
export function randomBytes(n) {
  const webcrypto = /** @type {any} */ (globalThis).crypto;
  if (webcrypto && typeof webcrypto.getRandomValues === 'function') {
    const out = new Uint8Array(n);
    for (let offset = 0; offset < n; offset += 65536) webcrypto.getRandomValues(out.subarray(offset, Math.min(n, offset + 65536)));
    return out;
  }
  return sodium().randombytes_buf(n);
}
