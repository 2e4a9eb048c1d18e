// Cross-checks with the Python core (the reference implementation): JS-made envelopes are
// verified by Python, Python-made envelopes (voting_engine.domain.ballot.seal) by JS, canonical
// JSON agrees on tricky strings, credential parsing and keys agree, a Python board's receipts
// verify in JS.  Needs the repository's Python environment (.venv/bin/python or python3 with the
// engine's dependencies); set PBVOTE_SKIP_PYTHON=1 to skip these tests explicitly.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';

import { crypto as c, definition, projects, ballotCases, runPython, pythonAvailable, pythonExecutable } from './helpers.js';

const skip = process.env.PBVOTE_SKIP_PYTHON === '1' ? 'PBVOTE_SKIP_PYTHON=1' : false;

before(async () => {
  await c.ready();
  if (!skip) {
    assert.ok(pythonAvailable(), `the Python core cannot be imported with ${pythonExecutable()} (set PBVOTE_SKIP_PYTHON=1 to skip)`);
  }
});

const PY_PRELUDE = String.raw`
import json, sys
from voting_engine.core.encoding import b64decode, b64encode, canonical_json
from voting_engine.core.context import ElectionContext
from voting_engine.core.group import Point, Scalar
data = json.load(open(sys.argv[1], encoding="utf-8"))
def context_of(c):
    return ElectionContext(c["election_id"], c["stage_id"], b64decode(c["manifest_hash"]),
                           Point.from_bytes(b64decode(c["public_key"], 32)), b64decode(c["stage_hash"]))
def layout_of(scheme):
    return {"entry_bounds": scheme.entry_bounds(),
            "constraints": [{"name": k.name, "weights": list(k.weights), "lo": k.lo, "hi": k.hi} for k in scheme.constraints()]}
`;

const PY_VERIFY = PY_PRELUDE + String.raw`
from ballot_schemes import Opening
from voting_engine.domain.ballot import parse_envelope, check_signature, check_proofs
from voting_engine.domain.manifest import scheme_for, stage_hash
from voting_engine.domain.errors import BallotRejected
out = []
for case in data["cases"]:
    d, ctx = case["definition"], context_of(case["context"])
    scheme = scheme_for(d)
    r = {"context_hash": b64encode(ctx.hash), "stage_hash": b64encode(stage_hash(d)), "layout": layout_of(scheme)}
    try:
        ballot = parse_envelope(case["envelope"])
        r["tracking"] = b64encode(ballot.tracking)
        check_signature(ballot, ctx.election_id, ctx.stage_id)
        check_proofs(ballot, scheme, ctx)
        r["ok"] = True
    except BallotRejected as exc:
        r["ok"] = False
        r["code"] = exc.code
        r["message"] = exc.message
    if case.get("opening") is not None and r["ok"]:
        op = case["opening"]
        r["opening_ok"] = scheme.verify_opening(ctx, ballot.choices, Opening(
            tuple(op["vector"]), tuple(Scalar.from_bytes(b64decode(n, 32)) for n in op["nonces"])))
    if case.get("choice") is not None:
        scheme.validate_choice(case["choice"])
        r["vector"] = scheme.encode(case["choice"])
    out.append(r)
print(json.dumps(out))
`;

