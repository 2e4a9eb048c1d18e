// Zero-knowledge proofs with strong Fiat–Shamir (docs/protocol.md §3 and §5;
// voting_engine/core/proofs/*.py): Schnorr (§5.1), Chaum–Pedersen (§5.2), the disjunctive CDS
// range proof (§5.3) and the weighted-sum proof with bit decomposition and the nonce trick (§5.4).
//
// Parsed proofs hold BigInts: challenges c (128-bit) and responses v (scalars mod L).
// `*FromJson` functions parse strictly and throw (ProofFormatError, EncodingError, ScalarError,
// PointError); `verify*` functions return booleans.

import { hashElements } from './hashing.js';
import { b64decode, b64encode } from './encoding.js';
import {
  L,
  baseMul,
  bigIntToBytesLE,
  bytesToBigIntLE,
  decodeScalar,
  encodeScalar,
  invertL,
  modL,
  plaintextPoint,
  pointMul,
  pointSub,
  randomBits,
  randomScalar,
} from './group.js';
import {
  addCiphertexts,
  ciphertextFromJson,
  ciphertextToJson,
  ciphertextsEqual,
  encrypt,
  minusPlaintext,
  scaleCiphertext,
  zeroCiphertext,
} from './elgamal.js';
import { ProofFormatError } from './errors.js';

/** @typedef {import('./elgamal.js').Ciphertext} Ciphertext */
/** @typedef {{c: bigint, v: bigint}} SimpleProof  Schnorr or Chaum–Pedersen */
/** @typedef {{c: bigint[], v: bigint[]}} RangeProof */
/** @typedef {{cds: RangeProof} | {bits: Ciphertext[], bitProofs: RangeProof[]}} SumProof */

export const CHALLENGE_BYTES = 16;
export const CHALLENGE_MODULUS = 1n << 128n;
export const CDS_LIMIT = 8;
export const MAX_BRANCHES = 64;
export const SCHNORR_TAG = 'pbvote/proof/schnorr/v1';
export const CHAUM_PEDERSEN_TAG = 'pbvote/proof/chaum-pedersen/v1';
export const RANGE_TAG = 'pbvote/proof/range/v1';

// ---------------------------------------------------------------------------------------------
// Challenges

/**
 * The 128-bit challenge: first 16 bytes (little-endian) of hash_elements(tag, ctx, elements…).
 * @param {string} tag
 * @param {Uint8Array} contextHash
 * @param {...import('./hashing.js').Element} elements
 * @returns {bigint}
 */
export function challenge(tag, contextHash, ...elements) {
  return bytesToBigIntLE(hashElements(tag, contextHash, ...elements).subarray(0, CHALLENGE_BYTES));
}

/**
 * @param {bigint} value
 * @returns {string} 16 bytes little-endian, base64url
 */
export function encodeChallenge(value) {
  return b64encode(bigIntToBytesLE(value, CHALLENGE_BYTES));
}

/**
 * @param {string} text
 * @returns {bigint}
 */
export function decodeChallenge(text) {
  return bytesToBigIntLE(b64decode(text, CHALLENGE_BYTES));
}

// ---------------------------------------------------------------------------------------------
// Schnorr (§5.1) and Chaum–Pedersen (§5.2)

/**
 * @param {unknown} value
 * @returns {SimpleProof}
 */
export function simpleProofFromJson(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ProofFormatError('schema', 'a proof is {c, v}');
  const obj = /** @type {Record<string, unknown>} */ (value);
  if (typeof obj.c !== 'string' || typeof obj.v !== 'string') throw new ProofFormatError('schema', 'a proof is {c, v}');
  return { c: decodeChallenge(obj.c), v: decodeScalar(obj.v) };
}

/**
 * @param {SimpleProof} proof
 * @returns {{c: string, v: string}}
 */
export function simpleProofToJson(proof) {
  return { c: encodeChallenge(proof.c), v: encodeScalar(proof.v) };
}

