"""The election context that every proof's challenge is bound to.

Strong Fiat–Shamir (Bernhard, Pereira, Warinschi, ASIACRYPT 2012, §3–4): a challenge must hash the
whole statement, so every challenge starts with this context hash, which fixes the group, both
generators, the joint public key, the manifest hash, the election, the stage and the stage's
resolved ballot definition (scheme, parameters, candidates).  A proof made for one stage or
election therefore fails in any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from voting_engine.core.group import GROUP_NAME, G, H, Point
from voting_engine.core.hashing import hash_elements

CONTEXT_TAG = "pbvote/context/v1"
CEREMONY_TAG = "pbvote/ceremony-context/v1"


@dataclass(frozen=True, slots=True)
class ElectionContext:
    """What a ballot or tally proof is about: key, manifest, election and stage."""

    election_id: str
    stage_id: str
    manifest_hash: bytes
    public_key: Point
    stage_hash: bytes = b""

    @property
    def hash(self) -> bytes:
        return hash_elements(
            CONTEXT_TAG,
            GROUP_NAME,
            G,
            H,
            self.public_key,
            self.manifest_hash,
            self.election_id,
            self.stage_id,
            self.stage_hash,
        )


def ceremony_context_hash(election_id: str, manifest_hash: bytes, trustees: int, threshold: int) -> bytes:
    """Context for key-ceremony proofs, made before the joint key exists."""
    return hash_elements(CEREMONY_TAG, GROUP_NAME, G, H, manifest_hash, election_id, trustees, threshold)
