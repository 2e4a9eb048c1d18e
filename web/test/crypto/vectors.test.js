// Every applicable record of voting_engine/core/vectors/test-vectors-v1.json (docs/test-vectors.md).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { crypto, loadVectors, element, b64 } from './helpers.js';

const c = crypto;
/** @type {any} */
let V;

before(async () => {
  await c.ready();
  V = loadVectors();
});

/** Expect `fn` to throw an error whose `code` is one of `codes`. */
function throwsCode(fn, codes, note = '') {
  let thrown = null;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown, `expected a refusal ${note}`);
  if (codes) assert.ok([codes].flat().includes(thrown.code), `expected code ${codes}, got ${thrown.code} (${thrown.message}) ${note}`);
  return thrown;
}

test('vectors: file header (every section is checked below)', () => {
  assert.equal(V.version, 1);
  assert.equal(V.group, 'edwards25519');
  assert.deepEqual(Object.keys(V).sort(), [
    'base64url', 'canonical_json', 'challenges', 'constants', 'contexts', 'description', 'dlog', 'elgamal',
    'generator', 'group', 'hashing', 'point_add', 'points', 'proofs', 'scalar_mult', 'scalars',
    'scheme_parameter_errors', 'schemes', 'version',
  ]);
  assert.deepEqual(Object.keys(V.proofs).sort(), ['chaum_pedersen', 'range', 'schnorr', 'weighted_sum']);
});

test('vectors: constants (L, p, G, H, identity, tags)', () => {
  const k = V.constants;
  assert.equal(BigInt(k.L), c.L);
  assert.equal(BigInt(k.p), c.P_FIELD);
  assert.equal(k.G, c.b64encode(c.G));
  assert.equal(c.toHex(c.G), '58' + '66'.repeat(31));
  assert.equal(k.identity, c.b64encode(c.IDENTITY));
  assert.equal(k.h_domain, c.H_DOMAIN);
  assert.equal(k.h_uniform_input, c.b64encode(c.hashElements(k.h_domain)));
  assert.equal(k.H, c.b64encode(c.sodium().crypto_core_ed25519_from_uniform(b64(k.h_uniform_input))));
  assert.equal(k.H, c.b64encode(c.generatorH()));
  assert.equal(k.challenge_bytes, c.CHALLENGE_BYTES);
  assert.equal(k.cds_limit, c.CDS_LIMIT);
  assert.equal(k.max_branches, c.MAX_BRANCHES);
  assert.deepEqual(k.tags, {
    ceremony_context: 'pbvote/ceremony-context/v1',
    chaum_pedersen: 'pbvote/proof/chaum-pedersen/v1',
    context: 'pbvote/context/v1',
    manifest: 'pbvote/manifest/v1',
    range: 'pbvote/proof/range/v1',
    schnorr: 'pbvote/proof/schnorr/v1',
    stage: 'pbvote/stage/v1',
  });
});

test('vectors: base64url valid and invalid', () => {
  assert.ok(V.base64url.valid.length > 0 && V.base64url.invalid.length > 0);
  for (const r of V.base64url.valid) {
    assert.equal(c.b64encode(c.fromHex(r.hex)), r.text);
    assert.equal(c.toHex(c.b64decode(r.text)), r.hex);
  }
  for (const r of V.base64url.invalid) throwsCode(() => c.b64decode(r.text), null, r.note);
});

test('vectors: canonical JSON valid and invalid', () => {
  for (const r of V.canonical_json.valid) {
    assert.equal(c.canonicalJson(r.value), r.canonical);
    assert.equal(c.canonicalJson(c.parseJson(r.canonical)), r.canonical);
  }
  for (const r of V.canonical_json.invalid) throwsCode(() => c.canonicalJson(c.parseJson(r.json)), 'float', r.note);
});

test('vectors: hashing (framing and SHA-256)', () => {
  for (const r of V.hashing) {
    const elements = r.elements.map(element);
    assert.equal(c.b64encode(c.frame([r.tag, ...elements])), r.framed);
    assert.equal(c.b64encode(c.hashElements(r.tag, ...elements)), r.hash);
  }
});

test('vectors: scalars valid and invalid', () => {
  for (const r of V.scalars.valid) {
    const value = c.scalarFromBytes(b64(r.encoding));
    assert.equal(value, BigInt(r.value));
    assert.equal(c.b64encode(c.scalarToBytes(value)), r.encoding);
  }
  for (const r of V.scalars.invalid) throwsCode(() => c.scalarFromBytes(b64(r.encoding)), r.reason, r.note);
});