/**
 * Prove knowledge of `secret` with public = secret·G.
 * @param {Uint8Array} contextHash
 * @param {bigint} secret
 * @param {Uint8Array} publicPoint
 * @param {string} [label]
 * @returns {SimpleProof}
 */
export function proveKnowledge(contextHash, secret, publicPoint, label = '') {
  const w = randomScalar();
  const c = challenge(SCHNORR_TAG, contextHash, label, publicPoint, baseMul(w));
  return { c, v: modL(w + secret * c) };
}

/**
 * Schnorr verification: A = v·G − c·X; accept iff c = challenge(tag, ctx, ℓ, X, A).
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} publicPoint
 * @param {SimpleProof} proof
 * @param {string} [label]
 * @returns {boolean}
 */
export function verifyKnowledge(contextHash, publicPoint, proof, label = '') {
  if (!(proof.c >= 0n && proof.c < CHALLENGE_MODULUS && proof.v >= 0n && proof.v < L)) return false;
  const commitment = pointSub(baseMul(proof.v), pointMul(publicPoint, proof.c));
  return challenge(SCHNORR_TAG, contextHash, label, publicPoint, commitment) === proof.c;
}

/**
 * Prove log_{b1} p1 = log_{b2} p2 = secret.
 * @param {Uint8Array} contextHash
 * @param {bigint} secret
 * @param {Uint8Array} b1
 * @param {Uint8Array} p1
 * @param {Uint8Array} b2
 * @param {Uint8Array} p2
 * @param {string} [label]
 * @returns {SimpleProof}
 */
export function proveEquality(contextHash, secret, b1, p1, b2, p2, label = '') {
  const w = randomScalar();
  const c = challenge(CHAUM_PEDERSEN_TAG, contextHash, label, b1, p1, b2, p2, pointMul(b1, w), pointMul(b2, w));
  return { c, v: modL(w + secret * c) };
}

/**
 * Chaum–Pedersen verification: a = v·B1 − c·P1, b = v·B2 − c·P2.
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} b1
 * @param {Uint8Array} p1
 * @param {Uint8Array} b2
 * @param {Uint8Array} p2
 * @param {SimpleProof} proof
 * @param {string} [label]
 * @returns {boolean}
 */
export function verifyEquality(contextHash, b1, p1, b2, p2, proof, label = '') {
  if (!(proof.c >= 0n && proof.c < CHALLENGE_MODULUS && proof.v >= 0n && proof.v < L)) return false;
  const a = pointSub(pointMul(b1, proof.v), pointMul(p1, proof.c));
  const b = pointSub(pointMul(b2, proof.v), pointMul(p2, proof.c));
  return challenge(CHAUM_PEDERSEN_TAG, contextHash, label, b1, p1, b2, p2, a, b) === proof.c;
}

// ---------------------------------------------------------------------------------------------
// Disjunctive range proof (§5.3)

/**
 * @param {number} lo
 * @param {number} hi
 * @returns {boolean}
 */
function rangeOk(lo, hi) {
  return Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo >= 0 && hi >= lo && hi - lo + 1 <= MAX_BRANCHES;
}

/**
 * j·G (cached for small j).
 * @param {number} j
 * @returns {Uint8Array}
 */
function valuePoint(j) {
  return j < 4096 ? plaintextPoint(j) : baseMul(BigInt(j));
}

/**
 * Prove that `ciphertext` (encrypting `message` with `nonce`) holds a value in [lo, hi].
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} publicKey
 * @param {Ciphertext} ciphertext
 * @param {number} message
 * @param {bigint} nonce
 * @param {number} lo
 * @param {number} hi
 * @returns {RangeProof}
 */
