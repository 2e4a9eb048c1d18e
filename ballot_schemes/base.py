"""What every ballot scheme is: a vector of bounded integers under linear constraints.

Every scheme of the engine encodes a choice as a vector x of small non-negative integers with
per-entry bounds 0 ≤ x_i ≤ hi_i and a list of linear constraints lo_c ≤ Σ_i w_{c,i}·x_i ≤ hi_c
(selection limits, point totals, budget caps, one rank per project…).  Encryption, validity
proofs, verification and aggregation are therefore generic and live here; a scheme plug-in only
says how a choice maps to the vector, which bounds and constraints hold, and how a decrypted
tally reads as per-project results.  ``docs/ballot-schemes.md`` lists each scheme's layout so that
the independent verifier derives the same bounds and constraints from the manifest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ballot_schemes.errors import InvalidBallot, SchemeParameterError
from voting_engine.core.context import ElectionContext
from voting_engine.core.elgamal import Ciphertext, encrypt
from voting_engine.core.encoding import EncodingError
from voting_engine.core.group import PointError, Scalar, ScalarError
from voting_engine.core.proofs.disjunctive import ProofFormatError, peek_first_challenge
from voting_engine.core.proofs.weighted_sum import SumProof, prove_weighted_sum, verify_weighted_sum


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate project as a scheme sees it: an id and a cost in currency units."""

    id: str
    cost: int = 0


@dataclass(frozen=True, slots=True)
class Constraint:
    """lo ≤ Σ weights[i]·x[i] ≤ hi; ``name`` says which rule it enforces."""

    name: str
    weights: tuple[int, ...]
    lo: int
    hi: int


@dataclass(frozen=True, slots=True)
class EncryptedChoices:
    """The scheme part of a cast ballot: one ciphertext per entry and all validity proofs."""

    ciphertexts: tuple[Ciphertext, ...]
    entry_proofs: tuple[SumProof, ...]
    constraint_proofs: tuple[SumProof, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "ciphertexts": [c.to_json() for c in self.ciphertexts],
            "entry_proofs": [p.to_json() for p in self.entry_proofs],
            "constraint_proofs": [p.to_json() for p in self.constraint_proofs],
        }

    @classmethod
    def from_json(cls, value: object, *, premultiply: bool = True) -> EncryptedChoices:
        """Parse and validate every point and scalar; ``InvalidBallot`` names the defect.

        With ``premultiply`` (for a ballot whose proofs are checked next) each ciphertext's points are
        validated through the products c_0·α and c_0·β that its entry proof's first branch needs
        (``Point.from_bytes_with_multiple``): twice the cost of a plain validation, but it saves one
        validation per point in total.  Pass ``False`` when only the ciphertexts are used (tallying).
        """
        if not isinstance(value, Mapping):
            raise InvalidBallot("schema", "encrypted choices must be an object")
        try:
            cts, eps, cps = value["ciphertexts"], value["entry_proofs"], value["constraint_proofs"]
            if not all(isinstance(x, list) for x in (cts, eps, cps)):
                raise InvalidBallot("schema", "ciphertexts, entry_proofs and constraint_proofs must be lists")
            firsts = [peek_first_challenge(p) if premultiply else 0 for p in eps[: len(cts)]]
            firsts += [0] * (len(cts) - len(firsts))
            return cls(
                tuple(Ciphertext.from_json(c, multiple=m) for c, m in zip(cts, firsts, strict=True)),
                tuple(SumProof.from_json(p, premultiply=premultiply) for p in eps),
                tuple(SumProof.from_json(p, premultiply=premultiply) for p in cps),
            )
        except PointError as exc:
            raise InvalidBallot(f"bad_point:{exc.reason}", f"invalid point in ballot: {exc}") from exc
        except KeyError as exc:
            raise InvalidBallot("schema", f"missing field {exc}") from exc
        except (ScalarError, EncodingError, ProofFormatError, ValueError) as exc:
            raise InvalidBallot("schema", str(exc)) from exc


@dataclass(frozen=True, slots=True)
class Opening:
    """What a Benaloh audit reveals: the plaintext vector and every entry's nonce."""

    vector: tuple[int, ...]
    nonces: tuple[Scalar, ...]