test('Python accepts JS-made envelopes and refuses the tampered ones with the same codes', { skip }, () => {
  const voter = c.deriveKeyPair(c.generateCode());
  const jointKey = c.baseMul(c.randomScalar());
  const manifestHash = c.hashElements('pbvote/manifest/v1', '{"interop":true}');
  const cases = [];
  /** @type {any[]} */
  const jsResults = [];
  for (const [def, choice] of ballotCases()) {
    const context = c.makeContext({ electionId: 'interop-2026', stageId: def.stage_id, manifestHash, jointKey }, def);
    const made = c.encryptBallot({ definition: def, context, choice, keyPair: voter });
    cases.push({ definition: def, context: c.contextToJson(context), envelope: made.envelope, opening: made.opening, choice });
    jsResults.push({ ok: true, tracking: made.trackingHashText, vector: made.opening.vector });
  }
  // tampered envelopes, each re-signed by the voter so that only the intended check fails
  const base = cases[5]; // cumulative points 5: entry proofs and a constraint proof
  const ctx = c.makeContext(base.context);
  const resign = (/** @type {any} */ env) => {
    env.signature = c.b64encode(c.signBallot(voter.secretKey, ctx.electionId, ctx.stageId, c.trackingHash(env)));
    return env;
  };
  const tamper = (/** @type {(env: any) => void} */ change, sign = true) => {
    const env = JSON.parse(JSON.stringify(base.envelope));
    change(env);
    if (sign) resign(env);
    cases.push({ definition: base.definition, context: base.context, envelope: env, opening: null, choice: null });
    const r = c.verifyBallot({ definition: base.definition, context: ctx, envelope: env });
    jsResults.push(r.ok ? { ok: true } : { ok: false, code: r.code });
  };
  tamper((env) => env.choices.ciphertexts.reverse());
  tamper((env) => env.choices.constraint_proofs[0].v.reverse());
  tamper((env) => env.choices.entry_proofs.pop());
  tamper((env) => {
    env.choices.ciphertexts[1][0] = c.b64encode(c.fromHex('0000000000000000000000000000000000000000000000000000000000000080'));
  });
  tamper((env) => {
    env.stage_id = 'other';
  });
  tamper((env) => {
    env.signature = c.b64encode(new Uint8Array(64).fill(7));
  }, false);
  tamper((env) => {
    env.version = 2;
  });
  tamper((env) => {
    env.credential = c.b64encode(c.IDENTITY);
  });

  const py = runPython(PY_VERIFY, { cases });
  assert.equal(py.length, cases.length);
  cases.forEach((cs, i) => {
    const label = `${cs.definition.scheme} ${JSON.stringify(cs.definition.params)} #${i}`;
    const ctxJs = c.makeContext(cs.context);
    assert.equal(py[i].context_hash, c.b64encode(ctxJs.hash), label);
    assert.equal(py[i].stage_hash, c.b64encode(c.stageHash(cs.definition)), label);
    const scheme = c.makeScheme(cs.definition);
    assert.deepEqual(py[i].layout, { entry_bounds: scheme.entryBounds(), constraints: scheme.constraints() }, label);
    assert.equal(py[i].ok, jsResults[i].ok, `${label}: Python ${py[i].code} ${py[i].message}`);
    if (jsResults[i].ok) {
      assert.equal(py[i].tracking, jsResults[i].tracking, label);
      assert.equal(py[i].opening_ok, true, label);
      assert.deepEqual(py[i].vector, jsResults[i].vector, label);
    } else {
      assert.equal(py[i].code, jsResults[i].code, label);
    }
  });
  assert.ok(py.filter((r) => !r.ok).length === 8);
});

const PY_SEAL = PY_PRELUDE + String.raw`
from voting_engine.core.credentials import generate_code, derive_signing_key
from voting_engine.core.receipts import short_code
from voting_engine.core.hashing import hash_elements
from voting_engine.domain.ballot import seal
from voting_engine.domain.manifest import scheme_for, stage_hash
from voting_engine.core.group import base_mul
secret = Scalar.random()
joint = base_mul(secret)
code = generate_code()
signing_key = derive_signing_key(code)
manifest_hash = hash_elements("pbvote/manifest/v1", "python-made")
out = {"secret": b64encode(secret.to_bytes()), "code": code, "credential": b64encode(bytes(signing_key.verify_key)), "ballots": []}
for case in data["cases"]:
    d = case["definition"]
    scheme = scheme_for(d)
    ctx = ElectionContext("py-election", d["stage_id"], manifest_hash, joint, stage_hash(d))
    envelope, opening, tracking = seal(scheme, ctx, signing_key, case["choice"])
    out["ballots"].append({
        "definition": d, "choice": case["choice"],
        "context": {"election_id": ctx.election_id, "stage_id": ctx.stage_id, "manifest_hash": b64encode(manifest_hash),
                    "public_key": b64encode(joint.to_bytes()), "stage_hash": b64encode(ctx.stage_hash), "hash": b64encode(ctx.hash)},
        "envelope": envelope, "tracking": b64encode(tracking), "short_code": short_code(tracking),
        "opening": {"vector": list(opening.vector), "nonces": [b64encode(n.to_bytes()) for n in opening.nonces]},
        "layout": layout_of(scheme)})
print(json.dumps(out, ensure_ascii=False))
`;

