// Known-answer vectors of docs/board-and-credentials.md §9, RFC 9162 proofs against a reference
// PATH/PROOF written from the RFC's recursive definitions, and credential-code properties.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { crypto as c, hex } from './helpers.js';

before(async () => {
  await c.ready();
});

const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '305df59f9590c3c9ac63d2b2743c388e3792449078cebf7fb3dbe6471643b2b7',
  '60a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdc',
  'cf763a041c81ceef1578a6083f75c61bef2e0014f2a3e683a97fcfca5be7f19a',
  'bdd1c5ff55b19cb6b0e7c761bf9a6ccaa27fbbfc07b74f1fabb6e911a0bd2ab3',
  '00d21829a5503145348abcf712513eacf2a274211ad83e970202bb5b6d80b286',
  '160cf1a616e8792f9078a9665cb06520d95a33f467d0826f2310219d31383d73',
  '0b007fb915eb9b2a146f54b1c86ec53b664f8e455b7660b0b6ee13edc0d921c0',
];
const leaves = (/** @type {number} */ n) => Array.from({ length: n }, (_, i) => c.leafHash(c.utf8(`leaf-${i}`)));

/** Largest power of two strictly smaller than n. */
const split = (/** @type {number} */ n) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) over leaf hashes. */
function path(/** @type {number} */ m, /** @type {Uint8Array[]} */ d) {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), c.merkleRoot(d.slice(k))] : [...path(m - k, d.slice(k)), c.merkleRoot(d.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b). */
function subproof(/** @type {number} */ m, /** @type {Uint8Array[]} */ d, /** @type {boolean} */ b) {
  const n = d.length;
  if (m === n) return b ? [] : [c.merkleRoot(d)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), c.merkleRoot(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), c.merkleRoot(d.slice(0, k))];
}

test('board §9: Merkle roots of "leaf-i"', () => {
  for (let n = 0; n <= 7; n++) assert.equal(c.toHex(c.merkleRoot(leaves(n))), ROOTS[n], `size ${n}`);
  assert.equal(c.toHex(c.emptyRoot()), ROOTS[0]);
});

test('board §9: inclusion and consistency proofs', () => {
  const proof = [
    'f76836325aec5699d8d71f8e42e9d47c5c29b08059ba296384f7ca40ad3a40ae',
    '60a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdc',
    '8eae6bd3b3a07f1f75ee72a531629e6eb31e42e62f760e47de52a53c3641ef23',
  ];
  const d = leaves(7);
  assert.deepEqual(path(2, d).map(c.toHex), proof);
  assert.ok(c.verifyInclusion(d[2], 2, 7, proof.map(hex), hex(ROOTS[7])));
  assert.ok(c.verifyInclusion(c.b64encode(d[2]), 2n, 7n, proof.map((x) => c.b64encode(hex(x))), c.b64encode(hex(ROOTS[7]))));
  assert.ok(!c.verifyInclusion(d[2], 3, 7, proof.map(hex), hex(ROOTS[7])));
  // the size is not bound by the path (docs §2): size 8 has the same shape for leaf 2, so the
  // size and root must come from a verified tree head; another root fails
  assert.ok(c.verifyInclusion(d[2], 2, 8, proof.map(hex), hex(ROOTS[7])));
  assert.ok(!c.verifyInclusion(d[2], 2, 7, proof.map(hex), hex(ROOTS[6])));
  assert.ok(!c.verifyInclusion(d[2], 2, 9, proof.map(hex), hex(ROOTS[7])));
  assert.ok(!c.verifyInclusion(d[2], 2, 7, proof.slice(0, 2).map(hex), hex(ROOTS[7])));
  assert.ok(!c.verifyInclusion(d[2], 7, 7, proof.map(hex), hex(ROOTS[7])));
  assert.ok(!c.verifyInclusion(d[2], -1, 7, proof.map(hex), hex(ROOTS[7])));
  assert.ok(!c.verifyInclusion(d[2], 2, 7, [...proof.map(hex), new Uint8Array(31)], hex(ROOTS[7])));
  const cons3 = ['fca89f57c9f8c8eb4047a7ff9d333acf9e0f3384b20b255bceab0f216dcca267', ...proof];
  assert.deepEqual(subproof(3, d, true).map(c.toHex), cons3);
  assert.ok(c.verifyConsistency(3, 7, hex(ROOTS[3]), hex(ROOTS[7]), cons3.map(hex)));
  assert.ok(c.verifyConsistency(4, 7, hex(ROOTS[4]), hex(ROOTS[7]), [hex(proof[2])]));
  assert.ok(!c.verifyConsistency(4, 7, hex(ROOTS[3]), hex(ROOTS[7]), [hex(proof[2])]));
  assert.ok(c.verifyConsistency(0, 7, hex(ROOTS[0]), hex(ROOTS[7]), []));
  assert.ok(c.verifyConsistency(7, 7, hex(ROOTS[7]), hex(ROOTS[7]), []));
  assert.ok(!c.verifyConsistency(7, 3, hex(ROOTS[7]), hex(ROOTS[3]), []));
});

