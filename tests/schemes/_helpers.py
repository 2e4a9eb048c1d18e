"""Shared fixtures for the ballot-scheme tests: a known test key, scheme configurations, forgeries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ballot_schemes import BallotScheme, EncryptedChoices, Project, make_scheme
from voting_engine.core.context import ElectionContext
from voting_engine.core.dlog import discrete_log
from voting_engine.core.elgamal import Ciphertext, decrypt_with_secret
from voting_engine.core.group import Point, Scalar, base_mul
from voting_engine.core.proofs.weighted_sum import SumProof, prove_weighted_sum

SECRET = Scalar(0xC0FFEE_BADC0DE)
KEY = base_mul(SECRET)
CONTEXT = ElectionContext("pb-2025", "vote", bytes(range(32)), KEY, bytes(range(32, 64)))

PROJECTS3 = (Project("park", 100), Project("library", 250), Project("bike-lane", 400))
PROJECTS4 = (*PROJECTS3, Project("playground", 150))

CONFIGS: dict[str, tuple[str, dict[str, Any], tuple[Project, ...]]] = {
    "approval": ("approval", {"min": 1, "max": 2}, PROJECTS4),
    "approval_free": ("approval", {}, PROJECTS3),
    "score": ("score", {"max_score": 3}, PROJECTS4),
    "score_bits": ("score", {"max_score": 10}, PROJECTS3),
    "ranking": ("ranking", {"max_rank": 3, "min_rank": 1}, PROJECTS4),
    "ranking_optional": ("ranking", {}, PROJECTS3),
    "cumulative": ("cumulative", {"points": 5}, PROJECTS3),
    "cumulative_exact": ("cumulative", {"points": 4, "exact": True}, PROJECTS3),
    "cumulative_bits": ("cumulative", {"points": 12, "max_per_project": 9}, PROJECTS3),
    "budget": ("budget", {"budget": 500}, PROJECTS4),
    "budget_count": ("budget", {"budget": 500, "min": 1, "max": 2}, PROJECTS4),
    "yes_no_abstain": ("yes_no_abstain", {}, PROJECTS3),
}


def scheme_for(config: str) -> BallotScheme:
    name, params, projects = CONFIGS[config]
    return make_scheme(name, params, projects)


def forge_ciphertext(key: Point, message: int, nonce: Scalar) -> Ciphertext:
    """(r·G, m·G + r·K) for any integer m, including negative ones (which ``encrypt`` refuses)."""
    return Ciphertext(base_mul(nonce), base_mul(message) + key * nonce)


def decrypt_vector(ciphertexts: Sequence[Ciphertext], bounds: Sequence[int]) -> list[int]:
    return [discrete_log(decrypt_with_secret(SECRET, ct), bound) for ct, bound in zip(ciphertexts, bounds, strict=True)]


def swap_ciphertexts(
    context: ElectionContext, honest: EncryptedChoices, vector: Sequence[int]
) -> tuple[EncryptedChoices, list[Scalar]]:
    """Keep an honest ballot's proofs but put encryptions of ``vector`` in place of its ciphertexts."""
    nonces = [Scalar.random() for _ in vector]
    cts = tuple(forge_ciphertext(context.public_key, m, r) for m, r in zip(vector, nonces, strict=True))
    return EncryptedChoices(cts, honest.entry_proofs, honest.constraint_proofs), nonces


def best_effort_forgery(
    scheme: BallotScheme, context: ElectionContext, honest: EncryptedChoices, vector: Sequence[int]
) -> tuple[EncryptedChoices, str]:
    """Encrypt ``vector`` and prove every statement that is true of it; reuse honest proofs for the rest.

    Returns the forged ballot and the check that must fail first (``entry_proof`` when an entry is
    out of its bounds, otherwise ``constraint_proof``).
    """
    key, ctx = context.public_key, context.hash
    nonces = [Scalar.random() for _ in vector]
    cts = [forge_ciphertext(key, m, r) for m, r in zip(vector, nonces, strict=True)]
    entry_proofs: list[SumProof] = []
    first_failure = ""
    for i, (ct, m, r, hi) in enumerate(zip(cts, vector, nonces, scheme.entry_bounds(), strict=True)):
        if 0 <= m <= hi:
            entry_proofs.append(prove_weighted_sum(ctx, key, [ct], [1], [m], [r], 0, hi))
        else:
            entry_proofs.append(honest.entry_proofs[i % len(honest.entry_proofs)])
            first_failure = first_failure or "entry_proof"
    constraint_proofs: list[SumProof] = []
    for j, c in enumerate(scheme.constraints()):
        total = sum(w * m for w, m in zip(c.weights, vector, strict=True))
        if c.lo <= total <= c.hi and c.lo >= 0:
            constraint_proofs.append(prove_weighted_sum(ctx, key, cts, c.weights, vector, nonces, c.lo, c.hi))
        else:
            constraint_proofs.append(honest.constraint_proofs[j % len(honest.constraint_proofs)])
            first_failure = first_failure or "constraint_proof"
    return EncryptedChoices(tuple(cts), tuple(entry_proofs), tuple(constraint_proofs)), first_failure
