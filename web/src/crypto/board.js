// The bulletin board as seen by a voter's device (docs/board-and-credentials.md §2–4,
// docs/election-record.md §4.3–4.4, docs/api.md "Receipt"; voting_engine/core/board.py,
// voting_engine/domain/bulletin.py, voting_engine/service/casting.py):
// board leaves, RFC 9162 Merkle inclusion/consistency verification, signed tree heads, the
// tracking chain and the server-signed receipt.

import { sodium } from './sodium.js';
import { hashElements, sha256 } from './hashing.js';
import { asBytes, b64decode, b64encode, bytesEqual, canonicalJson, concatBytes } from './encoding.js';
import { verifyDetached } from './credentials.js';
import { shortCode, trackingHash } from './ballot.js';

export const HASH_SIZE = 32;
export const LEAF_TAG = 'pbvote/board-leaf/v1';
export const TREE_HEAD_TAG = 'pbvote/tree-head/v1';
export const CHAIN_TAG = 'pbvote/chain/v1';
export const CHAIN_START_TAG = 'pbvote/chain-start/v1';
export const RECEIPT_TAG = 'pbvote/receipt/v1';
export const RECEIPT_KEYS = [
  'chain',
  'election_id',
  'inclusion_proof',
  'position',
  'server_signature',
  'short_code',
  'stage_id',
  'tracking_hash',
  'tree_head',
];
const TREE_HEAD_KEYS = ['log_id', 'root', 'signature', 'timestamp', 'tree_size'];

/** @param {unknown} v */
const isCount = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n);

/**
 * Board leaf data of entry `position`: hash_elements("pbvote/board-leaf/v1", position,
 * tracking_hash, signature) (32 bytes).  Also callable as `leafData(position, envelope)`, which
 * takes the tracking hash and signature of a signed envelope.
 * @param {number | bigint} position
 * @param {Uint8Array | string | Record<string, any>} tracking 32 bytes or base64url (or an envelope)
 * @param {Uint8Array | string} [signature] 64 bytes or base64url
 * @returns {Uint8Array}
 */
export function leafData(position, tracking, signature) {
  if (signature === undefined && tracking && typeof tracking === 'object' && !(tracking instanceof Uint8Array)) {
    const envelope = /** @type {Record<string, any>} */ (tracking);
    return leafData(position, trackingHash(envelope), envelope.signature);
  }
  return hashElements(
    LEAF_TAG,
    position,
    asBytes(/** @type {Uint8Array | string} */ (tracking), 32, 'tracking hash'),
    asBytes(/** @type {Uint8Array | string} */ (signature), 64, 'signature'),
  );
}

/**
 * RFC 9162 leaf hash SHA-256(0x00 ‖ data).
 * @param {Uint8Array} data
 * @returns {Uint8Array}
 */
export function leafHash(data) {
  return sha256(concatBytes(new Uint8Array([0]), data));
}

/**
 * RFC 9162 node hash SHA-256(0x01 ‖ left ‖ right).
 * @param {Uint8Array} left
 * @param {Uint8Array} right
 * @returns {Uint8Array}
 */
export function nodeHash(left, right) {
  return sha256(concatBytes(new Uint8Array([1]), left, right));
}

/** MTH({}) = SHA-256(""). @returns {Uint8Array} */
export function emptyRoot() {
  return sha256(new Uint8Array(0));
}

/**
 * Merkle Tree Hash of a list of leaf hashes (RFC 9162 §2.1.1), by the RFC's recursion.
 * @param {Uint8Array[]} leafHashes
 * @returns {Uint8Array}
 */
export function merkleRoot(leafHashes) {
  const n = leafHashes.length;
  if (n === 0) return emptyRoot();
  if (n === 1) return leafHashes[0];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}

/**
 * @param {Array<Uint8Array | string>} values
 * @returns {Uint8Array[] | null}
 */
function hashList(values) {
  if (!Array.isArray(values)) return null;
  const out = [];
  for (const v of values) {
    try {
      out.push(asBytes(v, HASH_SIZE));
    } catch {
      return null;
    }
  }
  return out;
}

/**
 * RFC 9162 §2.1.3.2 inclusion verification.  `treeSize` and `root` must come from a verified
 * signed tree head.  Hashes may be Uint8Arrays or base64url text.
 * @param {Uint8Array | string} leaf the leaf hash
 * @param {number | bigint} index
 * @param {number | bigint} treeSize
 * @param {Array<Uint8Array | string>} proof
 * @param {Uint8Array | string} root
 * @returns {boolean}
 */