class BallotScheme(ABC):
    """A question type: parameters, layout, rules, and reading of results."""

    name: str = ""

    def __init__(self, params: Mapping[str, Any], projects: Sequence[Project]) -> None:
        if not projects:
            raise SchemeParameterError("no_projects", "a ballot needs at least one candidate project")
        ids = [p.id for p in projects]
        if len(set(ids)) != len(ids):
            raise SchemeParameterError("duplicate_project", "project ids must be unique")
        self.projects = tuple(projects)
        self.index = {p.id: i for i, p in enumerate(projects)}
        self.params = dict(params)
        self.check_params()

    # -- plug-in surface -------------------------------------------------------------------
    @abstractmethod
    def check_params(self) -> None:
        """Validate ``self.params`` and set derived attributes; raise ``SchemeParameterError``."""

    @abstractmethod
    def entry_bounds(self) -> list[int]:
        """hi_i for every vector entry (each entry is in [0, hi_i])."""

    @abstractmethod
    def constraints(self) -> list[Constraint]:
        """The linear rules every valid vector satisfies."""

    @abstractmethod
    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        """Raise ``InvalidChoice`` naming the broken rule."""

    @abstractmethod
    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        """The vector for a valid choice."""

    @abstractmethod
    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        """Per-project results from the decrypted vector sum of ``ballots`` ballots."""

    @abstractmethod
    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        """Each project's share of the maximum possible score (0..1), for the weighted ranking."""

    # -- generic machinery -----------------------------------------------------------------
    def check_vector(self, vector: Sequence[int]) -> None:
        """Check a vector against bounds and constraints (used after decoding an opening)."""
        from ballot_schemes.errors import InvalidChoice

        bounds = self.entry_bounds()
        if len(vector) != len(bounds):
            raise InvalidChoice("vector_length", f"expected {len(bounds)} entries, got {len(vector)}")
        for i, (x, hi) in enumerate(zip(vector, bounds, strict=True)):
            if not 0 <= x <= hi:
                raise InvalidChoice("entry_range", f"entry {i} is {x}, outside [0, {hi}]")
        for constraint in self.constraints():
            total = sum(w * x for w, x in zip(constraint.weights, vector, strict=True))
            if not constraint.lo <= total <= constraint.hi:
                raise InvalidChoice(
                    constraint.name, f"{constraint.name}: {total} is outside [{constraint.lo}, {constraint.hi}]"
                )

    def max_entry_values(self) -> list[int]:
        """Largest value each tally entry gains per ballot (for the discrete-log bound)."""
        return self.entry_bounds()

    def encrypt(self, context: ElectionContext, choice: Mapping[str, Any]) -> tuple[EncryptedChoices, Opening]:
        """Validate, encode, encrypt and prove; returns the ballot part and its Benaloh opening."""
        self.validate_choice(choice)
        vector = self.encode(choice)
        self.check_vector(vector)
        return self.encrypt_vector(context, vector)

    def encrypt_vector(self, context: ElectionContext, vector: Sequence[int]) -> tuple[EncryptedChoices, Opening]:
        key, ctx = context.public_key, context.hash
        nonces = [Scalar.random() for _ in vector]
        cts = [encrypt(key, m, r) for m, r in zip(vector, nonces, strict=True)]
        entry_proofs = [
            prove_weighted_sum(ctx, key, [ct], [1], [m], [r], 0, hi)
            for ct, m, r, hi in zip(cts, vector, nonces, self.entry_bounds(), strict=True)
        ]
        constraint_proofs = [
            prove_weighted_sum(ctx, key, cts, c.weights, vector, nonces, c.lo, c.hi) for c in self.constraints()
        ]
        return (
            EncryptedChoices(tuple(cts), tuple(entry_proofs), tuple(constraint_proofs)),
            Opening(tuple(vector), tuple(nonces)),
        )

    def verify(self, context: ElectionContext, ballot: EncryptedChoices) -> None:
        """Check shape and every proof; ``InvalidBallot`` names the first failing check."""
        bounds = self.entry_bounds()
        constraints = self.constraints()
        if len(ballot.ciphertexts) != len(bounds) or len(ballot.entry_proofs) != len(bounds):
            raise InvalidBallot("shape", f"expected {len(bounds)} ciphertexts and entry proofs")
        if len(ballot.constraint_proofs) != len(constraints):
            raise InvalidBallot("shape", f"expected {len(constraints)} constraint proofs")
        key, ctx = context.public_key, context.hash
        for i, (ct, proof, hi) in enumerate(zip(ballot.ciphertexts, ballot.entry_proofs, bounds, strict=True)):
            if not verify_weighted_sum(ctx, key, [ct], [1], proof, 0, hi):
                raise InvalidBallot("entry_proof", f"range proof of entry {i} (0..{hi}) fails")
        for c, proof in zip(constraints, ballot.constraint_proofs, strict=True):
            if not verify_weighted_sum(ctx, key, ballot.ciphertexts, c.weights, proof, c.lo, c.hi):
                raise InvalidBallot("constraint_proof", f"proof of rule {c.name} ([{c.lo}, {c.hi}]) fails")

    def verify_opening(self, context: ElectionContext, ballot: EncryptedChoices, opening: Opening) -> bool:
        """Benaloh audit: the opening re-encrypts to exactly the ballot's ciphertexts."""
        if len(opening.vector) != len(ballot.ciphertexts) or len(opening.nonces) != len(ballot.ciphertexts):
            return False
        return all(
            m >= 0 and encrypt(context.public_key, m, r) == ct
            for m, r, ct in zip(opening.vector, opening.nonces, ballot.ciphertexts, strict=True)
        )

    def aggregate(self, ballots: Sequence[EncryptedChoices]) -> list[Ciphertext]:
        """Entry-wise homomorphic sum; the empty sum is a vector of ``Ciphertext.zero()``."""
        totals = [Ciphertext.zero()] * len(self.entry_bounds())
        for ballot in ballots:
            totals = [t + c for t, c in zip(totals, ballot.ciphertexts, strict=True)]
        return totals