test('JS verifies Python-made ballots (seal), their tracking hashes, short codes and openings', { skip }, () => {
  const cases = ballotCases().map(([def, choice]) => ({ definition: def, choice }));
  const py = runPython(PY_SEAL, { cases });
  const secret = c.decodeScalar(py.secret);
  assert.equal(c.b64encode(c.deriveKeyPair(py.code).publicKey), py.credential);
  assert.equal(py.ballots.length, cases.length);
  for (const b of py.ballots) {
    const label = `${b.definition.scheme} ${JSON.stringify(b.definition.params)}`;
    const context = c.makeContext(b.context, b.definition); // checks the context hash too
    const scheme = c.makeScheme(b.definition);
    assert.deepEqual({ entry_bounds: scheme.entryBounds(), constraints: scheme.constraints() }, b.layout, label);
    const result = c.verifyBallot({ definition: b.definition, context, envelope: b.envelope });
    assert.equal(result.ok, true, `${label}: ${result.message}`);
    assert.equal(c.b64encode(c.trackingHash(b.envelope)), b.tracking, label);
    assert.equal(c.shortCode(b.tracking), b.short_code, label);
    assert.ok(c.matchesShortCode(b.tracking, b.short_code.toLowerCase().replace('-', ' ')));
    const opened = c.verifyOpening({ definition: b.definition, context, envelope: b.envelope, opening: b.opening });
    assert.equal(opened.ok, true, label);
    assert.deepEqual(b.opening.vector, scheme.encode(b.choice), label);
    const cts = b.envelope.choices.ciphertexts.map((x) => c.ciphertextFromJson(x));
    const bounds = scheme.entryBounds();
    assert.deepEqual(cts.map((ct, i) => c.discreteLog(c.decryptWithSecret(secret, ct), bounds[i])), b.opening.vector, label);
    // and a tampered copy is refused by JS
    const bad = JSON.parse(JSON.stringify(b.envelope));
    bad.choices.ciphertexts.reverse();
    if (bad.choices.ciphertexts.length > 1 && b.envelope.choices.ciphertexts[0][0] !== bad.choices.ciphertexts[0][0]) {
      assert.equal(c.verifyBallot({ definition: b.definition, context, envelope: bad }).code, 'bad_signature', label);
    }
  }
});

const PY_CANONICAL = String.raw`
import json, sys
from voting_engine.core.encoding import canonical_json, EncodingError
from voting_engine.core.hashing import hash_elements
from voting_engine.core.encoding import b64encode
values = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for v in values:
    try:
        text = canonical_json(v)
        out.append({"canonical": text.decode("utf-8"), "hash": b64encode(hash_elements("pbvote/test", text))})
    except (EncodingError, UnicodeEncodeError) as exc:
        out.append({"error": type(exc).__name__})
print(json.dumps(out, ensure_ascii=True))
`;

test('canonical JSON equals Python byte for byte on tricky values', { skip }, () => {
  const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
  const values = [
    '참여예산 2026 — 공원 정비',
    { 제목: '도서관', title: 'library', 'Ti\u00e9': 1, '': 0 },
    'quote " backslash \\ slash / tab \t newline \n',
    controls,
    '\u007f\u0080\u00a0\u2028\u2029\ufeff\uffff',
    '🗳️👩🏽‍💻 emoji with ZWJ and variation selector',
    { '\uff01': 1, '\u{1f5f3}': 2, '\ud7ff': 3, '\ue000': 4, a: 5, A: 6, é: 7, 'é\u0301': 8, '\u{10ffff}': 9 },
    [1, -1, 0, 9007199254740991, -9007199254740991, 12345678901234567890123n, -(2n ** 70n)],
    [true, false, null, [], {}, [[]], { a: { b: { c: [] } } }],
    { version: 1, election_id: 'gg-2026', choices: { ciphertexts: [], entry_proofs: [], constraint_proofs: [] } },
  ];
  const py = runPython(PY_CANONICAL, values);
  values.forEach((v, i) => {
    assert.equal(py[i].canonical, c.canonicalJson(v), `value ${i}`);
    assert.equal(py[i].hash, c.b64encode(c.hashElements('pbvote/test', c.canonicalJson(v))), `value ${i}`);
    assert.deepEqual(Buffer.from(c.canonicalJsonBytes(v)), Buffer.from(py[i].canonical, 'utf8'));
  });
  // floats and lone surrogates are refused by both
  const refused = '[{"a": 1.5}, [1e3], [1.0], "\\ud800", {"\\udfff": 1}, ["a\\ud83d"]]';
  const pyRefused = runPython(PY_CANONICAL, { raw: refused });
  assert.ok(pyRefused.every((/** @type {any} */ r) => r.error), JSON.stringify(pyRefused));
  for (const v of c.parseJson(refused)) assert.throws(() => c.canonicalJson(v), (/** @type {any} */ e) => e.code === 'float' || e.code === 'lone_surrogate');
});

