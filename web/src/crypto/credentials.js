// Voter credentials (docs/board-and-credentials.md §5–7; voting_engine/core/credentials.py):
// 26 Crockford base32 symbols (130 bits) + Crockford's mod-37 check symbol; the Ed25519 key is
// derived from hash_elements("pbvote/credential-seed/v1", body); the voter signs ballots and
// sign-in challenges with it.

import { sodium, randomBytes } from './sodium.js';
import { hashElements } from './hashing.js';
import { asBytes } from './encoding.js';
import { bytesToBigIntBE } from './group.js';
import { CredentialCodeError } from './errors.js';

/** Crockford base32 symbols, value = position (no I, L, O, U). */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Crockford check symbols for the values 0..36. */
export const CHECK_ALPHABET = ALPHABET + '*~$=U';
export const BODY_LENGTH = 26;
export const CODE_LENGTH = BODY_LENGTH + 1;
export const RANDOM_BYTES = 17;
export const ENTROPY_BITS = 130;
export const GROUPS = [5, 5, 5, 5, 5, 2];
export const SIGNIN_NONCE_MIN = 16;
export const SEED_TAG = 'pbvote/credential-seed/v1';
export const BALLOT_SIGNATURE_TAG = 'pbvote/ballot-signature/v1';
export const SIGNIN_TAG = 'pbvote/signin/v1';

