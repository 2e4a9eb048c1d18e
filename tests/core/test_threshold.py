"""k-of-n threshold trustees: ceremony, blame on every forged message, decryption by any quorum."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from functools import cache
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_core_ed25519_add
from nacl.public import PrivateKey

from voting_engine.core.context import ElectionContext, ceremony_context_hash
from voting_engine.core.elgamal import Ciphertext, encrypt, sum_ciphertexts
from voting_engine.core.encoding import b64encode
from voting_engine.core.group import G_BYTES, L, Point, PointError, Scalar, base_mul
from voting_engine.core.hashing import hash_elements
from voting_engine.core.key_ceremony import evaluate
from voting_engine.core.proofs.chaum_pedersen import EqualityProof
from voting_engine.core.proofs.fiat_shamir import CHALLENGE_MODULUS
from voting_engine.core.proofs.schnorr import SchnorrProof
from voting_engine.core.threshold import (
    CeremonyRecord,
    EncryptedShare,
    KeyShareConfirmation,
    PartialDecryption,
    SecretShare,
    ThresholdError,
    Trustee,
    TrusteeAnnouncement,
    TrusteeError,
    confirm_key_share,
    decrypt_tally,
    lagrange_coefficient,
    partial_decrypt,
    trustee_fingerprint,
    verification_key,
    verify_ceremony,
    verify_partial_decryption,
)

ELECTION = "pb-2025"
MANIFEST = hash_elements("test/manifest", ELECTION)
LABELS = ["park", "library", "bike-lanes"]
VOTES = [[1, 0, 1], [0, 1, 1], [1, 1, 1], [0, 0, 1]]  # one row per ballot
EXPECTED = [2, 2, 4]
SMALL_ORDER = (2**255 - 20).to_bytes(32, "little")  # (0, −1), a point of order 2
MIXED = crypto_core_ed25519_add(G_BYTES, SMALL_ORDER)  # G plus torsion: on the curve, not in the subgroup


def roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))


class Ceremony(NamedTuple):
    trustees: list[Trustee]
    announcements: list[TrusteeAnnouncement]
    shares: dict[int, SecretShare]
    record: CeremonyRecord
    context: ElectionContext


def make_trustees(n: int, k: int, election_id: str = ELECTION) -> list[Trustee]:
    context_hash = ceremony_context_hash(election_id, MANIFEST, n, k)
    return [Trustee.generate(i, n, k, context_hash) for i in range(1, n + 1)]


def deal_all(trustees: list[Trustee], announcements: list[TrusteeAnnouncement]) -> None:
    for dealer in trustees:
        for recipient in trustees:
            if dealer is not recipient:
                share = dealer.share_for(announcements[recipient.index - 1])
                recipient.receive_share(
                    announcements[dealer.index - 1], EncryptedShare.from_json(roundtrip(share.to_json()))
                )


def run_ceremony(n: int, k: int, election_id: str = ELECTION) -> Ceremony:
    trustees = make_trustees(n, k, election_id)
    announcements = [TrusteeAnnouncement.from_json(roundtrip(t.public_announcement().to_json())) for t in trustees]
    deal_all(trustees, announcements)
    shares = {t.index: t.finalize(announcements) for t in trustees}
    confirmations = [confirm_key_share(s) for s in shares.values()]
    record = CeremonyRecord.assemble(election_id, MANIFEST, announcements, confirmations, threshold=k)
    record = CeremonyRecord.from_json(roundtrip(record.to_json()))
    joint = verify_ceremony(record)
    return Ceremony(trustees, announcements, shares, record, ElectionContext(election_id, "stage-1", MANIFEST, joint))


@cache
def ceremony_3_of_5() -> Ceremony:
    return run_ceremony(5, 3)


def encrypted_tally(public_key: Point, votes: list[list[int]] = VOTES) -> list[Ciphertext]:
    ballots = [[encrypt(public_key, v, Scalar.random()) for v in row] for row in votes]
    return [sum_ciphertexts([ballot[x] for ballot in ballots]) for x in range(len(votes[0]))]


@cache
def tally_3_of_5() -> tuple[list[Ciphertext], dict[int, PartialDecryption]]:
    c = ceremony_3_of_5()
    tally = encrypted_tally(c.context.public_key)
    return tally, {i: partial_decrypt(s, tally, c.context, LABELS) for i, s in c.shares.items()}


def decrypt(partials: Any, tally: list[Ciphertext] | None = None, context: ElectionContext | None = None) -> list[int]:
    c = ceremony_3_of_5()
    tally = tally if tally is not None else tally_3_of_5()[0]
    keys = c.record.verification_key_map()
    return decrypt_tally(tally, partials, keys, context or c.context, 100, threshold=3, labels=LABELS)


def replace_entry(
    partial: PartialDecryption, x: int, share: Point | None = None, proof: Any = "keep"
) -> PartialDecryption:
    shares, proofs = list(partial.shares), list(partial.proofs)
    if share is not None:
        shares[x] = share
    if proof != "keep":
        proofs[x] = proof
    return PartialDecryption(partial.trustee, tuple(shares), tuple(proofs))


# --- key ceremony -----------------------------------------------------------------------------


def test_ceremony_3_of_5_publishes_consistent_keys() -> None:
    c = ceremony_3_of_5()
    rows = [a.commitments for a in c.announcements]
    for index, share in c.shares.items():
        assert share.verification_key == verification_key(rows, index) == c.record.verification_keys[index - 1]
        assert share.joint_public_key == c.record.joint_public_key == c.context.public_key
    # Any three shares interpolate the joint secret (computed here only to test the algebra).
    for subset in ((1, 2, 3), (2, 4, 5)):
        secret = sum(lagrange_coefficient(i, subset).value * c.shares[i].secret.value for i in subset)
        assert base_mul(secret) == c.context.public_key
    fingerprints = {trustee_fingerprint(a) for a in c.announcements}
    assert len(fingerprints) == 5
    assert all(re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){4}", f) for f in fingerprints)


def test_corrupted_share_from_dealer_2_is_blamed_on_dealer_2() -> None:
    n, k = 5, 3
    context_hash = ceremony_context_hash(ELECTION, MANIFEST, n, k)
    box = PrivateKey.generate()
    coefficients = [Scalar.random() for _ in range(k)]
    honest = Trustee(2, n, k, context_hash, coefficients, box)
    cheat = Trustee(2, n, k, context_hash, [coefficients[0] + 1, *coefficients[1:]], box)  # same box key
    recipient = Trustee.generate(1, n, k, context_hash)
    to_recipient = recipient.public_announcement()
    with pytest.raises(TrusteeError) as err:
        recipient.receive_share(honest.public_announcement(), cheat.share_for(to_recipient))
    assert (err.value.trustee, err.value.code) == (2, "bad_share")

    good = honest.share_for(to_recipient)
    tampered = dataclasses.replace(good, ciphertext=good.ciphertext[:-1] + bytes([good.ciphertext[-1] ^ 1]))
    misrouted = dataclasses.replace(good, recipient=3)
    for bad in (tampered, misrouted):
        with pytest.raises(TrusteeError) as err:
            recipient.receive_share(honest.public_announcement(), bad)
        assert (err.value.trustee, err.value.code) == (2, "bad_share")
    recipient.receive_share(honest.public_announcement(), good)


def test_share_from_another_ceremony_is_refused() -> None:
    n, k = 3, 2
    here, there = (ceremony_context_hash(e, MANIFEST, n, k) for e in (ELECTION, "other-election"))
    dealer_secrets = ([Scalar.random() for _ in range(k)], PrivateKey.generate())
    recipient_secrets = ([Scalar.random() for _ in range(k)], PrivateKey.generate())
    dealer_here, dealer_there = (Trustee(2, n, k, h, *dealer_secrets) for h in (here, there))
    recipient_here, recipient_there = (Trustee(1, n, k, h, *recipient_secrets) for h in (here, there))
    replayed = dealer_there.share_for(recipient_there.public_announcement())
    with pytest.raises(TrusteeError) as err:
        recipient_here.receive_share(dealer_here.public_announcement(), replayed)
    assert (err.value.trustee, err.value.code) == (2, "bad_share")


def test_equivocating_dealer_is_caught_at_finalize() -> None:
    trustees = make_trustees(3, 2)
    announcements = [t.public_announcement() for t in trustees]
    deal_all(trustees, announcements)
    # Dealer 2 publishes a different polynomial (same box key) from the one it dealt with.
    c2 = Trustee(2, 3, 2, trustees[0].context_hash, [Scalar.random() for _ in range(2)], trustees[1]._box_key)
    published = [announcements[0], c2.public_announcement(), announcements[2]]
    with pytest.raises(TrusteeError) as err:
        trustees[0].finalize(published)
    assert (err.value.trustee, err.value.code) == (2, "bad_share")
    with pytest.raises(TrusteeError) as err:
        trustees[1].finalize(published)  # its own published announcement was replaced
    assert (err.value.trustee, err.value.code) == (2, "bad_announcement")


def test_missing_share_names_the_silent_dealer() -> None:
    trustees = make_trustees(4, 2)
    announcements = [t.public_announcement() for t in trustees]
    for dealer in trustees[:3]:
        if dealer.index != 1:
            trustees[0].receive_share(announcements[dealer.index - 1], dealer.share_for(announcements[0]))
    with pytest.raises(TrusteeError) as err:
        trustees[0].finalize(announcements)
    assert (err.value.trustee, err.value.code) == (4, "missing_share")


def forge_proof(proof: SchnorrProof) -> SchnorrProof:
    return SchnorrProof(proof.c, proof.v + 1)


@pytest.mark.parametrize("forgery", ["proof", "swapped_box_key", "other_trustee_proof", "small_order"])
def test_forged_announcement_is_blamed_on_its_trustee(forgery: str) -> None:
    c = ceremony_3_of_5()
    a3 = c.announcements[2]
    if forgery == "proof":
        forged = dataclasses.replace(a3, proofs=(a3.proofs[0], forge_proof(a3.proofs[1]), a3.proofs[2]))
    elif forgery == "swapped_box_key":  # a relay substitutes its own X25519 key
        forged = dataclasses.replace(a3, box_public_key=bytes(PrivateKey.generate().public_key))
    elif forgery == "other_trustee_proof":
        forged = dataclasses.replace(a3, commitments=c.announcements[3].commitments, proofs=c.announcements[3].proofs)
    else:
        forged = dataclasses.replace(a3, commitments=(Point(SMALL_ORDER), *a3.commitments[1:]))
    expected = "bad_point" if forgery == "small_order" else "bad_commitment_proof"
    record = dataclasses.replace(
        c.record, announcements=(*c.record.announcements[:2], forged, *c.record.announcements[3:])
    )
    with pytest.raises(TrusteeError) as err:
        verify_ceremony(record)
    assert (err.value.trustee, err.value.code) == (3, expected)
    published = roundtrip(record.to_json())
    with pytest.raises(TrusteeError) as err:
        verify_ceremony(CeremonyRecord.from_json(published))  # from_json already refuses a bad point
    assert (err.value.trustee, err.value.code) == (3, expected)
    with pytest.raises(TrusteeError) as err:
        make_trustees(5, 3)[0].receive_share(forged, EncryptedShare(3, 1, b""))
    assert err.value.trustee == 3


def test_ceremony_record_checks_confirmations_and_published_keys() -> None:
    c = ceremony_3_of_5()
    confirmations = list(c.record.confirmations)
    confirmations[3] = KeyShareConfirmation(4, confirmations[4].proof)
    with pytest.raises(TrusteeError) as err:
        verify_ceremony(dataclasses.replace(c.record, confirmations=tuple(confirmations)))
    assert (err.value.trustee, err.value.code) == (4, "bad_key_share_proof")
    with pytest.raises(ThresholdError, match="incomplete_ceremony"):
        verify_ceremony(dataclasses.replace(c.record, confirmations=c.record.confirmations[:4]))
    with pytest.raises(ThresholdError, match="incomplete_ceremony"):
        verify_ceremony(dataclasses.replace(c.record, announcements=c.record.announcements[:4]))
    with pytest.raises(ThresholdError, match="joint_key_mismatch"):
        verify_ceremony(dataclasses.replace(c.record, joint_public_key=base_mul(7)))
    keys = list(c.record.verification_keys)
    keys[1] = base_mul(7)
    with pytest.raises(TrusteeError) as err:
        verify_ceremony(dataclasses.replace(c.record, verification_keys=tuple(keys)))
    assert (err.value.trustee, err.value.code) == (2, "bad_verification_key")
    with pytest.raises(ThresholdError, match="bad_record"):
        CeremonyRecord.from_json({"format": "something-else"})


def test_secret_share_and_trustee_state_serialise() -> None:
    c = ceremony_3_of_5()
    share = c.shares[2]
    assert SecretShare.from_bytes(share.to_bytes()) == share
    assert hex(share.secret.value)[2:] not in repr(share) and "secret" not in repr(share)
    assert "coefficient" not in repr(c.trustees[0])
    with pytest.raises(ThresholdError):
        SecretShare.from_bytes(b'{"format":"pbvote/threshold/secret-share/v1"}')
    # A ceremony interrupted after dealing resumes from the exported state.
    trustees = make_trustees(3, 2)
    announcements = [t.public_announcement() for t in trustees]
    deal_all(trustees, announcements)
    resumed = Trustee.import_state(trustees[0].export_state())
    assert resumed.finalize(announcements) == trustees[0].finalize(announcements)
    assert trustee_fingerprint(resumed.public_announcement()) == trustee_fingerprint(announcements[0])


# --- partial decryption and combination -------------------------------------------------------


def test_every_quorum_decrypts_the_tally() -> None:
    _, partials = tally_3_of_5()
    for size in (3, 4, 5):
        for subset in itertools.combinations(range(1, 6), size):
            assert decrypt({i: partials[i] for i in subset}) == EXPECTED
    parsed = [PartialDecryption.from_json(roundtrip(p.to_json())) for p in partials.values()]
    assert parsed == list(partials.values())
    assert decrypt(parsed[:3]) == EXPECTED


def test_fewer_than_threshold_duplicates_and_bad_indices_are_refused() -> None:
    _, partials = tally_3_of_5()
    for subset in ((), (1,), (2, 5)):
        with pytest.raises(ThresholdError, match="too_few_trustees") as err:
            decrypt({i: partials[i] for i in subset})
        assert "3 needed" in str(err.value)
    with pytest.raises(ThresholdError, match="duplicate_trustee"):
        decrypt([partials[1], partials[1], partials[2]])
    with pytest.raises(ThresholdError, match="bad_index"):
        decrypt([partials[1], partials[2], dataclasses.replace(partials[3], trustee=6)])
    with pytest.raises(ThresholdError, match="bad_index"):
        decrypt({1: partials[1], 2: partials[2], 4: partials[3]})


def test_wrong_m_is_blamed_on_its_trustee() -> None:
    _, partials = tally_3_of_5()
    forged = replace_entry(partials[2], 1, share=partials[2].shares[1] + base_mul(1))
    with pytest.raises(TrusteeError) as err:
        decrypt({1: partials[1], 2: forged, 3: partials[3]})
    assert (err.value.trustee, err.value.code) == (2, "bad_decryption_share")
    assert "library" in str(err.value)


def test_valid_m_with_proof_for_another_ciphertext_is_refused() -> None:
    c = ceremony_3_of_5()
    _, partials = tally_3_of_5()
    other = partial_decrypt(c.shares[4], encrypted_tally(c.context.public_key), c.context, LABELS)
    forged = replace_entry(partials[4], 0, share=other.shares[0], proof=other.proofs[0])
    with pytest.raises(TrusteeError) as err:
        decrypt({1: partials[1], 4: forged, 5: partials[5]})
    assert (err.value.trustee, err.value.code) == (4, "bad_decryption_share")
    swapped = replace_entry(partials[4], 0, proof=partials[4].proofs[2])  # proof of another entry
    with pytest.raises(TrusteeError, match="trustee 4"):
        decrypt({1: partials[1], 4: swapped, 5: partials[5]})


def test_proof_from_another_election_context_is_refused() -> None:
    c = ceremony_3_of_5()
    tally, partials = tally_3_of_5()
    for other in (dataclasses.replace(c.context, election_id="other"), dataclasses.replace(c.context, stage_id="x")):
        replayed = partial_decrypt(c.shares[5], tally, other, LABELS)
        with pytest.raises(TrusteeError) as err:
            decrypt({1: partials[1], 2: partials[2], 5: replayed})
        assert (err.value.trustee, err.value.code) == (5, "bad_decryption_share")


@pytest.mark.parametrize("bad", [SMALL_ORDER, MIXED, bytes(32), b"\xff" * 32])
def test_invalid_point_as_m_is_blamed_on_its_trustee(bad: bytes) -> None:
    c = ceremony_3_of_5()
    tally, partials = tally_3_of_5()
    as_json = partials[3].to_json()
    as_json["shares"][0] = b64encode(bad)
    with pytest.raises(TrusteeError) as err:
        PartialDecryption.from_json(as_json)
    assert (err.value.trustee, err.value.code) == (3, "bad_point")
    in_memory = replace_entry(partials[3], 0, share=Point(bad))
    with pytest.raises(TrusteeError) as err:
        verify_partial_decryption(in_memory, tally, c.record.verification_keys[2], c.context, LABELS)
    assert (err.value.trustee, err.value.code) == (3, "bad_point")


def test_identity_m_for_a_real_ciphertext_is_refused() -> None:
    _, partials = tally_3_of_5()
    forged = replace_entry(partials[1], 2, share=Point.identity())
    with pytest.raises(TrusteeError) as err:
        decrypt({1: forged, 2: partials[2], 3: partials[3]})
    assert (err.value.trustee, err.value.code) == (1, "bad_decryption_share")


def test_empty_tally_decrypts_to_zero() -> None:
    c = ceremony_3_of_5()
    real = encrypt(c.context.public_key, 3, Scalar.random())
    tally = [Ciphertext.zero(), real, Ciphertext.zero()]
    partials = {i: partial_decrypt(s, tally, c.context, LABELS) for i, s in c.shares.items()}
    assert partials[1].shares[0] == Point.identity() and partials[1].proofs[0] is None
    assert partials[1].to_json()["proofs"][0] is None
    parsed = {i: PartialDecryption.from_json(roundtrip(p.to_json())) for i, p in partials.items()}
    assert decrypt({i: parsed[i] for i in (2, 3, 5)}, tally) == [0, 3, 0]
    with_proof = replace_entry(partials[2], 0, proof=partials[2].proofs[1])
    not_identity = replace_entry(partials[2], 0, share=base_mul(1))
    for forged in (with_proof, not_identity):
        with pytest.raises(TrusteeError) as err:
            decrypt({1: partials[1], 2: forged, 3: partials[3]}, tally)
        assert (err.value.trustee, err.value.code) == (2, "bad_decryption_share")


def test_context_and_key_mismatches_are_refused() -> None:
    c = ceremony_3_of_5()
    tally, partials = tally_3_of_5()
    foreign = dataclasses.replace(c.context, public_key=base_mul(5))
    with pytest.raises(ThresholdError, match="wrong_context"):
        partial_decrypt(c.shares[1], tally, foreign, LABELS)
    with pytest.raises(ThresholdError, match="key_mismatch"):
        decrypt({i: partials[i] for i in (1, 2, 3)}, context=foreign)
    with pytest.raises(ThresholdError, match="bad_labels"):
        partial_decrypt(c.shares[1], tally, c.context, LABELS[:2])
    torsion = [Ciphertext(Point(MIXED), tally[0].beta)]  # a trustee must not act as a torsion oracle
    with pytest.raises(ThresholdError, match="bad_ciphertext"):
        partial_decrypt(c.shares[1], torsion, c.context)
    with pytest.raises(ThresholdError, match="bad_ciphertext"):
        decrypt_tally(
            torsion, [partials[i] for i in (1, 2, 3)], c.record.verification_key_map(), c.context, 9, threshold=3
        )
    big = [encrypt(c.context.public_key, 500, Scalar.random())]
    parts = [partial_decrypt(c.shares[i], big, c.context) for i in (1, 2, 3)]
    keys = c.record.verification_key_map()
    with pytest.raises(ThresholdError, match="tally_out_of_range"):
        decrypt_tally(big, parts, keys, c.context, 100, threshold=3)
    assert decrypt_tally(big, parts, keys, c.context, 1000, threshold=3) == [500]


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_quorum_of_any_ceremony_reconstructs_the_same_plaintext(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 6), label="n")
    k = data.draw(st.integers(1, n), label="k")
    values = data.draw(st.lists(st.integers(0, 20), min_size=1, max_size=3), label="values")
    c = run_ceremony(n, k)
    tally = [sum_ciphertexts([encrypt(c.context.public_key, v, Scalar.random()) for v in values])]
    partials = {i: partial_decrypt(s, tally, c.context) for i, s in c.shares.items()}
    keys = c.record.verification_key_map()
    for _ in range(2):
        subset = data.draw(st.sets(st.integers(1, n), min_size=k), label="present")
        assert decrypt_tally(tally, [partials[i] for i in subset], keys, c.context, 60, threshold=k) == [sum(values)]
    if k > 1:
        short = data.draw(st.sets(st.integers(1, n), max_size=k - 1), label="short")
        with pytest.raises(ThresholdError, match="too_few_trustees"):
            decrypt_tally(tally, [partials[i] for i in short], keys, c.context, 60, threshold=k)


@settings(max_examples=60, deadline=None)
@given(
    trustee=st.integers(1, 5),
    entry=st.integers(0, 2),
    field=st.sampled_from(["c", "v", "share", "trustee"]),
    delta=st.integers(1, 2**128),
)
def test_changing_any_field_of_a_partial_decryption_fails(trustee: int, entry: int, field: str, delta: int) -> None:
    c = ceremony_3_of_5()
    tally, partials = tally_3_of_5()
    partial = partials[trustee]
    proof = partial.proofs[entry]
    assert proof is not None
    if field == "c":
        forged = replace_entry(partial, entry, proof=EqualityProof((proof.c + delta) % CHALLENGE_MODULUS, proof.v))
    elif field == "v":
        forged = replace_entry(partial, entry, proof=EqualityProof(proof.c, proof.v + (delta % L or 1)))
    elif field == "share":
        forged = replace_entry(partial, entry, share=partial.shares[entry] + base_mul(delta))
    else:
        forged = dataclasses.replace(partial, trustee=trustee % 5 + 1)
    if forged == partial:  # delta ≡ 0 in that field's modulus: not a change
        return
    blamed = forged.trustee
    with pytest.raises(TrusteeError) as err:
        verify_partial_decryption(forged, tally, c.record.verification_keys[blamed - 1], c.context, LABELS)
    assert (err.value.trustee, err.value.code) == (blamed, "bad_decryption_share")


@given(coefficients=st.lists(st.integers(0, L - 1), min_size=1, max_size=6), data=st.data())
def test_lagrange_coefficients_interpolate_p_at_zero(coefficients: list[int], data: st.DataObject) -> None:
    k = len(coefficients)
    subset = data.draw(st.sets(st.integers(1, 50), min_size=k, max_size=k + 2))
    polynomial = [Scalar(a) for a in coefficients]
    total = sum(lagrange_coefficient(i, subset).value * evaluate(polynomial, i).value for i in subset) % L
    assert total == coefficients[0]


def test_point_error_reasons_for_test_vectors() -> None:
    for data, reason in ((SMALL_ORDER, "small_order"), (MIXED, "not_in_subgroup")):
        with pytest.raises(PointError) as err:
            Point.from_bytes(data)
        assert err.value.reason == reason