test('board: every inclusion and consistency proof up to 33 leaves verifies; wrong ones fail', () => {
  const all = leaves(34);
  for (let n = 1; n <= 33; n++) {
    const d = all.slice(0, n);
    const root = c.merkleRoot(d);
    for (let m = 0; m < n; m++) {
      const p = path(m, d);
      assert.ok(c.verifyInclusion(d[m], m, n, p, root), `inclusion ${m} in ${n}`);
      if (n > 1) assert.ok(!c.verifyInclusion(d[m], (m + 1) % n, n, p, root), `wrong index ${m} in ${n}`);
      assert.ok(!c.verifyInclusion(d[m], m, n, p, c.nodeHash(root, root)), `wrong root ${m} in ${n}`);
      assert.ok(!c.verifyInclusion(d[(m + 1) % n], m, n, p, root) || n === 1, `wrong leaf ${m} in ${n}`);
    }
    for (let m = 1; m < n; m++) {
      const p = subproof(m, d, true);
      assert.ok(c.verifyConsistency(m, n, c.merkleRoot(d.slice(0, m)), root, p), `consistency ${m} → ${n}`);
      assert.ok(!c.verifyConsistency(m, n, c.merkleRoot(d.slice(0, m)), c.merkleRoot(all.slice(0, n + 1)), p));
    }
  }
});