test('vectors: points valid and invalid (with the reason)', () => {
  for (const r of V.points.valid) {
    const p = c.parsePoint(b64(r.encoding), { allowIdentity: !!r.allow_identity });
    assert.equal(c.b64encode(p), r.encoding, r.note);
    if (r.allow_identity) throwsCode(() => c.parsePoint(b64(r.encoding)), 'identity');
  }
  for (const r of V.points.invalid) {
    throwsCode(() => c.parsePoint(b64(r.encoding)), r.reason, r.note);
    // libsodium's boolean check refuses every one of them as well
    const bytes = b64(r.encoding);
    if (bytes.length === 32) assert.equal(c.sodium().crypto_core_ed25519_is_valid_point(bytes), false);
  }
});

test('vectors: scalar multiplication', () => {
  for (const r of V.scalar_mult) {
    const scalar = BigInt(r.scalar);
    const base = r.base === 'G' ? c.G : r.base === 'H' ? c.generatorH() : c.parsePoint(b64(r.base));
    assert.equal(c.b64encode(c.pointMul(base, scalar)), r.result, `${r.base} · ${r.scalar}`);
    if (r.base === 'G') assert.equal(c.b64encode(c.baseMul(scalar)), r.result);
  }
});

test('vectors: point addition and subtraction', () => {
  for (const r of V.point_add) {
    const a = c.parsePoint(b64(r.a), { allowIdentity: true });
    const b = c.parsePoint(b64(r.b), { allowIdentity: true });
    assert.equal(c.b64encode(c.pointAdd(a, b)), r.sum);
    assert.equal(c.b64encode(c.pointSub(a, b)), r.difference);
  }
});

test('vectors: ElGamal encryption, sums, decryption', () => {
  const e = V.elgamal;
  const secret = c.decodeScalar(e.secret_key);
  const K = c.decodePoint(e.public_key);
  assert.equal(c.b64encode(c.baseMul(secret)), e.public_key);
  for (const r of e.encryptions) {
    const ct = c.encrypt(K, r.message, c.decodeScalar(r.nonce));
    assert.deepEqual(c.ciphertextToJson(ct), r.ciphertext);
    assert.ok(c.verifyOpeningEntry(K, c.ciphertextFromJson(r.ciphertext), r.message, c.decodeScalar(r.nonce)));
  }
  for (const r of e.sums) {
    const sum = c.sumCiphertexts(r.ciphertexts.map((x) => c.ciphertextFromJson(x)));
    assert.deepEqual(c.ciphertextToJson(sum), r.sum);
    assert.deepEqual(c.ciphertextToJson(c.encrypt(K, r.message, c.decodeScalar(r.nonce))), r.sum);
  }
  for (const r of e.decryptions) {
    const point = c.decryptWithSecret(secret, c.ciphertextFromJson(r.ciphertext));
    assert.equal(c.b64encode(point), r.plaintext_point);
    assert.equal(c.discreteLog(point, r.message), r.message);
  }
});

test('vectors: discrete logarithms', () => {
  for (const r of V.dlog) {
    const point = c.parsePoint(b64(r.point), { allowIdentity: true });
    assert.equal(c.discreteLog(point, r.bound), r.result, `bound ${r.bound}`);
  }
});

test('vectors: election and ceremony contexts', () => {
  for (const r of V.contexts.election) {
    const hash = c.contextHash({
      electionId: r.election_id,
      stageId: r.stage_id,
      manifestHash: r.manifest_hash,
      jointKey: r.public_key,
      stageHash: r.stage_hash,
    });
    assert.equal(c.b64encode(hash), r.hash);
    assert.equal(c.b64encode(c.makeContext(r).hash), r.hash);
  }
  for (const r of V.contexts.ceremony) {
    assert.equal(c.b64encode(c.ceremonyContextHash(r.election_id, r.manifest_hash, r.trustees, r.threshold)), r.hash);
  }
});

test('vectors: challenges', () => {
  for (const r of V.challenges) {
    const value = c.challenge(r.tag, b64(r.context_hash), ...r.elements.map(element));
    assert.equal(value, BigInt(r.challenge));
    assert.equal(c.encodeChallenge(value), r.encoded);
    assert.equal(c.decodeChallenge(r.encoded), value);
  }
});

/**
 * Check one proof record: parse (a `parse` error must be refused there) then verify.
 * @param {any} r
 * @param {() => any} parse
 * @param {(parsed: any) => boolean} verify
 */
function checkProofRecord(r, parse, verify) {
  let parsed;
  try {
    parsed = parse();
  } catch (err) {
    assert.equal(r.valid, false, `${r.note}: refused while parsing (${err.message})`);
    assert.equal(r.error, 'parse', `${r.note}: expected ${r.error}, refused while parsing`);
    return;
  }
  const ok = verify(parsed);
  assert.equal(ok, r.valid, r.note);
  if (!r.valid) assert.equal(r.error, 'verify', `${r.note}: parsed although marked ${r.error}`);
}