const PY_CODES = String.raw`
import json, sys
from voting_engine.core.credentials import parse_code, public_credential, CredentialCodeError, format_code, code_from_random
from voting_engine.core.encoding import b64encode, b64decode
from voting_engine.core.receipts import normalize_short_code
data = json.load(open(sys.argv[1], encoding="utf-8"))
out = {"codes": [], "random": [code_from_random(b64decode(r)) for r in data["random"]], "short": []}
for text in data["codes"]:
    try:
        code = parse_code(text)
        out["codes"].append({"code": code, "formatted": format_code(code), "public": b64encode(public_credential(code))})
    except CredentialCodeError as exc:
        out["codes"].append({"error": exc.code})
for text in data["short"]:
    try:
        out["short"].append(normalize_short_code(text))
    except ValueError:
        out["short"].append(None)
print(json.dumps(out))
`;

test('credential codes: parsing, key derivation and short-code normalisation agree with Python', { skip }, () => {
  const codes = [];
  const random = [];
  for (let i = 0; i < 8; i++) {
    const bytes = c.sodium().randombytes_buf(17);
    random.push(c.b64encode(bytes));
    const code = c.codeFromRandom(bytes);
    const plain = code.replaceAll('-', '');
    codes.push(code, code.toLowerCase(), plain, ` ${code.replaceAll('-', '\u2013')} `, code.replaceAll('-', '\u00a0'));
    codes.push(plain.replaceAll('1', 'l').replaceAll('0', 'o'), plain.replaceAll('1', 'I'));
    codes.push(plain.slice(0, 26), plain + '0', plain.slice(0, 25) + plain[26] + plain[25]);
    const pos = i * 3;
    const sub = c.ALPHABET[(c.ALPHABET.indexOf(plain[pos]) + 1) % 32];
    codes.push(plain.slice(0, pos) + sub + plain.slice(pos + 1));
    codes.push(plain.slice(0, pos) + plain[pos + 1] + plain[pos] + plain.slice(pos + 2));
    codes.push(plain.slice(0, pos) + 'U' + plain.slice(pos + 1), plain.slice(0, pos) + '*' + plain.slice(pos + 1));
    codes.push(plain.slice(0, pos) + 'ı' + plain.slice(pos + 1), plain.slice(0, pos) + '０' + plain.slice(pos + 1));
  }
  codes.push('', '-----', '000G4-0R40M-30E20-9185G-R38E1-WR', 'zzzzz-zzzzz-zzzzz-zzzzz-zzzzz-zm', '0'.repeat(26) + 'U');
  const short = ['0CZ68-Z1PWH', '0cz68 z1pwh', 'OCZ68-ZIPWH', '0CZ68-Z1PW', '0CZ68-Z1PWU', '0CZ68\u2013Z1PWH', 'ocz68\tzlpwh'];
  const py = runPython(PY_CODES, { codes, random, short });
  codes.forEach((text, i) => {
    const expected = py.codes[i];
    let got;
    try {
      const code = c.parseCode(text);
      got = { code, formatted: c.formatCode(code), public: c.b64encode(c.deriveKeyPair(code).publicKey) };
    } catch (err) {
      got = { error: /** @type {any} */ (err).code };
    }
    assert.deepEqual(got, expected, JSON.stringify(text));
  });
  random.forEach((r, i) => assert.equal(c.codeFromRandom(c.b64decode(r)), py.random[i]));
  short.forEach((text, i) => {
    let got;
    try {
      got = c.normalizeShortCode(text);
    } catch {
      got = null;
    }
    assert.equal(got, py.short[i], JSON.stringify(text));
  });
});

