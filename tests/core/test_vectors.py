"""Check ``voting_engine/core/vectors/test-vectors-v1.json`` against the implementation.

Deterministic outputs (framing, hashes, encodings, scalar multiplications, additions, encryptions
with fixed nonces, context hashes, challenges, discrete logs) must match exactly; every proof and
ballot must verify if and only if its record says ``"valid": true``, and refused inputs must be
refused with the recorded reason or error code.  The same checks run on a freshly generated
document (with operating-system randomness) so that ``scripts/make_test_vectors.py`` keeps working.
The format is documented in ``docs/test-vectors.md``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from nacl.bindings import crypto_core_ed25519_from_uniform

import voting_engine
from ballot_schemes import (
    EncryptedChoices,
    InvalidBallot,
    InvalidChoice,
    Opening,
    Project,
    SchemeParameterError,
    make_scheme,
)
from voting_engine.core.context import ElectionContext, ceremony_context_hash
from voting_engine.core.dlog import DiscreteLogError, discrete_log
from voting_engine.core.elgamal import Ciphertext, decrypt_with_secret, encrypt, sum_ciphertexts
from voting_engine.core.encoding import EncodingError, b64decode, b64encode, canonical_json
from voting_engine.core.group import (
    GROUP_NAME,
    H_DOMAIN,
    IDENTITY_BYTES,
    P_FIELD,
    G,
    H,
    L,
    Point,
    PointError,
    Scalar,
    ScalarError,
    base_mul,
)
from voting_engine.core.hashing import Element, frame, hash_elements
from voting_engine.core.proofs.chaum_pedersen import EqualityProof, verify_equality
from voting_engine.core.proofs.disjunctive import ProofFormatError, RangeProof, verify_range
from voting_engine.core.proofs.fiat_shamir import challenge, decode_challenge, encode_challenge
from voting_engine.core.proofs.schnorr import SchnorrProof, verify_knowledge
from voting_engine.core.proofs.weighted_sum import SumProof, verify_weighted_sum

VECTORS = Path(voting_engine.__file__).parent / "core" / "vectors" / "test-vectors-v1.json"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_test_vectors.py"

Doc = dict[str, Any]
PARSE_ERRORS = (ScalarError, EncodingError, PointError, ProofFormatError, KeyError, TypeError, ValueError)


def load() -> Doc:
    with VECTORS.open(encoding="utf-8") as handle:
        doc: Doc = json.load(handle)
    return doc


def pt(text: str) -> Point:
    return Point.from_bytes(b64decode(text, 32))


def sc(text: str) -> Scalar:
    return Scalar.from_bytes(b64decode(text, 32))


def element(value: dict[str, str]) -> Element:
    ((kind, text),) = value.items()
    if kind == "bytes":
        return b64decode(text)
    if kind == "str":
        return text
    if kind == "int":
        return int(text)
    raise AssertionError(f"unknown element kind {kind}")


def context_of(record: dict[str, str]) -> ElectionContext:
    ctx = ElectionContext(
        record["election_id"],
        record["stage_id"],
        b64decode(record["manifest_hash"], 32),
        pt(record["public_key"]),
        b64decode(record["stage_hash"]),
    )
    assert b64encode(ctx.hash) == record["hash"]
    return ctx


# --- checks, one per section ------------------------------------------------------------------


def check_header(doc: Doc) -> None:
    assert doc["version"] == 1
    assert doc["group"] == GROUP_NAME == "edwards25519"
    c = doc["constants"]
    assert int(c["L"]) == L and int(c["p"]) == P_FIELD
    assert c["G"] == b64encode(G.to_bytes())
    assert G.to_bytes().hex() == "58" + "66" * 31
    assert c["h_domain"] == H_DOMAIN
    assert b64decode(c["h_uniform_input"]) == hashlib.sha256(frame([H_DOMAIN])).digest()
    assert c["H"] == b64encode(crypto_core_ed25519_from_uniform(b64decode(c["h_uniform_input"])))
    assert c["H"] == b64encode(H.to_bytes())
    assert c["identity"] == b64encode(IDENTITY_BYTES)
    assert c["challenge_bytes"] == 16


def check_base64url(doc: Doc) -> None:
    for record in doc["base64url"]["valid"]:
        data = bytes.fromhex(record["hex"])
        assert b64encode(data) == record["text"]
        assert b64decode(record["text"]) == data
    for record in doc["base64url"]["invalid"]:
        with pytest.raises(EncodingError):
            b64decode(record["text"])


def check_canonical_json(doc: Doc) -> None:
    for record in doc["canonical_json"]["valid"]:
        assert canonical_json(record["value"]).decode("utf-8") == record["canonical"]
    for record in doc["canonical_json"]["invalid"]:
        with pytest.raises(EncodingError):
            canonical_json(json.loads(record["json"]))


def check_hashing(doc: Doc) -> None:
    for record in doc["hashing"]:
        elements = [element(e) for e in record["elements"]]
        assert b64encode(frame((record["tag"], *elements))) == record["framed"]
        assert b64encode(hash_elements(record["tag"], *elements)) == record["hash"]
        assert hashlib.sha256(b64decode(record["framed"])).digest() == b64decode(record["hash"])


def check_scalars(doc: Doc) -> None:
    for record in doc["scalars"]["valid"]:
        scalar = sc(record["encoding"])
        assert scalar.value == int(record["value"])
        assert b64encode(Scalar(int(record["value"])).to_bytes()) == record["encoding"]
    for record in doc["scalars"]["invalid"]:
        assert record["reason"] in {"non_canonical", "bad_length"}
        data = b64decode(record["encoding"])
        assert (len(data) != 32) == (record["reason"] == "bad_length")
        with pytest.raises(ScalarError):
            Scalar.from_bytes(data)


def check_points(doc: Doc) -> None:
    for record in doc["points"]["valid"]:
        data = b64decode(record["encoding"])
        point = Point.from_bytes(data, allow_identity=record.get("allow_identity", False))
        assert point.to_bytes() == data
    reasons = set()
    for record in doc["points"]["invalid"]:
        with pytest.raises(PointError) as info:
            Point.from_bytes(b64decode(record["encoding"]))
        assert info.value.reason == record["reason"], record["note"]
        reasons.add(record["reason"])
    assert reasons == {"bad_length", "non_canonical", "not_on_curve", "identity", "small_order", "not_in_subgroup"}


def check_scalar_mult(doc: Doc) -> None:
    for record in doc["scalar_mult"]:
        base = {"G": G, "H": H}.get(record["base"]) or pt(record["base"])
        k = int(record["scalar"])
        result = base * k
        assert b64encode(result.to_bytes()) == record["result"]
        if record["base"] == "G":
            assert base_mul(k) == result


def check_point_add(doc: Doc) -> None:
    for record in doc["point_add"]:
        a, b = pt(record["a"]), Point.from_bytes(b64decode(record["b"], 32))
        assert b64encode((a + b).to_bytes()) == record["sum"]
        assert b64encode((a - b).to_bytes()) == record["difference"]


def check_elgamal(doc: Doc) -> None:
    section = doc["elgamal"]
    secret = sc(section["secret_key"])
    key = pt(section["public_key"])
    assert base_mul(secret) == key
    for record in section["encryptions"]:
        ct = encrypt(key, record["message"], sc(record["nonce"]))
        assert ct.to_json() == record["ciphertext"]
    for record in section["sums"]:
        cts = [Ciphertext.from_json(c) for c in record["ciphertexts"]]
        total = sum_ciphertexts(cts)
        assert total.to_json() == record["sum"]
        assert total == encrypt(key, record["message"], sc(record["nonce"]))
    for record in section["decryptions"]:
        point = decrypt_with_secret(secret, Ciphertext.from_json(record["ciphertext"]))
        assert record["plaintext_point"] == b64encode(point.to_bytes())
        assert discrete_log(point, max(record["message"], 1)) == record["message"]


def check_dlog(doc: Doc) -> None:
    for record in doc["dlog"]:
        point = Point.from_bytes(b64decode(record["point"], 32), allow_identity=True)
        if record["result"] is None:
            with pytest.raises(DiscreteLogError):
                discrete_log(point, record["bound"])
        else:
            assert discrete_log(point, record["bound"]) == record["result"]


def check_contexts(doc: Doc) -> None:
    for record in doc["contexts"]["election"]:
        context_of(record)
    for record in doc["contexts"]["ceremony"]:
        digest = ceremony_context_hash(
            record["election_id"], b64decode(record["manifest_hash"], 32), record["trustees"], record["threshold"]
        )
        assert b64encode(digest) == record["hash"]


def check_challenges(doc: Doc) -> None:
    for record in doc["challenges"]:
        elements = [element(e) for e in record["elements"]]
        c = challenge(record["tag"], b64decode(record["context_hash"], 32), *elements)
        assert c == int(record["challenge"])
        assert encode_challenge(c) == record["encoded"]
        assert decode_challenge(record["encoded"]) == c


def _check_proof_records(records: list[dict[str, Any]], verify: Callable[[dict[str, Any]], bool]) -> None:
    assert any(r["valid"] for r in records) and any(not r["valid"] for r in records)
    for record in records:
        try:
            outcome = verify(record)
        except PARSE_ERRORS as exc:
            assert not record["valid"] and record["error"] == "parse", (record["note"], exc)
            continue
        assert outcome == record["valid"], record["note"]
        if not record["valid"]:
            assert record["error"] == "verify", record["note"]


def check_schnorr(doc: Doc) -> None:
    def verify(r: dict[str, Any]) -> bool:
        proof = SchnorrProof.from_json(r["proof"])
        return verify_knowledge(b64decode(r["context_hash"], 32), pt(r["public"]), proof, r["label"])

    _check_proof_records(doc["proofs"]["schnorr"], verify)


def check_chaum_pedersen(doc: Doc) -> None:
    def verify(r: dict[str, Any]) -> bool:
        proof = EqualityProof.from_json(r["proof"])
        b1, p1, b2, p2 = (pt(r[k]) for k in ("b1", "p1", "b2", "p2"))
        return verify_equality(b64decode(r["context_hash"], 32), b1, p1, b2, p2, proof, r["label"])

    _check_proof_records(doc["proofs"]["chaum_pedersen"], verify)


def check_range(doc: Doc) -> None:
    def verify(r: dict[str, Any]) -> bool:
        proof = RangeProof.from_json(r["proof"])
        ct = Ciphertext.from_json(r["ciphertext"])
        return verify_range(b64decode(r["context_hash"], 32), pt(r["public_key"]), ct, proof, r["lo"], r["hi"])

    _check_proof_records(doc["proofs"]["range"], verify)


def check_weighted_sum(doc: Doc) -> None:
    def verify(r: dict[str, Any]) -> bool:
        proof = SumProof.from_json(r["proof"])
        cts = [Ciphertext.from_json(c) for c in r["ciphertexts"]]
        ctx, key = b64decode(r["context_hash"], 32), pt(r["public_key"])
        return verify_weighted_sum(ctx, key, cts, r["weights"], proof, r["lo"], r["hi"])

    records = doc["proofs"]["weighted_sum"]
    kinds = {"bits" in r["proof"] for r in records if r["valid"]}
    assert kinds == {True, False}, "both proof forms must be covered"
    _check_proof_records(records, verify)


def check_schemes(doc: Doc) -> None:
    names = [s["scheme"] for s in doc["schemes"]]
    assert sorted(names) == sorted({"approval", "score", "ranking", "cumulative", "budget", "yes_no_abstain"})
    for vector in doc["schemes"]:
        check_scheme_vector(vector)
    for record in doc["scheme_parameter_errors"]:
        projects = [Project(p["id"], p["cost"]) for p in record["projects"]]
        with pytest.raises(SchemeParameterError) as info:
            make_scheme(record["scheme"], record["params"], projects)
        assert info.value.code == record["code"]


def check_scheme_vector(vector: dict[str, Any]) -> None:
    name = vector["scheme"]
    stage = vector["stage_definition"]
    assert stage["scheme"] == name and stage["params"] == vector["params"]
    assert stage["candidates"] == vector["projects"]
    context = context_of(vector["context"])
    assert context.stage_hash == hash_elements("pbvote/stage/v1", canonical_json(stage))
    scheme = make_scheme(name, vector["params"], [Project(p["id"], p["cost"]) for p in vector["projects"]])
    layout = vector["layout"]
    assert scheme.entry_bounds() == layout["entry_bounds"]
    assert [
        {"name": c.name, "weights": list(c.weights), "lo": c.lo, "hi": c.hi} for c in scheme.constraints()
    ] == layout["constraints"]
    vector_values = vector["opening"]["vector"]
    scheme.validate_choice(vector["choice"])
    assert scheme.encode(vector["choice"]) == vector_values
    ballot = EncryptedChoices.from_json(vector["ballot"])
    assert ballot.to_json() == vector["ballot"]
    scheme.verify(context, ballot)
    opening = Opening(tuple(vector_values), tuple(sc(n) for n in vector["opening"]["nonces"]))
    assert scheme.verify_opening(context, ballot, opening)
    secret = sc(vector["secret_key"])
    assert base_mul(secret) == context.public_key
    decrypted = [
        discrete_log(decrypt_with_secret(secret, ct), hi)
        for ct, hi in zip(ballot.ciphertexts, layout["entry_bounds"], strict=True)
    ]
    assert decrypted == vector_values
    tally = scheme.aggregate([ballot])
    bounds = layout["entry_bounds"]
    totals = [discrete_log(decrypt_with_secret(secret, ct), hi) for ct, hi in zip(tally, bounds, strict=True)]
    assert totals == decrypted
    assert json.loads(json.dumps(scheme.decode_tally(decrypted, 1))) == vector["results"]
    codes = set()
    for variant in vector["ballot_variants"]:
        assert variant["valid"] is False
        ctx = context_of(variant["context"]) if "context" in variant else context
        with pytest.raises(InvalidBallot) as info:
            scheme.verify(ctx, EncryptedChoices.from_json(variant["ballot"]))
        assert info.value.code == variant["error"], (name, variant["note"])
        codes.add(variant["error"])
    assert {"entry_proof", "bad_point:small_order", "shape"} <= codes
    for variant in vector["opening_variants"]:
        assert variant["valid"] is False
        opening = Opening(tuple(variant["opening"]["vector"]), tuple(sc(n) for n in variant["opening"]["nonces"]))
        assert not scheme.verify_opening(context, ballot, opening)
    for record in vector["invalid_choices"]:
        with pytest.raises(InvalidChoice) as refused:
            scheme.validate_choice(record["choice"])
        assert refused.value.code == record["code"]


CHECKS: dict[str, Callable[[Doc], None]] = {
    "header": check_header,
    "base64url": check_base64url,
    "canonical_json": check_canonical_json,
    "hashing": check_hashing,
    "scalars": check_scalars,
    "points": check_points,
    "scalar_mult": check_scalar_mult,
    "point_add": check_point_add,
    "elgamal": check_elgamal,
    "dlog": check_dlog,
    "contexts": check_contexts,
    "challenges": check_challenges,
    "schnorr": check_schnorr,
    "chaum_pedersen": check_chaum_pedersen,
    "range": check_range,
    "weighted_sum": check_weighted_sum,
    "schemes": check_schemes,
}


@pytest.fixture(scope="module")
def committed() -> Doc:
    return load()


@pytest.mark.parametrize("section", list(CHECKS))
def test_committed_vectors(committed: Doc, section: str) -> None:
    CHECKS[section](committed)


def test_file_is_small_and_versioned() -> None:
    assert VECTORS.stat().st_size < 1_000_000
    doc = load()
    assert doc["version"] == 1 and doc["group"] == "edwards25519"
    expected_keys = {
        "version", "group", "description", "generator", "constants", "base64url", "canonical_json", "hashing",
        "scalars", "points", "scalar_mult", "point_add", "elgamal", "dlog", "contexts", "challenges", "proofs",
        "schemes", "scheme_parameter_errors",
    }  # fmt: skip
    assert set(doc) == expected_keys


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_test_vectors", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_output_passes_the_same_checks() -> None:
    """A fresh document made with OS randomness: different proofs, same deterministic outputs."""
    generator = _generator()
    fresh: Doc = json.loads(generator.render(generator.generate(None)))
    for check in CHECKS.values():
        check(fresh)
    committed = load()
    for section in ("constants", "hashing", "scalars", "points", "scalar_mult", "point_add", "elgamal", "contexts"):
        assert fresh[section] == committed[section], section