test('vectors: Schnorr proofs', () => {
  const records = V.proofs.schnorr;
  assert.ok(records.some((r) => r.valid) && records.some((r) => !r.valid));
  for (const r of records) {
    checkProofRecord(
      r,
      () => ({ pub: c.decodePoint(r.public), proof: c.simpleProofFromJson(r.proof) }),
      ({ pub, proof }) => c.verifyKnowledge(b64(r.context_hash), pub, proof, r.label),
    );
  }
});

test('vectors: Chaum–Pedersen proofs', () => {
  for (const r of V.proofs.chaum_pedersen) {
    checkProofRecord(
      r,
      () => ({ pts: [r.b1, r.p1, r.b2, r.p2].map((x) => c.decodePoint(x)), proof: c.simpleProofFromJson(r.proof) }),
      ({ pts, proof }) => c.verifyEquality(b64(r.context_hash), pts[0], pts[1], pts[2], pts[3], proof, r.label),
    );
  }
});

test('vectors: disjunctive range proofs', () => {
  for (const r of V.proofs.range) {
    checkProofRecord(
      r,
      () => ({ K: c.decodePoint(r.public_key), ct: c.ciphertextFromJson(r.ciphertext), proof: c.rangeProofFromJson(r.proof) }),
      ({ K, ct, proof }) => c.verifyRange(b64(r.context_hash), K, ct, proof, r.lo, r.hi),
    );
  }
});

test('vectors: weighted-sum proofs', () => {
  for (const r of V.proofs.weighted_sum) {
    checkProofRecord(
      r,
      () => ({
        K: c.decodePoint(r.public_key),
        cts: r.ciphertexts.map((x) => c.ciphertextFromJson(x)),
        proof: c.sumProofFromJson(r.proof),
      }),
      ({ K, cts, proof }) => c.verifyWeightedSum(b64(r.context_hash), K, cts, r.weights, proof, r.lo, r.hi),
    );
  }
});

test('vectors: JS proofs of the vector statements verify (prover check)', () => {
  const ctx = b64(V.contexts.election[0].hash);
  const secret = c.decodeScalar(V.elgamal.secret_key);
  const K = c.decodePoint(V.elgamal.public_key);
  const pk = c.baseMul(secret);
  const schnorr = c.proveKnowledge(ctx, secret, pk, 'trustee-1');
  assert.ok(c.verifyKnowledge(ctx, pk, c.simpleProofFromJson(c.simpleProofToJson(schnorr)), 'trustee-1'));
  assert.ok(!c.verifyKnowledge(ctx, pk, schnorr, 'trustee-2'));
  const alpha = c.baseMul(7n);
  const cp = c.proveEquality(ctx, secret, c.G, pk, alpha, c.pointMul(alpha, secret), 'share-1');
  assert.ok(c.verifyEquality(ctx, c.G, pk, alpha, c.pointMul(alpha, secret), cp, 'share-1'));
  // every weighted-sum statement with its plaintexts re-proven in JS
  for (const [weights, messages, lo, hi] of [
    [[1, 1, 1], [1, 0, 1], 0, 2],
    [[1, 1, -1, -1], [1, 0, 0, 1], 0, 1],
    [[2, 5, 8, 3], [1, 0, 1, 0], 0, 10],
    [[1, 1, 1], [3, 4, 2], 5, 20],
    [[1, 1], [3, 1], 4, 4],
    [[1], [9], 0, 10],
    [[7, 0, 3], [1, 1, 1], 0, 1000],
  ]) {
    const nonces = messages.map(() => c.randomScalar());
    const cts = messages.map((m, i) => c.encrypt(K, m, nonces[i]));
    const proof = c.proveWeightedSum(ctx, K, cts, weights, messages, nonces, lo, hi);
    const again = c.sumProofFromJson(JSON.parse(JSON.stringify(c.sumProofToJson(proof))));
    assert.ok(c.verifyWeightedSum(ctx, K, cts, weights, again, lo, hi), `${weights} ${messages} [${lo}, ${hi}]`);
    assert.equal('cds' in proof, hi - lo + 1 <= 8);
    assert.ok(!c.verifyWeightedSum(ctx, K, cts, weights, again, lo + 1, hi + 1));
  }
});

test('vectors: scheme parameter errors', () => {
  assert.ok(V.scheme_parameter_errors.length > 0);
  for (const r of V.scheme_parameter_errors) {
    const def = { stage_id: 'vote', scheme: r.scheme, params: r.params, candidates: r.projects, groups: ['public'], revote: 'last' };
    const err = throwsCode(() => c.makeScheme(def), r.code, `${r.scheme} ${JSON.stringify(r.params)}`);
    assert.ok(err instanceof c.SchemeParameterError);
  }
});