const PY_BOARD = PY_PRELUDE + String.raw`
from nacl.signing import SigningKey
from voting_engine.core.hashing import hash_elements
from voting_engine.core.receipts import short_code
from voting_engine.domain.ballot import parse_envelope
from voting_engine.domain.bulletin import StageBoard
key = SigningKey(bytes(range(32)))
ctx_hash = b64decode(data["context_hash"], 32)
board = StageBoard(ctx_hash, key)
receipts = []
for i, envelope in enumerate(data["envelopes"]):
    entry = board.append(parse_envelope(envelope))
    sth = board.sign_head(1700000000000 + i)
    receipt = {"election_id": envelope["election_id"], "stage_id": envelope["stage_id"],
               "short_code": short_code(entry.ballot.tracking), **board.receipt(entry, sth)}
    digest = hash_elements("pbvote/receipt/v1", canonical_json(receipt))
    receipt["server_signature"] = b64encode(key.sign(digest).signature)
    receipts.append(receipt)
final = board.sign_head(1700000009999)
print(json.dumps({"board_key": b64encode(bytes(key.verify_key)), "receipts": receipts, "final": final.to_dict(),
                  "leaves": [b64encode(h) for h in board.log.leaf_hashes()],
                  "chains": [b64encode(e.chain) for e in board.entries]}))
`;

test("a Python board's receipts verify in JS; tampered receipts are refused", { skip }, () => {
  const voter = c.deriveKeyPair(c.generateCode());
  const def = definition('approval', { max: 2 }, projects(4));
  const context = c.makeContext({ electionId: 'board-2026', stageId: 'vote', manifestHash: new Uint8Array(32).fill(3), jointKey: c.baseMul(c.randomScalar()) }, def);
  const envelopes = [];
  for (let i = 0; i < 6; i++) {
    const choice = { approved: [['p00'], ['p01', 'p02'], [], ['p03'], ['p00', 'p03'], ['p02']][i] };
    envelopes.push(c.encryptBallot({ definition: def, context, choice, keyPair: voter }).envelope);
  }
  const py = runPython(PY_BOARD, { context_hash: c.b64encode(context.hash), envelopes });
  const boardKey = py.board_key;
  // leaves and chain recomputed in JS
  let chain = c.chainStart(context.hash);
  envelopes.forEach((env, i) => {
    const tracking = c.trackingHash(env);
    assert.equal(c.b64encode(c.leafHash(c.leafData(i, tracking, env.signature))), py.leaves[i]);
    chain = c.chainNext(chain, tracking);
    assert.equal(c.b64encode(chain), py.chains[i]);
  });
  assert.equal(c.b64encode(c.merkleRoot(py.leaves.map((/** @type {string} */ x) => c.b64decode(x)))), py.final.root);
  assert.ok(c.verifyTreeHead(py.final, boardKey));
  let previous = c.chainStart(context.hash);
  py.receipts.forEach((/** @type {any} */ receipt, /** @type {number} */ i) => {
    const result = c.verifyReceipt(receipt, envelopes[i], boardKey, { context, previousChain: previous });
    assert.deepEqual(result, { ok: true, problems: [] }, `receipt ${i}`);
    previous = c.b64decode(receipt.chain);
    // the receipt's tree head is a prefix of the final one
    assert.equal(receipt.tree_head.tree_size, i + 1);
  });
  const receipt = py.receipts[3];
  const envelope = envelopes[3];
  const problemCodes = (/** @type {any} */ r, /** @type {any} */ env = envelope, key = boardKey) =>
    c.verifyReceipt(r, env, key).problems.map((/** @type {any} */ p) => p.code);
  const altered = (/** @type {(r: any) => void} */ change) => {
    const r = JSON.parse(JSON.stringify(receipt));
    change(r);
    return r;
  };
  assert.deepEqual(problemCodes(receipt, envelopes[2]), ['tracking_hash', 'short_code', 'inclusion']);
  assert.deepEqual(problemCodes(altered((r) => { r.position = 2; })), ['inclusion', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.inclusion_proof.reverse(); })), ['inclusion', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.tree_head.timestamp += 1; })), ['tree_head_signature', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.tree_head.tree_size = 5; })), ['inclusion', 'tree_head_signature', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.server_signature = py.receipts[2].server_signature; })), ['server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.stage_id = 'other'; })), ['ids', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { r.short_code = '00000-00000'; })), ['short_code', 'server_signature']);
  assert.deepEqual(problemCodes(altered((r) => { delete r.chain; })), ['schema']);
  const otherKey = c.b64encode(c.deriveKeyPair(c.generateCode()).publicKey);
  assert.deepEqual(problemCodes(receipt, envelope, otherKey), ['tree_head_signature', 'server_signature']);
  const wrongLog = c.verifyReceipt(receipt, envelope, boardKey, { contextHash: new Uint8Array(32) });
  assert.deepEqual(wrongLog.problems.map((p) => p.code), ['log_id']);
  const wrongChain = c.verifyReceipt(receipt, envelope, boardKey, { previousChain: new Uint8Array(32) });
  assert.deepEqual(wrongChain.problems.map((p) => p.code), ['chain']);
  // without a board key the key-free checks still run, but the receipt is not verified
  assert.deepEqual(problemCodes(receipt, envelope, /** @type {any} */ (null)), ['board_key']);
  assert.deepEqual(problemCodes(receipt, envelopes[2], /** @type {any} */ (null)), ['board_key', 'tracking_hash', 'short_code', 'inclusion']);
  // leafData(position, envelope) is leafData(position, tracking hash, signature)
  assert.deepEqual(c.leafData(3, envelope), c.leafData(3, c.trackingHash(envelope), envelope.signature));
});

