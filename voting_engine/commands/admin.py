"""``voting-engine admin …`` and ``voting-engine credentials …``: configuration and the roll over the API.

``admin token`` writes straight to the database (it bootstraps the first administrator token);
everything else speaks HTTP with a token of the right role.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from voting_engine.client import ApiClient
from voting_engine.commands.common import add_server_options, load_document, run
from voting_engine.storage.db import DEFAULT_URL


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser("admin", help="administer elections (tokens, configuration, stages, tally, record)")
    acts = admin.add_subparsers(dest="admin_command", required=True)

    token = acts.add_parser("token", help="create an API token directly in the database (shown once)")
    token.add_argument("--database", default=os.environ.get("PBVOTE_DATABASE", DEFAULT_URL))
    token.add_argument("--role", choices=["admin", "registrar", "trustee"], required=True)
    token.add_argument("--name", required=True)
    token.add_argument("--trustee-index", type=int, default=None)
    token.set_defaults(handler=_token)

    create = acts.add_parser("create", help="create an election from one election file (YAML or JSON)")
    add_server_options(create)
    create.add_argument("file", help="election file: {manifest: …, education_modules: [… or file paths]}")
    create.set_defaults(handler=lambda a: run(lambda api: _create(api, a.file), a))

    for action in ("open", "close", "tally"):
        p = acts.add_parser(action, help=f"{action} a stage")
        add_server_options(p)
        p.add_argument("election")
        p.add_argument("stage")
        p.set_defaults(handler=lambda a, act=action: run(
            lambda api: api.post(f"/api/v1/elections/{a.election}/stages/{a.stage}/{act}"), a))

    for name, path in (("turnout", "turnout"), ("results", "results"), ("status", "")):
        p = acts.add_parser(name, help=f"show the election's {name}")
        add_server_options(p)
        p.add_argument("election")
        p.set_defaults(handler=lambda a, suffix=path: run(
            lambda api: api.get(f"/api/v1/elections/{a.election}" + (f"/{suffix}" if suffix else "")), a))

    record = acts.add_parser("record", help="download the election record and unpack it into a directory")
    add_server_options(record)
    record.add_argument("election")
    record.add_argument("--out", type=Path, required=True)
    record.set_defaults(handler=lambda a: run(lambda api: _record(api, a.election, a.out), a))

    invite = acts.add_parser("invitations", help="generate one-time invitation codes for self-service issuance")
    add_server_options(invite)
    invite.add_argument("election")
    invite.add_argument("--group", default="public")
    invite.add_argument("--count", type=int, required=True)
    invite.set_defaults(handler=lambda a: run(lambda api: api.post(
        f"/api/v1/elections/{a.election}/invitations", {"group": a.group, "count": a.count}), a))

    completion = acts.add_parser("completion", help="record an in-person budget-school completion")
    add_server_options(completion)
    completion.add_argument("election")
    completion.add_argument("module")
    completion.add_argument("--credential", required=True, help="the voter's public credential")
    completion.set_defaults(handler=lambda a: run(lambda api: api.post(
        f"/api/v1/elections/{a.election}/education/{a.module}/completions", {"credential": a.credential}), a))

    creds = sub.add_parser("credentials", help="registrar: roll import, credential issuance, revocation")
    cacts = creds.add_subparsers(dest="credentials_command", required=True)
    roll = cacts.add_parser("import-roll", help="import a roll CSV (person_id,group,region,age_band,gender)")
    add_server_options(roll)
    roll.add_argument("election")
    roll.add_argument("csv", type=Path)
    roll.set_defaults(handler=lambda a: run(lambda api: api.request(
        "POST", f"/api/v1/elections/{a.election}/roll", data=a.csv.read_bytes()), a))
    issue = cacts.add_parser("issue", help="issue credentials and write the printable sheet / mail-merge CSV")
    add_server_options(issue)
    issue.add_argument("election")
    issue.add_argument("--group", default="committee")
    issue.add_argument("--format", choices=["pdf", "html", "csv"], default="pdf")
    issue.add_argument("--voting-url", default="")
    issue.add_argument("--out", type=Path, required=True)
    issue.set_defaults(handler=lambda a: run(lambda api: _issue(api, a, "issue", {"group": a.group}), a))
    reissue = cacts.add_parser("reissue", help="revoke a person's lost credential and issue a new one")
    add_server_options(reissue)
    reissue.add_argument("election")
    reissue.add_argument("person_id")
    reissue.add_argument("--format", choices=["pdf", "html", "csv"], default="pdf")
    reissue.add_argument("--voting-url", default="")
    reissue.add_argument("--out", type=Path, required=True)
    reissue.set_defaults(handler=lambda a: run(lambda api: _issue(api, a, "reissue", {"person_id": a.person_id}), a))
    revoke = cacts.add_parser("revoke", help="revoke a public credential")
    add_server_options(revoke)
    revoke.add_argument("election")
    revoke.add_argument("credential")
    revoke.set_defaults(handler=lambda a: run(lambda api: api.post(
        f"/api/v1/elections/{a.election}/credentials/revoke", {"credential": a.credential}), a))


def _token(args: argparse.Namespace) -> int:
    from voting_engine.http.auth import create_token
    from voting_engine.service.context import ServiceContext
    from voting_engine.storage.db import create_schema, make_engine, sessionmaker

    async def go() -> str:
        engine = make_engine(args.database)
        await create_schema(engine)
        try:
            return await create_token(ServiceContext(sessionmaker(engine)), args.role, args.name, args.trustee_index)
        finally:
            await engine.dispose()

    print(asyncio.run(go()))
    return 0


async def _create(api: ApiClient, path: str) -> Any:
    document = load_document(path)
    modules = []
    for item in document.get("education_modules", []):
        modules.append(load_document(str(Path(path).parent / item)) if isinstance(item, str) else item)
    return await api.post("/api/v1/elections", {"manifest": document["manifest"], "education_modules": modules})


async def _record(api: ApiClient, election: str, out: Path) -> str:
    import io
    import zipfile

    data = await api.get(f"/api/v1/elections/{election}/record.zip", raw=True)
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(out)
    return f"record written to {out}; check it with: python -m verifier {out}"


async def _issue(api: ApiClient, args: argparse.Namespace, action: str, body: dict[str, Any]) -> str:
    data = await api.request("POST", f"/api/v1/elections/{args.election}/credentials/{action}", raw=True,
                             json_body={**body, "format": args.format, "voting_url": args.voting_url})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    os.chmod(args.out, 0o600)
    return f"wrote {args.out} ({len(data)} bytes); it holds secret codes: print it, hand it out, then delete it"