export function verifyInclusion(leaf, index, treeSize, proof, root) {
  const values = hashList([leaf, root]);
  const path = hashList(proof);
  if (!values || !path || !isCount(index) || !isCount(treeSize)) return false;
  let fn = BigInt(index);
  let sn = BigInt(treeSize) - 1n;
  if (fn > sn) return false;
  let r = values[0];
  for (const p of path) {
    if (sn === 0n) return false;
    if (fn & 1n || fn === sn) {
      r = nodeHash(p, r);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(r, values[1]);
}

/**
 * RFC 9162 §2.1.4.2 consistency verification, with the trivial cases old = 0 and old = new.
 * @param {number | bigint} oldSize
 * @param {number | bigint} newSize
 * @param {Uint8Array | string} oldRoot
 * @param {Uint8Array | string} newRoot
 * @param {Array<Uint8Array | string>} proof
 * @returns {boolean}
 */
export function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
  const roots = hashList([oldRoot, newRoot]);
  const path = hashList(proof);
  if (!roots || !path || !isCount(oldSize) || !isCount(newSize)) return false;
  const m = BigInt(oldSize);
  const n = BigInt(newSize);
  if (m > n) return false;
  const [oldR, newR] = roots;
  if (m === 0n) return path.length === 0 && bytesEqual(oldR, emptyRoot());
  if (m === n) return path.length === 0 && bytesEqual(oldR, newR);
  if (path.length === 0) return false;
  if ((m & (m - 1n)) === 0n) path.unshift(oldR);
  let fn = m - 1n;
  let sn = n - 1n;
  while (fn & 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (fn & 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return bytesEqual(fr, oldR) && bytesEqual(sr, newR) && sn === 0n;
}

/**
 * Signing bytes of a tree head: hash_elements("pbvote/tree-head/v1", log_id, tree_size, root,
 * timestamp).
 * @param {Record<string, any>} head {log_id, tree_size, root (bytes or base64url), timestamp}
 * @returns {Uint8Array}
 */
export function treeHeadDigest(head) {
  return hashElements(TREE_HEAD_TAG, head.log_id, head.tree_size, asBytes(head.root, HASH_SIZE, 'root'), head.timestamp);
}

/**
 * Strict check of a signed tree head's JSON form (exactly the five keys).
 * @param {unknown} sth
 * @returns {string | null} a problem, or null
 */
function treeHeadProblem(sth) {
  if (!sth || typeof sth !== 'object' || Array.isArray(sth)) return 'a tree head is an object';
  const obj = /** @type {Record<string, unknown>} */ (sth);
  const keys = Object.keys(obj).sort();
  if (keys.length !== TREE_HEAD_KEYS.length || keys.some((k, i) => k !== TREE_HEAD_KEYS[i])) {
    return `a signed tree head has exactly the keys ${TREE_HEAD_KEYS.join(', ')}`;
  }
  if (typeof obj.log_id !== 'string' || !obj.log_id) return 'log_id must be a non-empty string';
  if (!isCount(obj.tree_size) || !isCount(obj.timestamp)) return 'tree_size and timestamp must be non-negative integers';
  try {
    b64decode(/** @type {string} */ (obj.root), HASH_SIZE);
    b64decode(/** @type {string} */ (obj.signature), 64);
  } catch (err) {
    return `root or signature: ${/** @type {Error} */ (err).message}`;
  }
  return null;
}

/**
 * True when `sth` ({log_id, tree_size, root, timestamp, signature}) is well formed and signed by
 * the board key (Ed25519; bytes or base64url).
 * @param {Record<string, any>} sth
 * @param {Uint8Array | string} boardKey
 * @returns {boolean}
 */
export function verifyTreeHead(sth, boardKey) {
  if (treeHeadProblem(sth)) return false;
  let key;
  try {
    key = asBytes(boardKey, 32, 'board key');
  } catch {
    return false;
  }
  return verifyDetached(key, treeHeadDigest(sth), b64decode(sth.signature, 64));
}

/**
 * chain_start = hash_elements("pbvote/chain-start/v1", context_hash)
 * @param {Uint8Array | string} ctxHash
 * @returns {Uint8Array}
 */
export function chainStart(ctxHash) {
  return hashElements(CHAIN_START_TAG, asBytes(ctxHash, 32, 'context hash'));
}

/**
 * chain_i = hash_elements("pbvote/chain/v1", chain_{i−1}, tracking_hash_i)
 * @param {Uint8Array | string} previous
 * @param {Uint8Array | string} tracking
 * @returns {Uint8Array}
 */
export function chainNext(previous, tracking) {
  return hashElements(CHAIN_TAG, asBytes(previous, 32, 'chain value'), asBytes(tracking, 32, 'tracking hash'));
}

/**
 * The digest the board key signs in a receipt:
 * hash_elements("pbvote/receipt/v1", canonical_json(receipt without server_signature)).
 * @param {Record<string, any>} receipt
 * @returns {Uint8Array}
 */
export function receiptDigest(receipt) {
  /** @type {Record<string, any>} */
  const body = {};
  for (const [k, v] of Object.entries(receipt)) if (k !== 'server_signature') body[k] = v;
  return hashElements(RECEIPT_TAG, canonicalJson(body));
}

/**
 * Check a cast receipt against the envelope the device submitted: ids, tracking hash and short
 * code, the board leaf and its RFC 9162 inclusion under the receipt's tree head, the tree head's
 * signature and the server's signature over the receipt — all with the board key.  Without a
 * usable board key the other checks still run and a `board_key` problem makes `ok` false.
 * With `options.context` (or `options.contextHash`), also that the tree head's log_id is the
 * stage's base64url context hash; with `options.previousChain`, that `chain` extends it.
 * @param {Record<string, any>} receipt
 * @param {Record<string, any>} envelope
 * @param {Uint8Array | string} boardKey
 * @param {{contextHash?: Uint8Array | string, context?: {hash: Uint8Array}, previousChain?: Uint8Array | string}} [options]
 * @returns {{ok: boolean, problems: {code: string, message: string}[]}}
 */
export function verifyReceipt(receipt, envelope, boardKey, options = {}) {
  /** @type {{code: string, message: string}[]} */
  const problems = [];
  const fail = (/** @type {string} */ code, /** @type {string} */ message) => {
    problems.push({ code, message });
    return { ok: false, problems };
  };
  if (!receipt || typeof receipt !== 'object' || Array.isArray(receipt)) return fail('schema', 'a receipt is an object');
  const keys = Object.keys(receipt).sort();
  if (keys.length !== RECEIPT_KEYS.length || keys.some((k, i) => k !== RECEIPT_KEYS[i])) {
    return fail('schema', `a receipt has exactly the keys ${RECEIPT_KEYS.join(', ')}`);
  }
  /** @type {Uint8Array | null} */
  let key = null;
  try {
    key = asBytes(boardKey, 32, 'board key');
  } catch (err) {
    // still run the checks that need no key, but the receipt is not verified
    problems.push({ code: 'board_key', message: `no usable board key, signatures not checked: ${/** @type {Error} */ (err).message}` });
  }
  const headProblem = treeHeadProblem(receipt.tree_head);
  if (headProblem) return fail('schema', `tree_head: ${headProblem}`);
  if (!isCount(receipt.position)) return fail('schema', 'position must be a non-negative integer');
  let tracking;
  let signature;
  let receiptTracking;
  let serverSignature;
  try {
    tracking = trackingHash(envelope);
    signature = b64decode(envelope.signature, 64);
    receiptTracking = b64decode(receipt.tracking_hash, HASH_SIZE);
    serverSignature = b64decode(receipt.server_signature, 64);
    b64decode(receipt.chain, HASH_SIZE);
  } catch (err) {
    return fail('schema', /** @type {Error} */ (err).message);
  }
  if (!Array.isArray(receipt.inclusion_proof)) return fail('schema', 'inclusion_proof must be a list');

  if (receipt.election_id !== envelope.election_id || receipt.stage_id !== envelope.stage_id) {
    problems.push({ code: 'ids', message: 'the receipt names another election or stage than the ballot' });
  }
  if (!bytesEqual(receiptTracking, tracking)) {
    problems.push({ code: 'tracking_hash', message: "the receipt's tracking hash is not the ballot's" });
  }
  if (receipt.short_code !== shortCode(tracking)) {
    problems.push({ code: 'short_code', message: "the receipt's short code is not the ballot's" });
  }
  const head = receipt.tree_head;
  const leaf = leafHash(leafData(receipt.position, tracking, signature));
  if (!verifyInclusion(leaf, receipt.position, head.tree_size, receipt.inclusion_proof, head.root)) {
    problems.push({ code: 'inclusion', message: "the ballot's leaf is not included under the receipt's tree head" });
  }
  if (key && !verifyTreeHead(head, key)) {
    problems.push({ code: 'tree_head_signature', message: 'the tree head is not signed by the board key' });
  }
  if (key && !verifyDetached(key, receiptDigest(receipt), serverSignature)) {
    problems.push({ code: 'server_signature', message: 'the receipt is not signed by the board key' });
  }
  const ctxHash = options.contextHash ?? options.context?.hash;
  if (ctxHash !== undefined && head.log_id !== b64encode(asBytes(ctxHash, 32, 'context hash'))) {
    problems.push({ code: 'log_id', message: "the tree head's log is not this stage's board" });
  }
  if (options.previousChain !== undefined && receipt.chain !== b64encode(chainNext(options.previousChain, tracking))) {
    problems.push({ code: 'chain', message: 'the chain value does not extend the previous one with this ballot' });
  }
  return { ok: problems.length === 0, problems };
}

/**
 * Sign a tree head (for tests and tools that run a board; the board key is a 64-byte libsodium
 * secret key).
 * @param {{log_id: string, tree_size: number, root: Uint8Array | string, timestamp: number}} head
 * @param {Uint8Array} secretKey
 * @returns {Record<string, any>}
 */
export function signTreeHead(head, secretKey) {
  const root = asBytes(head.root, HASH_SIZE, 'root');
  const signature = sodium().crypto_sign_detached(treeHeadDigest({ ...head, root }), secretKey);
  return { log_id: head.log_id, tree_size: head.tree_size, root: b64encode(root), timestamp: head.timestamp, signature: b64encode(signature) };
}
