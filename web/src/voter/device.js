// The voter's device: everything that touches the credential key or a ballot's secrets goes
// through here, using the crypto module (web/src/crypto). The credential code is parsed and
// turned into a key pair; the code itself is never sent, never stored and not kept.
import * as crypto from '../crypto/index.js';

export { crypto };

/** Load libsodium (WebAssembly). */
export async function ready() {
  await crypto.ready();
}

/** bytes | base64url text → base64url text */
function b64(value) {
  return typeof value === 'string' ? value : crypto.b64encode(value);
}

/**
 * The credential code from typed or scanned text: a bare code, or a voting URL with #code=….
 * @param {string} text
 */
export function codeFromText(text) {
  const raw = String(text || '').trim();
  const at = raw.indexOf('#code=');
  if (at >= 0) {
    try {
      return decodeURIComponent(raw.slice(at + 6).split('&')[0]);
    } catch {
      return raw.slice(at + 6);
    }
  }
  return raw;
}

/**
 * Parse the code and derive the key pair. Throws {code, message} for a malformed code.
 * @param {string} text
 * @returns {{publicKey: Uint8Array, secretKey: Uint8Array, credential: string}}
 */
export function keyPairFromCode(text) {
  const code = crypto.parseCode(codeFromText(text));
  const pair = crypto.deriveKeyPair(code);
  return { publicKey: pair.publicKey, secretKey: pair.secretKey, credential: crypto.b64encode(pair.publicKey) };
}

/** Overwrite the secret key in memory. */
export function forgetKey(keyPair) {
  if (keyPair && keyPair.secretKey && typeof keyPair.secretKey.fill === 'function') keyPair.secretKey.fill(0);
}

/** Signature over the server's sign-in nonce, base64url. */
export function signChallenge(keyPair, nonce, electionId) {
  const nonceBytes = typeof nonce === 'string' ? crypto.b64decode(nonce) : nonce;
  return b64(crypto.signChallenge(keyPair.secretKey, nonceBytes, electionId));
}

/** The encryption context of a stage from GET /stages/{s}. */
export function contextOf(stageInfo) {
  return {
    electionId: stageInfo.election_id,
    stageId: stageInfo.stage_id,
    manifestHash: stageInfo.manifest_hash,
    jointKey: stageInfo.joint_public_key,
    stageHash: stageInfo.stage_hash,
  };
}

const schemes = new WeakMap();
/** The scheme object of a stage definition (cached). */
export function schemeOf(definition) {
  let scheme = schemes.get(definition);
  if (!scheme) {
    scheme = crypto.makeScheme(definition);
    schemes.set(definition, scheme);
  }
  return scheme;
}

/** null when the choice is valid, else {code, message}. */
export function validateChoice(definition, choice) {
  try {
    return schemeOf(definition).validateChoice(choice) || null;
  } catch (exc) {
    return { code: exc.code || 'schema', message: exc.message || String(exc) };
  }
}

/**
 * Encrypt, prove and sign a ballot on this device.
 * @returns {{envelope: any, opening: any, trackingHash: string, shortCode: string}}
 */
export function seal(stageInfo, choice, keyPair) {
  const sealed = crypto.encryptBallot({
    definition: stageInfo.definition,
    context: contextOf(stageInfo),
    choice,
    keyPair,
  });
  return {
    envelope: sealed.envelope,
    opening: sealed.opening,
    trackingHash: b64(sealed.trackingHash),
    shortCode: sealed.shortCode,
  };
}

/** The opening in the API's JSON form: {vector: [ints], nonces: [base64url scalars]}. */
export function openingJson(opening) {
  return {
    vector: Array.from(opening.vector, (x) => Number(x)),
    nonces: Array.from(opening.nonces, (n) => (typeof n === 'bigint' ? crypto.encodeScalar(n) : n)),
  };
}

/**
 * Re-check an opening on this device: it must re-encrypt to the envelope's ciphertexts, obey
 * the scheme's rules and decode to the choice the voter made. Returns {ok, decoded, problems}.
 */
export function checkOpening(stageInfo, envelope, opening, choice) {
  const problems = [];
  let result;
  try {
    result = crypto.verifyOpening({
      definition: stageInfo.definition,
      context: contextOf(stageInfo),
      envelope,
      opening: openingJson(opening),
    });
  } catch (exc) {
    return { ok: false, decoded: null, problems: [exc.message || String(exc)] };
  }
  if (!result.ok) return { ok: false, decoded: null, problems: [`${result.code}: ${result.message}`] };
  const same = sameChoice(stageInfo.definition, result.choice, choice);
  if (!same) problems.push('the opened ballot holds another choice than the one made on this screen');
  return { ok: same, decoded: result.choice, problems };
}

/** Compare two choices of a stage by their meaning (order-insensitive where it does not matter). */
export function sameChoice(definition, a, b) {
  const norm = (c) => normalizeChoice(definition, c);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function normalizeChoice(definition, choice) {
  const ids = definition.candidates.map((c) => c.id);
  const c = choice || {};
  switch (definition.scheme) {
    case 'approval':
    case 'budget': {
      const set = new Set(c.approved || []);
      return ids.filter((id) => set.has(id));
    }
    case 'score':
      return ids.map((id) => Number((c.scores || {})[id] || 0));
    case 'cumulative':
      return ids.map((id) => Number((c.points || {})[id] || 0));
    case 'ranking':
      return [...(c.ranking || [])];
    case 'yes_no_abstain':
      return ids.map((id) => (c.answers || {})[id] || 'abstain');
    default:
      return c;
  }
}

/**
 * Check a receipt in the browser against the envelope this device made: tracking hash, short
 * code, the RFC 9162 inclusion proof under the receipt's tree head and, when the board key is
 * known, the tree head's and the receipt's signatures. Returns {ok, signatures, problems}:
 * `signatures` is true (checked and valid), false (invalid) or null (no board key to check with).
 */
export function checkReceipt(receipt, envelope, boardKey) {
  try {
    if (boardKey) {
      const result = crypto.verifyReceipt(receipt, envelope, boardKey);
      const sigBad = result.problems.some((p) => p.code === 'tree_head_signature' || p.code === 'server_signature');
      return { ok: result.ok, signatures: !sigBad, problems: result.problems.map((p) => p.message) };
    }
    const problems = [];
    const tracking = crypto.trackingHash(envelope);
    if (receipt.tracking_hash !== crypto.b64encode(tracking)) problems.push("the receipt's tracking hash is not the ballot's");
    if (receipt.short_code !== crypto.shortCode(tracking)) problems.push("the receipt's short code is not the ballot's");
    const leaf = crypto.leafHash(crypto.leafData(receipt.position, tracking, envelope.signature));
    const head = receipt.tree_head;
    if (!crypto.verifyInclusion(leaf, receipt.position, head.tree_size, receipt.inclusion_proof, head.root)) {
      problems.push("the ballot's leaf is not included under the receipt's tree head");
    }
    return { ok: problems.length === 0, signatures: null, problems };
  } catch (exc) {
    return { ok: false, signatures: false, problems: [exc.message || String(exc)] };
  }
}