export function proveRange(contextHash, publicKey, ciphertext, message, nonce, lo, hi) {
  if (!rangeOk(lo, hi)) throw new RangeError(`invalid range [${lo}, ${hi}] (at most ${MAX_BRANCHES} values)`);
  if (!(message >= lo && message <= hi)) {
    throw new RangeError(`plaintext ${message} is outside [${lo}, ${hi}]; an honest proof is impossible`);
  }
  const { alpha, beta } = ciphertext;
  /** @type {Uint8Array[]} */
  const commitments = [];
  /** @type {bigint[]} */
  const cs = [];
  /** @type {bigint[]} */
  const vs = [];
  const w = randomScalar();
  for (let j = lo; j <= hi; j++) {
    if (j === message) {
      commitments.push(baseMul(w), pointMul(publicKey, w));
      cs.push(0n);
      vs.push(w);
    } else {
      // Simulated branch.  The verifier will compute a_j = v_j·G − c_j·α and
      // b_j = v_j·K − c_j·(β − j·G).  The prover knows α = r·G and β = m·G + r·K, so the same
      // points are a_j = (v_j − c_j·r)·G and b_j = (v_j − c_j·r)·K − (c_j·(m − j))·G: two
      // fixed-base and one variable-base multiplication instead of one and three.
      const cj = randomBits(CHALLENGE_BYTES);
      const vj = randomScalar();
      const t = modL(vj - cj * nonce);
      commitments.push(baseMul(t), pointSub(pointMul(publicKey, t), baseMul(modL(cj * BigInt(message - j)))));
      cs.push(cj);
      vs.push(vj);
    }
  }
  const c = challenge(RANGE_TAG, contextHash, publicKey, lo, hi, alpha, beta, ...commitments);
  const index = message - lo;
  let others = 0n;
  for (const x of cs) others += x;
  cs[index] = (((c - others) % CHALLENGE_MODULUS) + CHALLENGE_MODULUS) % CHALLENGE_MODULUS;
  vs[index] = modL(w + nonce * cs[index]);
  return { c: cs, v: vs };
}

/**
 * Check a range proof: a_j = v_j·G − c_j·α, b_j = v_j·K − c_j·(β − j·G); accept iff every
 * c_j < 2^128 and Σ c_j mod 2^128 = challenge(tag, ctx, K, lo, hi, α, β, a_lo, b_lo, …).
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} publicKey
 * @param {Ciphertext} ciphertext
 * @param {RangeProof} proof
 * @param {number} lo
 * @param {number} hi
 * @returns {boolean}
 */
export function verifyRange(contextHash, publicKey, ciphertext, proof, lo, hi) {
  if (!rangeOk(lo, hi)) return false;
  const n = hi - lo + 1;
  if (proof.c.length !== n || proof.v.length !== n) return false;
  const { alpha, beta } = ciphertext;
  /** @type {Uint8Array[]} */
  const commitments = [];
  let total = 0n;
  for (let offset = 0; offset < n; offset++) {
    const cj = proof.c[offset];
    const vj = proof.v[offset];
    if (!(cj >= 0n && cj < CHALLENGE_MODULUS && vj >= 0n && vj < L)) return false;
    const j = lo + offset;
    const shifted = j === 0 ? beta : pointSub(beta, valuePoint(j));
    commitments.push(pointSub(baseMul(vj), pointMul(alpha, cj)), pointSub(pointMul(publicKey, vj), pointMul(shifted, cj)));
    total += cj;
  }
  const c = challenge(RANGE_TAG, contextHash, publicKey, lo, hi, alpha, beta, ...commitments);
  return c === total % CHALLENGE_MODULUS;
}

/**
 * Strict parse of {c: [...], v: [...]} (exactly these keys, equal non-empty lengths).
 * @param {unknown} value
 * @returns {RangeProof}
 */
export function rangeProofFromJson(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProofFormatError('schema', 'a range proof is an object with keys c and v');
  }
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes('c') || !keys.includes('v')) {
    throw new ProofFormatError('schema', 'a range proof is an object with keys c and v');
  }
  const { c, v } = /** @type {{c: unknown, v: unknown}} */ (value);
  if (!Array.isArray(c) || !Array.isArray(v) || c.length !== v.length || c.length === 0) {
    throw new ProofFormatError('schema', 'range proof lists c and v must be non-empty and of equal length');
  }
  return {
    c: c.map((x) => {
      if (typeof x !== 'string') throw new ProofFormatError('schema', 'a challenge is base64url text');
      return decodeChallenge(x);
    }),
    v: v.map((x) => {
      if (typeof x !== 'string') throw new ProofFormatError('schema', 'a response is base64url text');
      return decodeScalar(x);
    }),
  };
}