const PY_SCHEMES = String.raw`
import json, sys
from ballot_schemes import make_scheme, Project
from ballot_schemes.errors import SchemeError
data = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for case in data:
    r = {}
    try:
        scheme = make_scheme(case["scheme"], case["params"], [Project(p["id"], p["cost"]) for p in case["projects"]])
        r["layout"] = {"entry_bounds": scheme.entry_bounds(),
                       "constraints": [{"name": k.name, "weights": list(k.weights), "lo": k.lo, "hi": k.hi} for k in scheme.constraints()]}
        codes = []
        for choice in case["choices"]:
            try:
                scheme.validate_choice(choice)
                vector = scheme.encode(choice)
                scheme.check_vector(vector)
                codes.append({"vector": vector})
            except SchemeError as exc:
                codes.append({"code": exc.code})
        r["choices"] = codes
    except SchemeError as exc:
        r["error"] = exc.code
    out.append(r)
print(json.dumps(out))
`;

test('scheme parameters and choice validation agree with Python on generated cases', { skip }, () => {
  const p = (/** @type {number} */ n, cost = (/** @type {number} */ i) => 100 * (i + 1)) =>
    Array.from({ length: n }, (_, i) => ({ id: `x${i}`, cost: cost(i) }));
  /** @type {any[]} */
  const paramCases = [
    ['approval', {}], ['approval', { min: 0, max: 0 }], ['approval', { min: 2, max: 9 }], ['approval', { min: 5 }],
    ['approval', { max: true }], ['approval', { max: 1.5 }], ['approval', { max: '2' }], ['approval', { min: -1 }],
    ['approval', { min: null }], ['approval', { other: 1, zzz: 2 }], ['score', {}], ['score', { max_score: 1 }],
    ['score', { max_score: 8 }], ['score', { max_score: 100 }], ['score', { max_score: false }],
    ['cumulative', { points: 1 }], ['cumulative', { points: 7 }], ['cumulative', { points: 9, max_per_project: 3 }],
    ['cumulative', { points: 30, max_per_project: 2 }], ['cumulative', { points: 9, exact: true }],
    ['cumulative', { points: 30, max_per_project: 2, exact: true }], ['cumulative', { points: 4, exact: 1 }],
    ['cumulative', { points: 4, max_per_project: 0 }], ['cumulative', { points: 100, max_per_project: 500 }],
    ['budget', { budget: 250 }], ['budget', { budget: 100000 }], ['budget', { budget: 999, min: 1, max: 2 }],
    ['budget', { budget: 999, min: 4 }], ['budget', { budget: 999, max: 0 }], ['budget', { budget: 0 }],
    ['ranking', {}], ['ranking', { max_rank: 2 }], ['ranking', { max_rank: 9, min_rank: 3 }],
    ['ranking', { min_rank: 1 }], ['ranking', { max_rank: 2, min_rank: 2 }], ['ranking', { max_rank: 0 }],
    ['yes_no_abstain', {}], ['yes_no_abstain', { x: 1 }], ['plurality', {}],
  ];
  const costs = [(/** @type {number} */ i) => 100 * (i + 1), (/** @type {number} */ i) => [300, 450, 600, 150][i], (/** @type {number} */ i) => 1_000_000_007 * (i + 1)];
  const choicesFor = (/** @type {string} */ scheme) => {
    const ids = ['x0', 'x1', 'x2', 'x3'];
    const common = [null, [], 'x', {}, { other: [] }];
    if (scheme === 'approval' || scheme === 'budget') {
      return [...common, { approved: [] }, { approved: ['x0'] }, { approved: ['x0', 'x1'] }, { approved: ids }, { approved: ['x9'] },
        { approved: ['x1', 'x1'] }, { approved: [1] }, { approved: 'x0' }, { approved: ['x2', 'x3', 'x1'] }, { approved: ['x0'], extra: 1 }];
    }
    if (scheme === 'score' || scheme === 'cumulative') {
      const key = scheme === 'score' ? 'scores' : 'points';
      return [...common, { [key]: {} }, { [key]: { x0: 1 } }, { [key]: { x0: 7, x1: 2 } }, { [key]: { x0: 8, x3: 1 } }, { [key]: { x2: -1 } },
        { [key]: { x1: 1.5 } }, { [key]: { x1: true } }, { [key]: { x1: '1' } }, { [key]: { zz: 1 } }, { [key]: [1] },
        { [key]: { x0: 2, x1: 2, x2: 2, x3: 3 } }, { [key]: { x0: 30 } }, { [key]: { x0: 100, x1: 100 } }];
    }
    if (scheme === 'ranking') {
      return [...common, { ranking: [] }, { ranking: ['x1'] }, { ranking: ['x1', 'x0'] }, { ranking: ['x1', 'x0', 'x3'] }, { ranking: ids },
        { ranking: ['x1', 'x1'] }, { ranking: ['x9'] }, { ranking: [null] }, { ranking: {} }];
    }
    return [...common, { answers: {} }, { answers: { x0: 'yes', x1: 'no', x2: 'abstain' } }, { answers: { x0: 'YES' } },
      { answers: { x0: null } }, { answers: { x9: 'yes' } }, { answers: ['x0'] }, { answers: { x0: 'no', x3: 'yes' } }];
  };
  const cases = [];
  for (const [scheme, params] of paramCases) {
    for (const cost of costs) {
      for (const n of [1, 3, 4]) cases.push({ scheme, params, projects: p(n, cost), choices: choicesFor(scheme) });
    }
  }
  const py = runPython(PY_SCHEMES, { raw: JSON.stringify(cases) });
  assert.equal(py.length, cases.length);
  let compared = 0;
  cases.forEach((cs, i) => {
    const label = `${cs.scheme} ${JSON.stringify(cs.params)} n=${cs.projects.length} costs=${cs.projects.map((x) => x.cost)}`;
    let scheme;
    try {
      scheme = c.makeScheme({ stage_id: 's', scheme: cs.scheme, params: cs.params, candidates: cs.projects, groups: [], revote: 'last' });
    } catch (err) {
      assert.equal(/** @type {any} */ (err).code, py[i].error, label);
      return;
    }
    assert.equal(py[i].error, undefined, `${label}: Python refused with ${py[i].error}`);
    assert.deepEqual({ entry_bounds: scheme.entryBounds(), constraints: scheme.constraints() }, py[i].layout, label);
    cs.choices.forEach((choice, j) => {
      let got;
      try {
        got = { vector: scheme.encode(choice) };
      } catch (err) {
        got = { code: /** @type {any} */ (err).code };
      }
      assert.deepEqual(got, py[i].choices[j], `${label} ${JSON.stringify(choice)}`);
      const problem = scheme.validateChoice(choice);
      if (!problem && got.vector) assert.deepEqual(scheme.encode(scheme.decodeOpening(got.vector)), got.vector);
      compared++;
    });
  });
  assert.ok(compared > 1000);
});
