"""The verifier's own primitives against the crypto core's published test vectors (valid and invalid).

The vectors file is read as data; the verifier package itself never imports the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.audit_checks import opening_problems
from verifier.ballots import StageSpec, check_choices, layout_of
from verifier.encoding import EncodingError, b64decode, b64encode, canonical_json, challenge, hash_elements
from verifier.group import IDENTITY, G, H, L, add, base_mul, decode_point, decode_scalar, mul, point_defect, sub
from verifier.proofs import (
    ProofError,
    decode_ciphertext,
    verify_chaum_pedersen,
    verify_range,
    verify_schnorr,
    verify_weighted_sum,
    weighted_sum,
)
from verifier.record import JsonError, parse_json
from verifier.schemes import SchemeError, layout_for
from verifier.setup_checks import context_hash
from verifier.threshold import ceremony_context, discrete_log

VECTORS = Path(__file__).resolve().parents[2] / "voting_engine" / "core" / "vectors" / "test-vectors-v1.json"
pytestmark = pytest.mark.skipif(not VECTORS.is_file(), reason="test vectors not generated yet")


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["group"] == "edwards25519"
    return data


def _element(spec: dict[str, str]) -> bytes | str | int:
    ((kind, value),) = spec.items()
    if kind == "bytes":
        return b64decode(value)
    if kind == "int":
        return int(value)
    return value


def test_constants(vectors: dict[str, Any]) -> None:
    c = vectors["constants"]
    assert int(c["L"]) == L
    assert b64decode(c["G"]) == G and b64decode(c["H"]) == H
    assert hash_elements(c["h_domain"]) == b64decode(c["h_uniform_input"])
    assert b64decode(c["identity"]) == IDENTITY


def test_base64url(vectors: dict[str, Any]) -> None:
    for case in vectors["base64url"]["valid"]:
        assert b64decode(case["text"]).hex() == case["hex"]
        assert b64encode(bytes.fromhex(case["hex"])) == case["text"]
    for case in vectors["base64url"]["invalid"]:
        with pytest.raises(EncodingError):
            b64decode(case["text"])


def test_canonical_json(vectors: dict[str, Any]) -> None:
    for case in vectors["canonical_json"]["valid"]:
        assert canonical_json(case["value"]) == case["canonical"]
    for case in vectors["canonical_json"]["invalid"]:
        with pytest.raises((EncodingError, JsonError)):
            canonical_json(parse_json(case["json"]))


def test_hashing(vectors: dict[str, Any]) -> None:
    for case in vectors["hashing"]:
        elements = [_element(e) for e in case["elements"]]
        assert b64encode(hash_elements(case["tag"], *elements)) == case["hash"], case


def test_scalars(vectors: dict[str, Any]) -> None:
    for case in vectors["scalars"]["valid"]:
        assert decode_scalar(case["encoding"]) == int(case["value"])
    for case in vectors["scalars"]["invalid"]:
        with pytest.raises(EncodingError) as info:
            decode_scalar(case["encoding"])
        assert str(info.value).startswith(case["reason"]), case


def test_points(vectors: dict[str, Any]) -> None:
    for case in vectors["points"]["valid"]:
        decode_point(case["encoding"], allow_identity=case.get("allow_identity", False))
    for case in vectors["points"]["invalid"]:
        data = b64decode(case["encoding"])
        assert point_defect(data) == case["reason"], case["note"]
        with pytest.raises(EncodingError):
            decode_point(case["encoding"])


def test_scalar_mult_and_add(vectors: dict[str, Any]) -> None:
    bases = {"G": G, "H": H}
    for case in vectors["scalar_mult"]:
        base = bases.get(case["base"]) or b64decode(case["base"])
        assert b64encode(mul(int(case["scalar"]), base)) == case["result"], case
        if base == G:
            assert b64encode(base_mul(int(case["scalar"]))) == case["result"]
    for case in vectors["point_add"]:
        a, b = b64decode(case["a"]), b64decode(case["b"])
        assert b64encode(add(a, b)) == case["sum"] and b64encode(sub(a, b)) == case["difference"]


def test_elgamal_and_dlog(vectors: dict[str, Any]) -> None:
    eg = vectors["elgamal"]
    key = b64decode(eg["public_key"])
    secret = decode_scalar(eg["secret_key"])
    assert base_mul(secret) == key
    for case in eg["encryptions"]:
        r = decode_scalar(case["nonce"])
        assert [b64encode(base_mul(r)), b64encode(add(base_mul(case["message"]), mul(r, key)))] == case["ciphertext"]
    for case in eg["sums"]:
        cts = [decode_ciphertext(ct) for ct in case["ciphertexts"]]
        total = weighted_sum(cts, [1] * len(cts))
        assert [b64encode(total[0]), b64encode(total[1])] == case["sum"]
    for case in eg["decryptions"]:
        alpha, beta = (b64decode(x) for x in case["ciphertext"])
        point = sub(beta, mul(secret, alpha))
        assert b64encode(point) == case["plaintext_point"]
        assert discrete_log(point, case["message"] + 10) == case["message"]
    for case in vectors["dlog"]:
        assert discrete_log(b64decode(case["point"]), case["bound"]) == case["result"], case


def test_contexts_and_challenges(vectors: dict[str, Any]) -> None:
    for case in vectors["contexts"]["election"]:
        ctx = context_hash(b64decode(case["public_key"]), b64decode(case["manifest_hash"]), case["election_id"],
                           case["stage_id"], b64decode(case["stage_hash"]))
        assert b64encode(ctx) == case["hash"]
    for case in vectors["contexts"]["ceremony"]:
        ctx = ceremony_context(b64decode(case["manifest_hash"]), case["election_id"], case["trustees"],
                               case["threshold"])
        assert b64encode(ctx) == case["hash"]
    for case in vectors["challenges"]:
        elements = [_element(e) for e in case["elements"]]
        value = challenge(case["tag"], b64decode(case["context_hash"]), *elements)
        assert value == int(case["challenge"])
        assert b64encode(value.to_bytes(16, "little")) == case["encoded"]


def _outcome(check: Any) -> bool:
    try:
        check()
    except (ProofError, EncodingError):
        return False
    return True


def test_schnorr(vectors: dict[str, Any]) -> None:
    for case in vectors["proofs"]["schnorr"]:
        ok = _outcome(lambda c=case: verify_schnorr(b64decode(c["context_hash"]), c["label"],
                                                    decode_point(c["public"]), c["proof"]))
        assert ok == case["valid"], case["note"]


def test_chaum_pedersen(vectors: dict[str, Any]) -> None:
    for case in vectors["proofs"]["chaum_pedersen"]:
        ok = _outcome(lambda c=case: verify_chaum_pedersen(
            b64decode(c["context_hash"]), c["label"], decode_point(c["b1"]), decode_point(c["p1"]),
            decode_point(c["b2"]), decode_point(c["p2"]), c["proof"]))
        assert ok == case["valid"], case["note"]


def test_range(vectors: dict[str, Any]) -> None:
    for case in vectors["proofs"]["range"]:
        ok = _outcome(lambda c=case: verify_range(b64decode(c["context_hash"]), decode_point(c["public_key"]),
                                                  c["lo"], c["hi"], decode_ciphertext(c["ciphertext"]), c["proof"]))
        assert ok == case["valid"], case["note"]


def test_weighted_sum(vectors: dict[str, Any]) -> None:
    for case in vectors["proofs"]["weighted_sum"]:
        ok = _outcome(lambda c=case: verify_weighted_sum(
            b64decode(c["context_hash"]), decode_point(c["public_key"]),
            [decode_ciphertext(ct) for ct in c["ciphertexts"]], c["weights"], c["lo"], c["hi"], c["proof"]))
        assert ok == case["valid"], case["note"]


_ERROR_WORDS = {"entry_proof": "entry proof", "constraint_proof": "constraint proof", "shape": "layout has"}


@pytest.mark.parametrize("index", range(6))
def test_scheme_ballots(vectors: dict[str, Any], index: int) -> None:
    case = vectors["schemes"][index]
    stage_json = canonical_json(case["stage_definition"])
    layout = layout_of(stage_json)
    assert list(layout.bounds) == case["layout"]["entry_bounds"]
    assert [{"name": c.name, "weights": list(c.weights), "lo": c.lo, "hi": c.hi} for c in layout.constraints] == \
        case["layout"]["constraints"]
    ctx = case["context"]
    key = b64decode(ctx["public_key"])
    assert b64encode(context_hash(key, b64decode(ctx["manifest_hash"]), ctx["election_id"], ctx["stage_id"],
                                  b64decode(ctx["stage_hash"]))) == ctx["hash"]
    spec = StageSpec(ctx["election_id"], ctx["stage_id"], b64decode(ctx["hash"]), key, stage_json)
    assert check_choices(spec, case["ballot"]) == []
    for variant in case["ballot_variants"]:
        vctx = variant.get("context", ctx)
        vspec = StageSpec(vctx["election_id"], vctx["stage_id"], b64decode(vctx["hash"]), b64decode(vctx["public_key"]),
                          stage_json)
        errors = check_choices(vspec, variant["ballot"])
        assert bool(errors) != variant["valid"], variant["note"]
        if not variant["valid"]:
            code = variant["error"]
            word = code.split(":")[1] if code.startswith("bad_point:") else _ERROR_WORDS.get(code, "")
            assert any(word in e for e in errors), (variant["note"], errors)
    assert opening_problems(layout, key, case["ballot"], case["opening"]) == []
    for variant in case["opening_variants"]:
        assert bool(opening_problems(layout, key, case["ballot"], variant["opening"])) != variant["valid"]
    secret = decode_scalar(case["secret_key"])
    decrypted = [discrete_log(sub(b64decode(b), mul(secret, b64decode(a))), hi)
                 for (a, b), hi in zip(case["ballot"]["ciphertexts"], layout.bounds, strict=True)]
    assert decrypted == case["opening"]["vector"]
    results, scores = layout.read(case["opening"]["vector"], 1)
    assert results == case["results"]
    assert all(0 <= s <= 1 for s in scores.values())


def test_scheme_parameter_errors(vectors: dict[str, Any]) -> None:
    for case in vectors["scheme_parameter_errors"]:
        with pytest.raises(SchemeError) as info:
            layout_for(case["scheme"], case["params"], [(p["id"], p["cost"]) for p in case["projects"]])
        assert info.value.code == case["code"], case
