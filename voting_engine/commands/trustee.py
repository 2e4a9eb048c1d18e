"""``voting-engine trustee …``: a trustee's ceremony steps and tally decryption, with a local vault.

The secret share never leaves the trustee's machine: it lives in a passphrase-sealed vault file
(Argon2id + SecretBox) and only public messages and proofs are sent to the server.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import Any

from voting_engine.client import ApiClient
from voting_engine.commands.common import add_server_options, run


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trustee = sub.add_parser("trustee", help="trustee tool: key ceremony and tally decryption")
    acts = trustee.add_subparsers(dest="trustee_command", required=True)
    for name, help_text in (("init", "generate the polynomial and post the announcement"),
                            ("shares", "send encrypted shares to the other trustees"),
                            ("finalize", "check received shares, keep the secret share, post the confirmation"),
                            ("decrypt", "post partial decryptions of a closed stage's tallies")):
        p = acts.add_parser(name, help=help_text)
        add_server_options(p, token_env="PBVOTE_TRUSTEE_TOKEN")
        p.add_argument("election")
        p.add_argument("--index", type=int, required=True, help="this trustee's index (1..n)")
        p.add_argument("--vault", type=Path, required=True, help="the trustee's encrypted vault file")
        p.add_argument("--kdf", choices=["moderate", "interactive"],
                       default=os.environ.get("PBVOTE_VAULT_KDF", "moderate"),
                       help="Argon2id cost when sealing the vault (default moderate: 256 MiB)")
        if name == "decrypt":
            p.add_argument("stage")
        p.set_defaults(handler=lambda a, step=name: run(lambda api: _step(api, a, step), a))


def _passphrase() -> str:
    value = os.environ.get("PBVOTE_VAULT_PASSPHRASE")
    return value if value is not None else getpass.getpass("vault passphrase: ")


async def _step(api: ApiClient, args: argparse.Namespace, step: str) -> Any:
    from voting_engine.trustee.ceremony_client import TrusteeTool
    from voting_engine.trustee.vault import INTERACTIVE, MODERATE

    limits = INTERACTIVE if args.kdf == "interactive" else MODERATE
    tool = TrusteeTool(api, args.election, args.index, args.vault, _passphrase(), limits)
    if step == "init":
        return await tool.init()
    if step == "shares":
        return f"sent {await tool.send_shares()} shares"
    if step == "finalize":
        return await tool.finalize()
    return await tool.decrypt(args.stage)
