"""Tests for invitation codes and the default, store-backed identity check."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.credentials import ALPHABET, CHECK_ALPHABET
from voting_engine.core.hashing import hash_elements
from voting_engine.registrar.invitations import (
    BODY_LENGTH,
    ENTROPY_BITS,
    RANDOM_BYTES,
    IdentityCheck,
    IdentityResult,
    InvitationCodeCheck,
    InvitationError,
    MemoryInvitationStore,
    format_invitation,
    generate_invitations,
    invitation_digest,
    invitation_from_random,
    parse_invitation,
)

FAST = settings(max_examples=40, deadline=None)
PATTERN = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}.")


def _verify(check: IdentityCheck, evidence: Mapping[str, str]) -> IdentityResult:
    return asyncio.run(check.verify(evidence))


def test_shape_and_entropy() -> None:
    assert ENTROPY_BITS >= 80 and RANDOM_BYTES * 8 == ENTROPY_BITS
    codes = generate_invitations(50)
    assert len(set(codes)) == 50
    for code in codes:
        assert PATTERN.fullmatch(code), code
        assert format_invitation(code) == code


def test_known_answer() -> None:
    # independent: RFC 4648 base32 of 00 01 … 09, re-lettered to Crockford; check = value mod 37 → "Y"
    code = invitation_from_random(bytes(range(10)))
    assert code == "000G-40R4-0M30-E209Y"
    digest = invitation_digest(code)
    assert digest == hash_elements("pbvote/invitation/v1", code.replace("-", ""))
    assert len(digest) == 32


def test_generation_errors() -> None:
    assert generate_invitations(0) == []
    with pytest.raises(ValueError):
        generate_invitations(-1)
    with pytest.raises(ValueError, match="repeating"):
        generate_invitations(3, random_bytes=lambda n: bytes(n))
    with pytest.raises(ValueError):
        invitation_from_random(bytes(9))


def test_digest_stable_across_spellings() -> None:
    code = generate_invitations(1)[0]
    spelled = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert invitation_digest(spelled) == invitation_digest(code) == invitation_digest(code.replace("-", ""))


@FAST
@given(st.binary(min_size=RANDOM_BYTES, max_size=RANDOM_BYTES), st.data())
def test_every_substitution_and_transposition_is_caught(random: bytes, data: st.DataObject) -> None:
    code = parse_invitation(invitation_from_random(random))
    position = data.draw(st.integers(0, BODY_LENGTH))
    alphabet = ALPHABET if position < BODY_LENGTH else CHECK_ALPHABET
    replacement = data.draw(st.sampled_from([s for s in alphabet if s != code[position]]))
    with pytest.raises(InvitationError) as info:
        parse_invitation(code[:position] + replacement + code[position + 1 :])
    assert info.value.code in ("bad_check", "bad_character")
    i = data.draw(st.integers(0, BODY_LENGTH - 1))
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    if swapped != code:
        with pytest.raises(InvitationError):
            parse_invitation(swapped)


@pytest.mark.parametrize(
    ("text", "code"),
    [("ABCD-EFGH", "bad_length"), ("ABCD-EFGH-JKMN-PQRS-TV", "bad_length"), ("ABCD-ÉFGH", "bad_character")],
)
def test_parse_errors(text: str, code: str) -> None:
    with pytest.raises(InvitationError) as info:
        parse_invitation(text)
    assert info.value.code == code


def test_check_only_symbol_inside_body_and_bad_type() -> None:
    with pytest.raises(InvitationError) as info:
        parse_invitation("*" * 17)
    assert info.value.code == "bad_character"
    with pytest.raises(InvitationError) as info:
        parse_invitation(12345)  # type: ignore[arg-type]
    assert info.value.code == "bad_type"


def test_each_code_redeemable_once() -> None:
    public, committee = generate_invitations(3), generate_invitations(2)
    store = MemoryInvitationStore()
    store.add(public, "public")
    store.add(committee, "committee")
    check: IdentityCheck = InvitationCodeCheck(store)
    subjects = set()
    for codes, group in ((public, "public"), (committee, "committee")):
        for code in codes:
            result = _verify(check, {"invitation_code": code.lower()})
            assert result.ok and result.group == group and result.reason is None
            assert result.subject is not None and result.subject.startswith("invitation:")
            subjects.add(result.subject)
            again = _verify(check, {"invitation_code": code})
            assert again == IdentityResult.rejected("invitation_unknown_or_used")
    assert len(subjects) == 5 and store.remaining() == 0
    store.add(public[:1], "public")  # re-adding a used code does not revive it
    assert store.remaining() == 0


def test_check_reports_typos_and_missing_evidence_without_consuming() -> None:
    code = generate_invitations(1)[0]
    store = MemoryInvitationStore()
    store.add([code], "public")
    check = InvitationCodeCheck(store)
    typo = code[:-2] + ("0" if code[-2] != "0" else "1") + code[-1]
    assert _verify(check, {"invitation_code": typo}).reason == "invitation_bad_check"
    assert _verify(check, {"invitation_code": "short"}).reason == "invitation_bad_length"
    assert _verify(check, {}).reason == "missing_invitation_code"
    assert _verify(check, {"invitation_code": generate_invitations(1)[0]}).reason == "invitation_unknown_or_used"
    assert store.remaining() == 1
    assert _verify(check, {"invitation_code": code}).ok


def test_concurrent_redemptions_admit_once() -> None:
    code = generate_invitations(1)[0]
    store = MemoryInvitationStore()
    store.add([code], "public")
    check = InvitationCodeCheck(store)

    async def race() -> list[IdentityResult]:
        return await asyncio.gather(*(check.verify({"invitation_code": code}) for _ in range(20)))

    results = asyncio.run(race())
    assert sum(r.ok for r in results) == 1