/**
 * @param {RangeProof} proof
 * @returns {{c: string[], v: string[]}}
 */
export function rangeProofToJson(proof) {
  return { c: proof.c.map(encodeChallenge), v: proof.v.map(encodeScalar) };
}

// ---------------------------------------------------------------------------------------------
// Weighted-sum proof (§5.4)

/**
 * @param {bigint} x (x ≥ 1)
 * @returns {number}
 */
function bitLength(x) {
  return x.toString(2).length;
}

/**
 * Weights u_j whose 0/1 combinations are exactly the integers of [0, span] (span ≥ 1):
 * 2^j for j < k−1 and span − (2^(k−1) − 1), with k = bitlength(span).
 * @param {bigint | number} span
 * @returns {bigint[]}
 */
export function bitWeights(span) {
  const s = BigInt(span);
  const k = bitLength(s);
  const out = [];
  for (let j = 0; j < k - 1; j++) out.push(1n << BigInt(j));
  out.push(s - ((1n << BigInt(k - 1)) - 1n));
  return out;
}

/**
 * Bits b_j with Σ u_j·b_j = value for the weights of `bitWeights(span)`.
 * @param {bigint | number} value
 * @param {bigint | number} span
 * @returns {number[]}
 */
export function decompose(value, span) {
  const weights = bitWeights(span);
  const k = weights.length;
  const v = BigInt(value);
  const top = v >= 1n << BigInt(k - 1) ? 1n : 0n;
  const rest = v - top * weights[k - 1];
  const bits = [];
  for (let j = 0; j < k - 1; j++) bits.push(Number((rest >> BigInt(j)) & 1n));
  bits.push(Number(top));
  return bits;
}

/**
 * Σ w_i·E_i, multiplying only where a weight is not 0 or ±1.
 * @param {Ciphertext[]} ciphertexts
 * @param {(number | bigint)[]} weights
 * @returns {Ciphertext}
 */
export function combineWeighted(ciphertexts, weights) {
  if (ciphertexts.length !== weights.length) throw new RangeError('ciphertexts and weights differ in length');
  let total = zeroCiphertext();
  for (let i = 0; i < ciphertexts.length; i++) {
    if (BigInt(weights[i]) !== 0n) total = addCiphertexts(total, scaleCiphertext(ciphertexts[i], weights[i]));
  }
  return total;
}

/**
 * Σ u_j·B_j by Horner's rule (doublings for the powers of two, one scaling for the top weight).
 * @param {Ciphertext[]} bits
 * @param {bigint | number} span
 * @returns {Ciphertext}
 */
export function combineBits(bits, span) {
  const weights = bitWeights(span);
  let acc = zeroCiphertext();
  for (let j = bits.length - 2; j >= 0; j--) acc = addCiphertexts(addCiphertexts(acc, acc), bits[j]);
  return addCiphertexts(acc, scaleCiphertext(bits[bits.length - 1], weights[weights.length - 1]));
}

/**
 * Prove lo ≤ Σ w_i·m_i ≤ hi for encryptions of `messages` with `nonces`.
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} publicKey
 * @param {Ciphertext[]} ciphertexts
 * @param {(number | bigint)[]} weights
 * @param {number[]} messages
 * @param {bigint[]} nonces
 * @param {number} lo
 * @param {number} hi
 * @returns {SumProof}
 */
