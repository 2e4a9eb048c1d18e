"""Rendering freshly issued credentials as CSV (mail merge), HTML or PDF (printable sheets)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError
from voting_engine.service.registrar import Issued


async def render_issued(
    request: web.Request, svc: ServiceContext, election_id: str, issued: Sequence[Issued], fmt: str, voting_url: str
) -> web.Response:
    from voting_engine.registrar.issuance import IssuanceError, IssuedCredential

    async with svc.factory() as session:
        manifest = await svc.manifest(session, election_id)
    title = dict(manifest.data.get("title", {"en": election_id}))
    items = [IssuedCredential(i.person_id, i.group, i.code, i.public_credential) for i in issued]
    url = voting_url or f"{request.scheme}://{request.host}/app/index.html?election={election_id}"
    headers = {"Cache-Control": "no-store"}
    try:
        return _render(items, issued, title, url, fmt, headers)
    except IssuanceError as exc:
        raise ServiceError(exc.code, exc.message) from exc


def _render(items: list[Any], issued: Sequence[Issued], title: dict[str, str], url: str, fmt: str,
            headers: dict[str, str]) -> web.Response:
    from voting_engine.registrar.issuance import credential_csv, credential_sheet_html, credential_sheet_pdf

    if fmt == "csv":
        return web.Response(text=credential_csv(items, url), content_type="text/csv", headers=headers)
    if fmt == "html":
        return web.Response(text=credential_sheet_html(items, title, url), content_type="text/html", headers=headers)
    if fmt == "pdf":
        return web.Response(
            body=credential_sheet_pdf(items, title, url), content_type="application/pdf", headers=headers
        )
    if fmt == "json":
        body = [{"person_id": i.person_id, "group": i.group, "code": i.code} for i in issued]
        return web.Response(text=json.dumps({"issued": body}), content_type="application/json", headers=headers)
    raise ServiceError("bad_format", "format is csv, html, pdf or json")