test('vectors: ballot schemes (layout, encoding, ballot, opening, decryption, results, variants, choices)', () => {
  assert.deepEqual(
    V.schemes.map((/** @type {any} */ s) => s.scheme).sort(),
    ['approval', 'budget', 'cumulative', 'ranking', 'score', 'yes_no_abstain'],
  );
  const voter = c.deriveKeyPair(c.generateCode());
  for (const s of V.schemes) {
    const label = s.scheme;
    const def = s.stage_definition;
    assert.deepEqual(def.candidates, s.projects, label);
    assert.equal(def.scheme, s.scheme);
    assert.deepEqual(def.params, s.params);
    const scheme = c.makeScheme(def);
    // layout
    assert.deepEqual(scheme.entryBounds(), s.layout.entry_bounds, label);
    assert.deepEqual(scheme.constraints(), s.layout.constraints, label);
    // context: stage hash of the definition, context hash of the fields
    assert.equal(c.b64encode(c.stageHash(def)), s.context.stage_hash, label);
    const context = c.makeContext(s.context);
    assert.equal(c.b64encode(context.hash), s.context.hash);
    // encoding
    assert.equal(scheme.validateChoice(s.choice), null);
    assert.deepEqual(scheme.encode(s.choice), s.opening.vector, label);
    assert.deepEqual(scheme.decodeOpening(s.opening.vector), s.choice, label);
    // the encrypted ballot verifies
    assert.equal(c.checkChoices({ definition: def, context: s.context, choices: s.ballot }), null, label);
    // the opening re-encrypts to exactly the ciphertexts
    const K = context.jointKey;
    const cts = s.ballot.ciphertexts.map((x) => c.ciphertextFromJson(x));
    s.opening.vector.forEach((m, i) => {
      assert.ok(c.ciphertextsEqual(c.encrypt(K, m, c.decodeScalar(s.opening.nonces[i])), cts[i]), `${label} entry ${i}`);
    });
    // decryption with the known secret key gives the vector
    const secret = c.decodeScalar(s.secret_key);
    const bounds = scheme.entryBounds();
    assert.deepEqual(cts.map((ct, i) => c.discreteLog(c.decryptWithSecret(secret, ct), bounds[i])), s.opening.vector, label);
    // results of a tally of this single ballot
    assert.deepEqual(scheme.decodeTally(s.opening.vector, 1), s.results, label);
    // wrapped in a signed envelope: full verification and the Benaloh check
    const unsigned = { version: 1, election_id: context.electionId, stage_id: context.stageId, credential: c.b64encode(voter.publicKey), choices: s.ballot };
    const envelope = { ...unsigned, signature: c.b64encode(c.signBallot(voter.secretKey, context.electionId, context.stageId, c.trackingHash(unsigned))) };
    assert.equal(c.verifyBallot({ definition: def, context, envelope }).ok, true, label);
    const opened = c.verifyOpening({ definition: def, context, envelope, opening: s.opening });
    assert.equal(opened.ok, true, label);
    assert.deepEqual(opened.choice, s.choice);
    // tampered ballots are refused with the engine's code
    assert.ok(s.ballot_variants.length >= 7);
    for (const variant of s.ballot_variants) {
      assert.equal(variant.valid, false);
      const problem = c.checkChoices({ definition: def, context: variant.context ?? s.context, choices: variant.ballot });
      assert.ok(problem, `${label}: ${variant.note} must be refused`);
      assert.equal(problem.code, variant.error, `${label}: ${variant.note}`);
    }
    // wrong openings are refused
    for (const variant of s.opening_variants) {
      assert.equal(variant.valid, false);
      const result = c.verifyOpening({ definition: def, context, envelope, opening: variant.opening });
      assert.equal(result.ok, false, `${label}: ${variant.note}`);
      assert.equal(result.code, 'bad_opening');
    }
    // invalid plaintext choices
    assert.ok(s.invalid_choices.length > 0);
    for (const r of s.invalid_choices) {
      const problem = scheme.validateChoice(r.choice);
      assert.ok(problem, `${label}: ${JSON.stringify(r.choice)}`);
      assert.equal(problem.code, r.code, `${label}: ${JSON.stringify(r.choice)}`);
      throwsCode(() => scheme.encode(r.choice), r.code);
      throwsCode(
        () => c.encryptBallot({ definition: def, context: s.context, choice: r.choice, keyPair: voter }),
        r.code,
      );
    }
  }
});