export function proveWeightedSum(contextHash, publicKey, ciphertexts, weights, messages, nonces, lo, hi) {
  if (ciphertexts.length !== weights.length || messages.length !== weights.length || nonces.length !== weights.length) {
    throw new RangeError('ciphertexts, weights, messages and nonces must have equal lengths');
  }
  let totalBig = 0n;
  let nonceSum = 0n;
  for (let i = 0; i < weights.length; i++) {
    const w = BigInt(weights[i]);
    totalBig += w * BigInt(messages[i]);
    nonceSum += w * nonces[i];
  }
  if (totalBig < BigInt(lo) || totalBig > BigInt(hi)) {
    throw new RangeError(`weighted sum ${totalBig} is outside [${lo}, ${hi}]`);
  }
  const nonce = modL(nonceSum);
  const aggregate = combineWeighted(ciphertexts, weights);
  const span = hi - lo;
  if (span + 1 <= CDS_LIMIT) {
    return { cds: proveRange(contextHash, publicKey, aggregate, Number(totalBig), nonce, lo, hi) };
  }
  const weightsU = bitWeights(span);
  const bitValues = decompose(totalBig - BigInt(lo), span);
  /** @type {bigint[]} */
  const bitNonces = [];
  let partial = 0n;
  for (let j = 0; j < weightsU.length - 1; j++) {
    const r = randomScalar();
    bitNonces.push(r);
    partial += weightsU[j] * r;
  }
  bitNonces.push(modL((nonce - partial) * invertL(weightsU[weightsU.length - 1])));
  const bits = bitValues.map((b, j) => encrypt(publicKey, b, bitNonces[j]));
  const bitProofs = bits.map((ct, j) => proveRange(contextHash, publicKey, ct, bitValues[j], bitNonces[j], 0, 1));
  return { bits, bitProofs };
}

/**
 * Check lo ≤ Σ w_i·m_i ≤ hi from the ciphertexts alone.
 * @param {Uint8Array} contextHash
 * @param {Uint8Array} publicKey
 * @param {Ciphertext[]} ciphertexts
 * @param {(number | bigint)[]} weights
 * @param {SumProof} proof
 * @param {number} lo
 * @param {number} hi
 * @returns {boolean}
 */
export function verifyWeightedSum(contextHash, publicKey, ciphertexts, weights, proof, lo, hi) {
  if (ciphertexts.length !== weights.length) return false;
  if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo >= 0 && hi >= lo)) return false;
  const aggregate = combineWeighted(ciphertexts, weights);
  const span = hi - lo;
  if (span + 1 <= CDS_LIMIT) {
    return 'cds' in proof && verifyRange(contextHash, publicKey, aggregate, proof.cds, lo, hi);
  }
  if ('cds' in proof) return false;
  const { bits, bitProofs } = proof;
  if (bits.length !== bitWeights(span).length || bitProofs.length !== bits.length) return false;
  if (!ciphertextsEqual(combineBits(bits, span), minusPlaintext(aggregate, lo))) return false;
  return bits.every((bit, j) => verifyRange(contextHash, publicKey, bit, bitProofs[j], 0, 1));
}

/**
 * Parse {c, v} (one disjunctive proof) or {bits, bit_proofs} (Python `SumProof.from_json`).
 * @param {unknown} value
 * @returns {SumProof}
 */
export function sumProofFromJson(value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 2 && keys[0] === 'c' && keys[1] === 'v') return { cds: rangeProofFromJson(value) };
    if (keys.length === 2 && keys[0] === 'bit_proofs' && keys[1] === 'bits') {
      const { bits, bit_proofs: proofs } = /** @type {{bits: unknown, bit_proofs: unknown}} */ (value);
      if (!Array.isArray(bits) || !Array.isArray(proofs) || bits.length !== proofs.length) {
        throw new ProofFormatError('schema', 'bits and bit_proofs must be lists of equal length');
      }
      return { bits: bits.map((b) => ciphertextFromJson(b)), bitProofs: proofs.map((p) => rangeProofFromJson(p)) };
    }
  }
  throw new ProofFormatError('schema', 'a sum proof is {c, v} (one disjunctive proof) or {bits, bit_proofs}');
}

/**
 * @param {SumProof} proof
 * @returns {object}
 */
export function sumProofToJson(proof) {
  if ('cds' in proof) return rangeProofToJson(proof.cds);
  return { bits: proof.bits.map(ciphertextToJson), bit_proofs: proof.bitProofs.map(rangeProofToJson) };
}
