"""A trustee's side of the ceremony and of tally decryption, over the HTTP API.

The trustee's polynomial, box key and final secret share live only in the trustee's vault file
(Argon2id + SecretBox, ``vault.py``); the server relays public messages and boxed shares and
never sees a secret share.  Each step loads the vault, acts, and writes the vault back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voting_engine.client import ApiClient
from voting_engine.core.context import ElectionContext, ceremony_context_hash
from voting_engine.core.elgamal import Ciphertext
from voting_engine.core.encoding import b64decode
from voting_engine.core.group import Point
from voting_engine.core.threshold import (
    EncryptedShare,
    SecretShare,
    Trustee,
    TrusteeAnnouncement,
    confirm_key_share,
    partial_decrypt,
)
from voting_engine.domain.tally import tally_labels
from voting_engine.trustee.vault import MODERATE, KdfLimits, read_vault, write_vault


@dataclass
class TrusteeTool:
    api: ApiClient
    election_id: str
    index: int
    vault: Path
    passphrase: str
    limits: KdfLimits = MODERATE

    @property
    def prefix(self) -> str:
        return f"/api/v1/elections/{self.election_id}"

    def _save(self, payload: dict[str, Any]) -> None:
        write_vault(self.vault, json.dumps(payload).encode(), self.passphrase, election_id=self.election_id,
                    trustee=self.index, limits=self.limits, overwrite=True)

    def _load(self) -> dict[str, Any]:
        data = read_vault(self.vault, self.passphrase, election_id=self.election_id, trustee=self.index)
        loaded: dict[str, Any] = json.loads(data)
        return loaded

    async def init(self) -> str:
        """Generate the polynomial and box key, post the announcement, keep the state in the vault."""
        info = await self.api.get(self.prefix)
        n, k = info["manifest"]["trustees"]["n"], info["manifest"]["trustees"]["k"]
        context = ceremony_context_hash(self.election_id, b64decode(info["manifest_hash"], 32), n, k)
        trustee = Trustee.generate(self.index, n, k, context)
        self._save({"stage": "announced", "state": trustee.export_state().decode()})
        await self.api.post(self.prefix + "/ceremony/announcement", trustee.public_announcement().to_json())
        return "announced"

    def _trustee(self) -> Trustee:
        return Trustee.import_state(self._load()["state"].encode())

    async def _announcements(self) -> list[TrusteeAnnouncement]:
        messages = (await self.api.get(self.prefix + "/ceremony/announcement"))["messages"]
        return [TrusteeAnnouncement.from_json(m) for m in messages]

    async def send_shares(self) -> int:
        """Box P_i(ℓ) to every other trustee ℓ (needs all announcements)."""
        trustee = self._trustee()
        announcements = await self._announcements()
        if len(announcements) < trustee.trustees:
            raise RuntimeError(f"{len(announcements)} of {trustee.trustees} announcements so far; try again later")
        sent = 0
        for announcement in announcements:
            if announcement.trustee != self.index:
                share = trustee.share_for(announcement)
                await self.api.post(self.prefix + "/ceremony/share", share.to_json())
                sent += 1
        return sent

    async def finalize(self) -> str:
        """Open and check the shares addressed to this trustee, keep s_ℓ, post the confirmation."""
        trustee = self._trustee()
        announcements = await self._announcements()
        by_index = {a.trustee: a for a in announcements}
        shares = (await self.api.get(self.prefix + "/ceremony/share"))["messages"]
        for raw in shares:
            share = EncryptedShare.from_json(raw)
            trustee.receive_share(by_index[share.dealer], share)
        secret = trustee.finalize(announcements)
        self._save({"stage": "final", "share": secret.to_bytes().decode()})
        await self.api.post(self.prefix + "/ceremony/confirmation", confirm_key_share(secret).to_json())
        return "confirmed"

    def secret_share(self) -> SecretShare:
        payload = self._load()
        if payload.get("stage") != "final":
            raise RuntimeError("the ceremony is not finished for this trustee")
        return SecretShare.from_bytes(payload["share"].encode())

    async def decrypt(self, stage_id: str) -> dict[str, Any]:
        """Partial decryptions (with proofs) of every group's encrypted tally of a closed stage."""
        share = self.secret_share()
        info = await self.api.get(f"{self.prefix}/stages/{stage_id}")
        context = ElectionContext(self.election_id, stage_id, b64decode(info["manifest_hash"], 32),
                                  Point.from_bytes(b64decode(info["joint_public_key"], 32)),
                                  b64decode(info["stage_hash"], 32))
        tally = await self.api.get(f"{self.prefix}/stages/{stage_id}/tally")
        body = {}
        for group, entry in tally["groups"].items():
            cts = [Ciphertext.from_json(c, allow_identity=True) for c in entry["encrypted_tally"]]
            body[group] = partial_decrypt(share, cts, context, tally_labels(group, len(cts))).to_json()
        result: dict[str, Any] = await self.api.post(f"{self.prefix}/stages/{stage_id}/partials", body)
        return result
