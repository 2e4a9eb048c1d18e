// The election context every challenge is bound to (docs/protocol.md §3;
// voting_engine/core/context.py, voting_engine/domain/manifest.py):
//   manifest_hash = hash_elements("pbvote/manifest/v1", canonical_json(manifest))
//   stage_hash    = hash_elements("pbvote/stage/v1", canonical_json(stage_definition))
//   context_hash  = hash_elements("pbvote/context/v1", "edwards25519", G, H, K, manifest_hash,
//                                 election_id, stage_id, stage_hash)

import { hashElements } from './hashing.js';
import { asBytes, b64encode, bytesEqual, canonicalJson } from './encoding.js';
import { G, GROUP_NAME, generatorH, parsePoint } from './group.js';
import { CodedError } from './errors.js';

export const CONTEXT_TAG = 'pbvote/context/v1';
export const CEREMONY_TAG = 'pbvote/ceremony-context/v1';
export const MANIFEST_TAG = 'pbvote/manifest/v1';
export const STAGE_TAG = 'pbvote/stage/v1';

/**
 * @typedef {object} ElectionContext
 * @property {string} electionId
 * @property {string} stageId
 * @property {Uint8Array} manifestHash
 * @property {Uint8Array} jointKey   the joint ElGamal public key K
 * @property {Uint8Array} stageHash  (may be empty)
 * @property {Uint8Array} hash       the context hash
 */

/**
 * @param {unknown} manifest
 * @returns {Uint8Array}
 */
export function manifestHash(manifest) {
  return hashElements(MANIFEST_TAG, canonicalJson(manifest));
}

/**
 * @param {unknown} definition the resolved stage definition (stage.json)
 * @returns {Uint8Array}
 */
export function stageHash(definition) {
  return hashElements(STAGE_TAG, canonicalJson(definition));
}

/**
 * The context hash of protocol §3.  Binary fields are Uint8Array or base64url text.
 * @param {{electionId: string, stageId: string, manifestHash: Uint8Array | string,
 *          jointKey: Uint8Array | string, stageHash?: Uint8Array | string}} fields
 * @returns {Uint8Array}
 */
export function contextHash({ electionId, stageId, manifestHash: mh, jointKey, stageHash: sh }) {
  if (typeof electionId !== 'string' || typeof stageId !== 'string') {
    throw new TypeError('electionId and stageId must be strings');
  }
  return hashElements(
    CONTEXT_TAG,
    GROUP_NAME,
    G,
    generatorH(),
    asBytes(jointKey, 32, 'jointKey'),
    asBytes(mh, undefined, 'manifestHash'),
    electionId,
    stageId,
    sh === undefined || sh === null ? new Uint8Array(0) : asBytes(sh, undefined, 'stageHash'),
  );
}

/**
 * Context of key-ceremony proofs.
 * @param {string} electionId
 * @param {Uint8Array | string} mh manifest hash
 * @param {number} trustees
 * @param {number} threshold
 * @returns {Uint8Array}
 */
export function ceremonyContextHash(electionId, mh, trustees, threshold) {
  return hashElements(CEREMONY_TAG, GROUP_NAME, G, generatorH(), asBytes(mh), electionId, trustees, threshold);
}

/**
 * @param {Record<string, any>} obj
 * @param {string[]} names
 * @returns {any}
 */
function pick(obj, names) {
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

/**
 * Normalise a context given in camelCase ({electionId, stageId, manifestHash, jointKey,
 * stageHash}), in the test-vector form ({election_id, stage_id, manifest_hash, public_key,
 * stage_hash, hash}) or as the API's stage answer ({…, joint_public_key, context_hash}).
 * The joint key is validated as a subgroup point.  A missing stage hash is computed from
 * `definition` when given; a given context hash must equal the recomputed one.
 * @param {ElectionContext | Record<string, any>} input
 * @param {unknown} [definition]
 * @returns {ElectionContext}
 */
export function makeContext(input, definition) {
  if (!input || typeof input !== 'object') throw new TypeError('a context is an object');
  const obj = /** @type {Record<string, any>} */ (input);
  const electionId = pick(obj, ['electionId', 'election_id']);
  const stageId = pick(obj, ['stageId', 'stage_id']);
  const mh = asBytes(pick(obj, ['manifestHash', 'manifest_hash']), undefined, 'manifestHash');
  const jointKey = parsePoint(asBytes(pick(obj, ['jointKey', 'publicKey', 'joint_public_key', 'public_key']), 32, 'jointKey'));
  let sh = pick(obj, ['stageHash', 'stage_hash']);
  if (sh === undefined && definition !== undefined) sh = stageHash(definition);
  const stageHashBytes = sh === undefined ? new Uint8Array(0) : asBytes(sh, undefined, 'stageHash');
  const hash = contextHash({ electionId, stageId, manifestHash: mh, jointKey, stageHash: stageHashBytes });
  const given = pick(obj, ['hash', 'contextHash', 'context_hash']);
  if (given !== undefined && !bytesEqual(asBytes(given, 32, 'context hash'), hash)) {
    throw new CodedError('context_mismatch', 'the given context hash does not match its fields');
  }
  return { electionId, stageId, manifestHash: mh, jointKey, stageHash: stageHashBytes, hash };
}

/**
 * Serialisable (base64url) form of a normalised context, in the test-vector layout.
 * @param {ElectionContext} ctx
 * @returns {Record<string, string>}
 */
export function contextToJson(ctx) {
  const encode = b64encode;
  return {
    election_id: ctx.electionId,
    stage_id: ctx.stageId,
    manifest_hash: encode(ctx.manifestHash),
    public_key: encode(ctx.jointKey),
    stage_hash: encode(ctx.stageHash),
    hash: encode(ctx.hash),
  };
}