test('board §9: signed tree head, chain, leaf data', () => {
  const { publicKey, privateKey } = c.sodium().crypto_sign_seed_keypair(hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'));
  assert.equal(c.toHex(publicKey), '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');
  const head = { log_id: 'pbvote-test-log', tree_size: 7, root: hex(ROOTS[7]), timestamp: 1700000000000 };
  assert.equal(c.toHex(c.treeHeadDigest(head)), '873fcd8ae364d76e081767c0a4ce55d607b20b579dbc993d4b858827cfbedfac');
  const sth = c.signTreeHead(head, privateKey);
  assert.equal(sth.signature, 'cF3OJlTaQFZkm3bf8Tz-lXwtDvyCCeZBEKYb_tEBkA-tvR-MGneUKw72GZJyIsBMXO1myVmYqfCLH-syAg6SBw');
  assert.equal(sth.root, 'CwB_uRXrmyoUb1SxyG7FO2ZPjkVbdmCwtu4T7cDZIcA');
  assert.ok(c.verifyTreeHead(sth, publicKey));
  assert.ok(c.verifyTreeHead(sth, c.b64encode(publicKey)));
  assert.ok(!c.verifyTreeHead({ ...sth, tree_size: 6 }, publicKey));
  assert.ok(!c.verifyTreeHead({ ...sth, extra: 1 }, publicKey));
  assert.ok(!c.verifyTreeHead({ ...sth, timestamp: -1 }, publicKey));
  assert.ok(!c.verifyTreeHead(sth, new Uint8Array(32).fill(9)));
  const ctx = new Uint8Array(32).fill(0x11);
  assert.equal(c.toHex(c.chainStart(ctx)), '40c21cf759e2fa5119bf5bad87668e8bce4d797650e462b1f04858219109f892');
  const t1 = c.trackingHash({ ballot: 1 });
  const t2 = c.trackingHash({ ballot: 2 });
  const chain1 = c.chainNext(c.chainStart(ctx), t1);
  assert.equal(c.toHex(chain1), '524d907d35acb18ad4abebacd2e54b155ec8448c002463b8e86d46acaec70b0f');
  assert.equal(c.toHex(c.chainNext(chain1, t2)), '3e8b114f44460d3d9cc394c4b5cc89d75a1cb9d4ed8d73600516df1c72038559');
  // leaf data = hash_elements("pbvote/board-leaf/v1", position, tracking, signature)
  const sig = new Uint8Array(64).fill(5);
  assert.deepEqual(c.leafData(3, t1, sig), c.hashElements('pbvote/board-leaf/v1', 3, t1, sig));
  assert.deepEqual(c.leafData(3, c.b64encode(t1), c.b64encode(sig)), c.leafData(3n, t1, sig));
});

test('credentials §9: codes, check symbols, seed, key, signatures', () => {
  assert.equal(c.codeFromRandom(hex('000102030405060708090a0b0c0d0e0f10')), '000G4-0R40M-30E20-9185G-R38E1-WR');
  assert.equal(c.codeFromRandom(new Uint8Array(17)), '00000-00000-00000-00000-00000-00');
  assert.equal(c.codeFromRandom(new Uint8Array(17).fill(0xff)), 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZM');
  assert.equal(c.checkSymbol('0'.repeat(25) + '1'), '1');
  assert.equal(c.checkSymbol('0'.repeat(24) + '11'), '~');
  assert.equal(c.checkSymbol('0'.repeat(24) + '14'), 'U');
  const code = '000G4-0R40M-30E20-9185G-R38E1-WR';
  assert.equal(c.toHex(c.credentialSeed(code)), '97adccc3c2de3a3269adcd9d775cf4a3aa6f113e5515766deaa707f3eb7704b4');
  const key = c.deriveKeyPair(code);
  assert.equal(c.toHex(key.publicKey), 'efad2156392667fa863b77aeed5e86bc4469cc67bbc01caaba6956b3d7bfa39c');
  assert.equal(c.b64encode(key.publicKey), '760hVjkmZ_qGO3eu7V6GvERpzGe7wByqumlWs9e_o5w');
  assert.equal(key.secretKey.length, 64);
  assert.deepEqual(c.deriveKeyPair(' 000g4 0r40m 30e20 9185g r38e1 wr\n'), key);
  // tracking hashes and short codes
  const t1 = c.trackingHash({ ballot: 1 });
  assert.equal(c.toHex(t1), '033e647c36e471969d1cd3921cbfa1c60b000e2d0cf6a1ce9249092b989b0f19');
  assert.equal(c.b64encode(t1), 'Az5kfDbkcZadHNOSHL-hxgsADi0M9qHOkkkJK5ibDxk');
  assert.equal(c.shortCode(t1), '0CZ68-Z1PWH');
  const t2 = c.trackingHash({ ballot: 2, signature: 'ignored' });
  assert.equal(c.toHex(t2), '7e33aca39c7c55a6d8085a85372a5a24a70430fe08d7a6ac4fd33412fb289f9b');
  assert.equal(c.shortCode(c.b64encode(t2)), 'FRSTS-8WWFH');
  assert.ok(c.matchesShortCode(t2, 'frsts 8wwfh'));
  assert.ok(!c.matchesShortCode(t2, 'FRSTS-8WWFX'));
  // ballot and sign-in messages and signatures
  assert.equal(c.toHex(c.ballotSignatureMessage('pb-2025', 'main', t1)), '453f61fbb39770b1b4c1552189809874a2a39a411d23543cdabdbe99635ef6f6');
  const ballotSig = c.signBallot(key.secretKey, 'pb-2025', 'main', t1);
  assert.equal(
    c.toHex(ballotSig),
    '2f8d409c9e70b09f319dc1e028c5d5da4614c7a5b2c5caa6a2640e88175a1161f01a97c34c33f991e4ff6c45116d1ce4704313514619bf3c063c166b97503d0a',
  );
  assert.ok(c.verifyBallotSignature(key.publicKey, 'pb-2025', 'main', t1, ballotSig));
  assert.ok(!c.verifyBallotSignature(key.publicKey, 'pb-2025', 'other', t1, ballotSig));
  const nonce = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  assert.equal(c.toHex(c.signinMessage(nonce, 'pb-2025')), 'df59ccd1bf7d7a17dc6405858946d25b34ffc8e8d41547b117e3afe89b861c68');
  const signin = c.signChallenge(key.secretKey, nonce, 'pb-2025');
  assert.equal(
    c.toHex(signin),
    'fad50fd8220a3c8ac54998f569bfb95e741950fd7344a5675e3980722a555732b10ac173e20f2e1784d3e5e08ac35985d9fe320341625ba24329a9835a54e500',
  );
  assert.deepEqual(c.signChallenge(key.secretKey, c.b64encode(nonce), 'pb-2025'), signin);
  assert.ok(c.verifyChallenge(key.publicKey, nonce, 'pb-2025', signin));
  assert.throws(() => c.signChallenge(key.secretKey, new Uint8Array(15), 'pb-2025'));
});

test('credentials: parse errors, every substitution and adjacent transposition is caught', () => {
  assert.throws(() => c.parseCode(/** @type {any} */ (42)), { code: 'bad_type' });
  assert.throws(() => c.parseCode('000G4-0R40M-30E20-9185G-R38E1-W'), { code: 'bad_length' });
  assert.throws(() => c.parseCode('000G4-0R40M-30E20-9185G-R38E1-WR0'), { code: 'bad_length' });
  assert.throws(() => c.parseCode('000G4-0R40M-30E20-9185G-R38E1-W#'), { code: 'bad_character' });
  assert.throws(() => c.parseCode('000G4-0R40M-30E20-9185G-R38E1-WS'), { code: 'bad_check' });
  assert.throws(() => c.parseCode('U00G4-0R40M-30E20-9185G-R38E1-WR'), { code: 'bad_character' });
  assert.equal(c.parseCode('OOOG4—0R4OM—3OE2O—9l85G—R38EI—WR'), '000G40R40M30E209185GR38E1WR');
  assert.equal(c.formatCode('000g40r40m30e209185gr38e1wr'), '000G4-0R40M-30E20-9185G-R38E1-WR');
  const err = (() => {
    try {
      c.parseCode('000G4-0R40M-30E20-9185G-R38E1-WS');
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof c.CredentialCodeError && err instanceof Error);
  assert.deepEqual(Object.keys(err.toJSON()), ['code', 'message']);
  for (let round = 0; round < 5; round++) {
    const code = c.parseCode(c.generateCode());
    assert.equal(code.length, 27);
    for (let i = 0; i < 27; i++) {
      for (const s of c.CHECK_ALPHABET) {
        if (s === code[i]) continue;
        const typo = code.slice(0, i) + s + code.slice(i + 1);
        assert.throws(() => c.parseCode(typo), (/** @type {any} */ e) => e.code === 'bad_check' || e.code === 'bad_character');
      }
    }
    for (let i = 0; i < 26; i++) {
      if (code[i] === code[i + 1]) continue;
      const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
      assert.throws(() => c.parseCode(swapped), (/** @type {any} */ e) => e.code === 'bad_check' || e.code === 'bad_character');
    }
  }
  // codes are random: 130 bits, distinct keys
  const a = c.generateCode();
  const b = c.generateCode();
  assert.notEqual(a, b);
  assert.match(a, /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z*~$=U]$/);
});

test('encodings: strict base64url, canonical JSON details, exact JSON parsing', () => {
  assert.throws(() => c.b64decode('AA=='), { code: 'bad_base64' });
  assert.throws(() => c.b64decode('AB'), { code: 'bad_base64' });
  assert.throws(() => c.b64decode('AAAA', 2), { code: 'bad_length' });
  assert.equal(c.canonicalJson({ b: [1, 'é'], a: null, '\u{1f5f3}': 1, '\uff01': 2 }), '{"a":null,"b":[1,"é"],"！":2,"🗳":1}');
  assert.equal(c.canonicalJson('\u0000\u001f\u007f'), '"\\u0000\\u001f\u007f"');
  assert.throws(() => c.canonicalJson(1.5), { code: 'float' });
  assert.throws(() => c.canonicalJson(2 ** 53), { code: 'float' });
  assert.throws(() => c.canonicalJson({ a: undefined }), { code: 'schema' });
  assert.throws(() => c.canonicalJson(new Uint8Array(1)), { code: 'schema' });
  assert.throws(() => c.canonicalJson('\ud800'), { code: 'lone_surrogate' });
  assert.equal(c.canonicalJson(2n ** 80n), '1208925819614629174706176');
  const parsed = c.parseJson('{"__proto__": {"x": 1}, "big": 12345678901234567890, "n": -0, "f": 1.0}');
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.deepEqual(Object.keys(parsed), ['__proto__', 'big', 'n', 'f']);
  assert.equal(parsed.big, 12345678901234567890n);
  assert.ok(parsed.f instanceof c.JsonFloat);
  assert.equal(c.canonicalJson({ ...parsed, f: 1 }), '{"__proto__":{"x":1},"big":12345678901234567890,"f":1,"n":0}');
  assert.throws(() => c.parseJson('{"a":1,}'), { code: 'bad_json' });
  assert.throws(() => c.parseJson('"\u0001"'), { code: 'bad_json' });
  assert.throws(() => c.parseJson('[1] x'), { code: 'bad_json' });
});