const SEPARATORS = new Set(['-', ' ', '\t', '\r', '\n', '\u00a0', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212']);
/** @type {Record<string, string>} */
const ALIASES = { I: '1', L: '1', O: '0' };
/** @type {Map<string, number>} */
const VALUE = new Map([...CHECK_ALPHABET].map((s, i) => [s, i]));

/**
 * Crockford check symbol: the body read as a base-32 number, modulo 37.
 * @param {string} body
 * @returns {string}
 */
export function checkSymbol(body) {
  let r = 0;
  for (const s of body) {
    const v = ALPHABET.indexOf(s);
    if (v < 0) throw new CredentialCodeError('bad_character', `${JSON.stringify(s)} is not a body symbol`);
    r = (r * 32 + v) % 37;
  }
  return CHECK_ALPHABET[r];
}

/**
 * Drop separators, upper-case ASCII letters only, map I/L → 1 and O → 0 (no validation).
 * @param {string} text
 * @returns {string}
 */
export function normalizeCode(text) {
  let out = '';
  for (const ch of text) {
    if (SEPARATORS.has(ch)) continue;
    const upper = ch.charCodeAt(0) < 128 ? ch.toUpperCase() : ch;
    out += ALIASES[upper] ?? upper;
  }
  return out;
}

/**
 * Validate typed text (§5 "Parsing typed text"); returns the canonical 27-symbol code.
 * Throws `CredentialCodeError` with code bad_type | bad_character | bad_length | bad_check.
 * @param {string} text
 * @returns {string}
 */
export function parseCode(text) {
  if (typeof text !== 'string') throw new CredentialCodeError('bad_type', 'the credential code must be text');
  const code = normalizeCode(text);
  const symbols = [...code];
  symbols.forEach((s, i) => {
    if (!VALUE.has(s)) {
      throw new CredentialCodeError('bad_character', `character ${i + 1} (${JSON.stringify(s)}) is not allowed`);
    }
  });
  if (symbols.length !== CODE_LENGTH) {
    throw new CredentialCodeError('bad_length', `expected ${CODE_LENGTH} characters, got ${symbols.length}`);
  }
  for (let i = 0; i < BODY_LENGTH; i++) {
    if (/** @type {number} */ (VALUE.get(symbols[i])) >= ALPHABET.length) {
      throw new CredentialCodeError(
        'bad_character',
        `character ${i + 1} (${JSON.stringify(symbols[i])}) may only be the last character`,
      );
    }
  }
  if (checkSymbol(code.slice(0, BODY_LENGTH)) !== code[BODY_LENGTH]) {
    throw new CredentialCodeError('bad_check', 'the code contains a typo (check character mismatch)');
  }
  return code;
}

/**
 * Grouped display form XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XC of a valid code.
 * @param {string} code
 * @returns {string}
 */
export function formatCode(code) {
  const canonical = parseCode(code);
  const parts = [];
  let start = 0;
  for (const size of GROUPS) {
    parts.push(canonical.slice(start, start + size));
    start += size;
  }
  return parts.join('-');
}

/**
 * Formatted code whose body is the first 130 bits of 17 random bytes, most significant first.
 * @param {Uint8Array} random
 * @returns {string}
 */
export function codeFromRandom(random) {
  if (!(random instanceof Uint8Array) || random.length !== RANDOM_BYTES) {
    throw new RangeError(`expected ${RANDOM_BYTES} random bytes`);
  }
  const value = bytesToBigIntBE(random) >> BigInt(8 * RANDOM_BYTES - ENTROPY_BITS);
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[Number((value >> BigInt(5 * (BODY_LENGTH - 1 - i))) & 31n)];
  return formatCode(body + checkSymbol(body));
}

/**
 * A fresh formatted credential code (130 bits from the CSPRNG: WebCrypto getRandomValues or
 * libsodium's `randombytes_buf`), for self-registration on the device.
 * @returns {string}
 */
export function generateCode() {
  return codeFromRandom(randomBytes(RANDOM_BYTES));
}

/**
 * 32-byte Ed25519 seed bound to the normalised 26-symbol body.
 * @param {string} code
 * @returns {Uint8Array}
 */
export function credentialSeed(code) {
  return hashElements(SEED_TAG, parseCode(code).slice(0, BODY_LENGTH));
}

/**
 * The voter's Ed25519 key pair (libsodium `crypto_sign_seed_keypair(seed)`); `secretKey` is
 * libsodium's 64-byte form (seed ‖ public key).  Throws `CredentialCodeError` for a bad code.
 * @param {string} code
 * @returns {{publicKey: Uint8Array, secretKey: Uint8Array}}
 */
export function deriveKeyPair(code) {
  const pair = sodium().crypto_sign_seed_keypair(credentialSeed(code));
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

/**
 * Canonical, on-curve, prime-order-subgroup, not small order (libsodium's check).
 * @param {Uint8Array} publicKey
 * @returns {boolean}
 */
export function isValidPublicCredential(publicKey) {
  return publicKey instanceof Uint8Array && publicKey.length === 32 && sodium().crypto_core_ed25519_is_valid_point(publicKey);
}

/**
 * Ed25519 verification that never throws.
 * @param {Uint8Array} publicKey
 * @param {Uint8Array} message
 * @param {Uint8Array} signature
 * @returns {boolean}
 */
export function verifyDetached(publicKey, message, signature) {
  if (!isValidPublicCredential(publicKey) || !(signature instanceof Uint8Array) || signature.length !== 64) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * hash_elements("pbvote/ballot-signature/v1", election_id, stage_id, tracking_hash)
 * @param {string} electionId
 * @param {string} stageId
 * @param {Uint8Array} trackingHash 32 bytes
 * @returns {Uint8Array}
 */
export function ballotSignatureMessage(electionId, stageId, trackingHash) {
  if (!(trackingHash instanceof Uint8Array) || trackingHash.length !== 32) throw new RangeError('tracking hashes are 32 bytes');
  return hashElements(BALLOT_SIGNATURE_TAG, electionId, stageId, trackingHash);
}

/**
 * 64-byte Ed25519 signature over the ballot message.
 * @param {Uint8Array} secretKey 64-byte libsodium secret key
 * @param {string} electionId
 * @param {string} stageId
 * @param {Uint8Array} trackingHash
 * @returns {Uint8Array}
 */
export function signBallot(secretKey, electionId, stageId, trackingHash) {
  return sodium().crypto_sign_detached(ballotSignatureMessage(electionId, stageId, trackingHash), secretKey);
}

/**
 * @param {Uint8Array} publicKey
 * @param {string} electionId
 * @param {string} stageId
 * @param {Uint8Array} trackingHash
 * @param {Uint8Array} signature
 * @returns {boolean}
 */
export function verifyBallotSignature(publicKey, electionId, stageId, trackingHash, signature) {
  if (!(trackingHash instanceof Uint8Array) || trackingHash.length !== 32) return false;
  return verifyDetached(publicKey, ballotSignatureMessage(electionId, stageId, trackingHash), signature);
}

/**
 * hash_elements("pbvote/signin/v1", election_id, server_nonce); the nonce is ≥ 16 bytes.
 * @param {Uint8Array | string} serverNonce bytes or base64url text
 * @param {string} electionId
 * @returns {Uint8Array}
 */
export function signinMessage(serverNonce, electionId) {
  const nonce = asBytes(serverNonce, undefined, 'server nonce');
  if (nonce.length < SIGNIN_NONCE_MIN) throw new RangeError(`server nonces must be at least ${SIGNIN_NONCE_MIN} bytes`);
  return hashElements(SIGNIN_TAG, electionId, nonce);
}

/**
 * Answer a sign-in challenge: 64-byte Ed25519 signature over `signinMessage`.
 * @param {Uint8Array} secretKey 64-byte libsodium secret key
 * @param {Uint8Array | string} nonceBytes the server's nonce (bytes or base64url text)
 * @param {string} electionId
 * @returns {Uint8Array}
 */
export function signChallenge(secretKey, nonceBytes, electionId) {
  return sodium().crypto_sign_detached(signinMessage(nonceBytes, electionId), secretKey);
}

/**
 * @param {Uint8Array} publicKey
 * @param {Uint8Array} serverNonce
 * @param {string} electionId
 * @param {Uint8Array} signature
 * @returns {boolean}
 */
export function verifyChallenge(publicKey, serverNonce, electionId, signature) {
  if (!(serverNonce instanceof Uint8Array) || serverNonce.length < SIGNIN_NONCE_MIN) return false;
  return verifyDetached(publicKey, signinMessage(serverNonce, electionId), signature);
}
