// Round trips in JavaScript: encrypt ballots of every scheme, verify them, audit the opening,
// refuse tampered envelopes; timing of a 20-project approval ballot.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { crypto as c, definition, projects, ballotCases } from './helpers.js';

/** @type {{publicKey: Uint8Array, secretKey: Uint8Array}} */
let voter;
/** @type {bigint} */
let secret;
/** @type {Uint8Array} */
let jointKey;

before(async () => {
  await c.ready();
  voter = c.deriveKeyPair(c.generateCode());
  secret = c.randomScalar();
  jointKey = c.baseMul(secret);
});

/** A context for a definition under the test joint key. */
function contextFor(/** @type {any} */ def, electionId = 'js-election') {
  return c.makeContext(
    { electionId, stageId: def.stage_id, manifestHash: c.hashElements('pbvote/manifest/v1', '{"test":1}'), jointKey },
    def,
  );
}

test('round trip: every scheme encrypts, verifies, opens and decrypts in JS', () => {
  for (const [def, choice] of ballotCases()) {
    const label = `${def.scheme} ${JSON.stringify(def.params)}`;
    const context = contextFor(def);
    const scheme = c.makeScheme(def);
    const { envelope, opening, trackingHash, trackingHashText, shortCode } = c.encryptBallot({ definition: def, context, choice, keyPair: voter });
    // envelope layout of docs/election-record.md §4.1
    assert.deepEqual(Object.keys(envelope).sort(), ['choices', 'credential', 'election_id', 'signature', 'stage_id', 'version']);
    assert.equal(envelope.credential, c.b64encode(voter.publicKey));
    assert.equal(envelope.choices.ciphertexts.length, scheme.entryBounds().length);
    assert.equal(envelope.choices.constraint_proofs.length, scheme.constraints().length);
    // proof forms: CDS for ranges of at most 8 values, bit decomposition otherwise
    scheme.entryBounds().forEach((hi, i) => {
      assert.deepEqual(Object.keys(envelope.choices.entry_proofs[i]).sort(), hi + 1 <= 8 ? ['c', 'v'] : ['bit_proofs', 'bits'], label);
    });
    scheme.constraints().forEach((k, i) => {
      assert.deepEqual(Object.keys(envelope.choices.constraint_proofs[i]).sort(), k.hi - k.lo + 1 <= 8 ? ['c', 'v'] : ['bit_proofs', 'bits'], label);
    });
    // tracking hash and short code
    assert.deepEqual(c.trackingHash(envelope), trackingHash);
    assert.equal(trackingHashText, c.b64encode(trackingHash));
    assert.equal(shortCode, c.shortCode(trackingHash));
    assert.match(shortCode, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    // survives a JSON round trip and verifies
    const wire = JSON.parse(JSON.stringify(envelope));
    const result = c.verifyBallot({ definition: def, context, envelope: wire });
    assert.equal(result.ok, true, `${label}: ${result.message}`);
    assert.deepEqual(result.trackingHash, trackingHash);
    // Benaloh opening
    const opened = c.verifyOpening({ definition: def, context, envelope: wire, opening });
    assert.equal(opened.ok, true, label);
    assert.deepEqual(scheme.encode(opened.choice), opening.vector, label);
    assert.deepEqual(opening.vector, scheme.encode(choice));
    // decryption with the joint secret
    const cts = envelope.choices.ciphertexts.map((x) => c.ciphertextFromJson(x));
    const bounds = scheme.entryBounds();
    assert.deepEqual(cts.map((ct, i) => c.discreteLog(c.decryptWithSecret(secret, ct), bounds[i])), opening.vector, label);
  }
});

test('refusals: tampered, re-targeted, malformed envelopes', () => {
  const def = definition('approval', { max: 2 }, projects(4));
  const context = contextFor(def);
  const { envelope, opening } = c.encryptBallot({ definition: def, context, choice: { approved: ['p00', 'p02'] }, keyPair: voter });
  const clone = () => JSON.parse(JSON.stringify(envelope));
  const verify = (/** @type {any} */ env, ctx = context) => c.verifyBallot({ definition: def, context: ctx, envelope: env });

  // another stage / election
  const other = c.makeContext({ ...context, stageId: 'vote-2', stageHash: context.stageHash, hash: undefined });
  assert.equal(verify(clone(), other).code, 'wrong_stage');
  // signature of another ballot, or by another key
  let env = clone();
  env.signature = c.b64encode(new Uint8Array(64));
  assert.equal(verify(env).code, 'bad_signature');
  env = clone();
  env.credential = c.b64encode(c.deriveKeyPair(c.generateCode()).publicKey);
  assert.equal(verify(env).code, 'bad_signature');
  // a changed ciphertext changes the tracking hash: the signature no longer verifies
  env = clone();
  env.choices.ciphertexts.reverse();
  assert.equal(verify(env).code, 'bad_signature');
  // re-signed by the voter, the proofs fail
  const resign = (/** @type {any} */ e) => {
    e.signature = c.b64encode(c.signBallot(voter.secretKey, context.electionId, context.stageId, c.trackingHash(e)));
    return e;
  };
  env = clone();
  env.choices.ciphertexts.reverse();
  let r = verify(resign(env));
  assert.equal(r.code, 'invalid_proof');
  assert.equal(r.detail, 'entry_proof');
  env = clone();
  env.choices.constraint_proofs[0].v.reverse();
  r = verify(resign(env));
  assert.equal(r.code, 'invalid_proof');
  assert.equal(r.detail, 'constraint_proof');
  env = clone();
  env.choices.constraint_proofs = [];
  r = verify(resign(env));
  assert.equal(r.detail, 'shape');
  // an invalid vector: four approvals with honest entry proofs, and the constraint of another ballot
  const forged = c.encryptVector(c.makeScheme(definition('approval', {}, projects(4))), context, [1, 1, 1, 1]);
  env = clone();
  env.choices.ciphertexts = forged.choices.ciphertexts.map(c.ciphertextToJson);
  env.choices.entry_proofs = forged.choices.entryProofs.map(c.sumProofToJson);
  r = verify(resign(env));
  assert.equal(r.detail, 'constraint_proof');
  // points: small order, not canonical
  env = clone();
  env.choices.ciphertexts[0][1] = c.b64encode(c.fromHex('ec' + 'ff'.repeat(30) + '7f'));
  r = verify(resign(env));
  assert.equal(r.code, 'bad_point');
  assert.equal(r.detail, 'bad_point:small_order');
  // shape and encodings
  env = clone();
  env.extra = 1;
  assert.equal(verify(env).code, 'schema');
  env = clone();
  env.version = 2;
  assert.equal(verify(env).code, 'schema');
  env = clone();
  env.signature += '=';
  assert.equal(verify(env).code, 'schema');
  env = clone();
  env.credential = c.b64encode(c.fromHex('ec' + 'ff'.repeat(30) + '7f'));
  assert.equal(verify(env).code, 'bad_credential');
  env = clone();
  env.choices.entry_proofs[0] = { c: env.choices.entry_proofs[0].c };
  assert.equal(resign(env) && verify(env).code, 'schema');
  // wrong openings
  const bad = { vector: [...opening.vector], nonces: [...opening.nonces] };
  bad.vector[1] = 1;
  assert.equal(c.verifyOpening({ definition: def, context, envelope, opening: bad }).code, 'bad_opening');
  const bad2 = { vector: opening.vector, nonces: [...opening.nonces].reverse() };
  assert.equal(c.verifyOpening({ definition: def, context, envelope, opening: bad2 }).code, 'bad_opening');
  assert.equal(c.verifyOpening({ definition: def, context, envelope, opening: { vector: opening.vector } }).code, 'schema');
  // an opening that re-encrypts but breaks a rule
  const over = c.encryptBallot({ definition: definition('approval', {}, projects(4)), context: contextFor(definition('approval', {}, projects(4))), choice: { approved: ['p00', 'p01', 'p02'] }, keyPair: voter });
  const overResult = c.verifyOpening({ definition: def, context, envelope: over.envelope, opening: over.opening });
  assert.equal(overResult.code, 'bad_vector');
  assert.equal(overResult.detail, 'selection_count');
});

test('encryptBallot refuses a context of another stage definition', () => {
  const def = definition('score', { max_score: 3 }, projects(3));
  const context = contextFor(def);
  const otherDef = definition('score', { max_score: 4 }, projects(3));
  assert.throws(() => c.encryptBallot({ definition: otherDef, context, choice: { scores: {} }, keyPair: voter }), { code: 'context_mismatch' });
  assert.throws(
    () => c.encryptBallot({ definition: def, context: { ...c.contextToJson(context), hash: c.b64encode(new Uint8Array(32)) }, choice: { scores: {} }, keyPair: voter }),
    { code: 'context_mismatch' },
  );
  // the API's stage answer is accepted as a context
  const api = {
    election_id: context.electionId,
    stage_id: context.stageId,
    definition: def,
    stage_hash: c.b64encode(context.stageHash),
    context_hash: c.b64encode(context.hash),
    manifest_hash: c.b64encode(context.manifestHash),
    joint_public_key: c.b64encode(jointKey),
  };
  const { envelope } = c.encryptBallot({ definition: api.definition, context: api, choice: { scores: { p01: 2 } }, keyPair: voter });
  assert.equal(c.verifyBallot({ definition: def, context: api, envelope }).ok, true);
});

test('decodeOpening inverts encode; checkVector names broken rules', () => {
  const scheme = c.makeScheme(definition('ranking', { min_rank: 2 }, projects(3)));
  assert.deepEqual(scheme.decodeOpening(scheme.encode({ ranking: ['p01', 'p00'] })), { ranking: ['p01', 'p00'] });
  assert.equal(scheme.checkVector([1, 0, 0, 0, 0, 0, 0, 0, 0]).code, 'min_ranks_used');
  assert.equal(scheme.checkVector([1, 1, 0, 0, 0, 0, 0, 0, 0]).code, 'first_rank');
  assert.equal(scheme.checkVector([1, 0]).code, 'vector_length');
  assert.equal(scheme.checkVector([2, 0, 0, 0, 0, 0, 0, 0, 0]).code, 'entry_range');
  assert.deepEqual(
    scheme.constraints().map((k) => k.name),
    ['first_rank', 'ranks_in_order', 'ranks_in_order', 'last_rank', 'min_ranks_used', 'project_once', 'project_once', 'project_once'],
  );
  assert.throws(() => scheme.decodeOpening([0, 1, 0, 0, 0, 0, 0, 0, 0]), { code: 'min_ranks_used' });
});

test('performance: a 20-project approval ballot encrypts well under 2 s', () => {
  const p20 = projects(20);
  const timings = {};
  for (const [name, params] of [
    ['approval (no constraint)', {}],
    ['approval max 5', { max: 5 }],
  ]) {
    const def = definition('approval', params, p20);
    const context = contextFor(def);
    const choice = { approved: ['p00', 'p03', 'p07', 'p11', 'p19'] };
    c.encryptBallot({ definition: def, context, choice, keyPair: voter }); // warm-up
    const runs = 3;
    let t = performance.now();
    let made;
    for (let i = 0; i < runs; i++) made = c.encryptBallot({ definition: def, context, choice, keyPair: voter });
    const encryptMs = (performance.now() - t) / runs;
    t = performance.now();
    const ok = c.verifyBallot({ definition: def, context, envelope: made.envelope }).ok;
    const verifyMs = performance.now() - t;
    assert.ok(ok);
    assert.ok(encryptMs < 2000, `encryption took ${encryptMs} ms`);
    timings[name] = { encryptMs: Math.round(encryptMs), verifyMs: Math.round(verifyMs), bytes: c.canonicalJson(made.envelope).length };
  }
  console.log(`# 20-project approval timing: ${JSON.stringify(timings)}`);
});
