"""The OpenAPI 3.1 document of the HTTP API, served at ``/api/v1/openapi.json``.

Kept as one table of operations so that the document and the routes are reviewed side by side;
``tests/http`` checks that every registered route is documented and vice versa.
"""

from __future__ import annotations

from typing import Any

E = "/api/v1/elections/{election}"
S = E + "/stages/{stage}"

# (method, path, summary, security role or None, request body kind)
OPERATIONS: list[tuple[str, str, str, str | None, str | None]] = [
    ("get", "/api/v1/health", "Liveness check", None, None),
    ("get", "/api/v1/openapi.json", "This document", None, None),
    ("post", "/api/v1/elections", "Create an election from a manifest and education modules", "admin", "json"),
    ("post", "/api/v1/sortition/draw", "Draw the citizens' committee (maximin stratified sortition, public seed); "
     "optionally import it as an election's committee roll", "admin", "json"),
    ("post", "/api/v1/sortition/verify", "Re-run a published draw and compare the reports", "admin", "json"),
    ("get", E, "Election manifest, status and stages", None, None),
    ("get", E + "/results", "Per-stage rankings and the weighted final ranking", None, None),
    ("get", E + "/record.zip", "The election record (verify with python -m verifier)", None, None),
    ("get", E + "/education", "Budget-school modules (content and quiz, no answers)", None, None),
    ("get", E + "/verification", "Run the independent verifier on the current record (cached)", None, None),
    ("get", E + "/turnout", "Live turnout per stage and voter group", "admin", None),
    ("post", E + "/invitations", "Generate one-time invitation codes for self-service issuance", "admin", "json"),
    ("post", E + "/education/{module}/completions", "Record an in-person completion (audited)", "admin", "json"),
    ("post", E + "/roll", "Import the eligibility roll (CSV: person_id,group,region,age_band,gender)", "registrar",
     "csv"),
    ("post", E + "/credentials/issue", "Issue credentials in bulk (CSV, HTML or PDF sheet)", "registrar", "json"),
    ("post", E + "/credentials/reissue", "Revoke a lost credential and issue a new one", "registrar", "json"),
    ("post", E + "/credentials/revoke", "Revoke a public credential", "registrar", "json"),
    ("get", E + "/ceremony", "Key-ceremony status and, when complete, the ceremony record", None, None),
    ("get", E + "/ceremony/{kind}", "Ceremony messages (shares only to their recipient)", None, None),
    ("post", E + "/ceremony/{kind}", "Post a trustee's announcement, encrypted share or confirmation", "trustee",
     "json"),
    ("post", E + "/signin/challenge", "A fresh challenge for the voter's device to sign", None, None),
    ("post", E + "/signin", "Sign in with a signature of the challenge by the credential key", None, "json"),
    ("post", E + "/register", "Self-service issuance: invitation code + public credential", None, "json"),
    ("get", E + "/me", "The signed-in voter's credential and education progress", "voter", None),
    ("post", E + "/education/{module}/start", "Start a budget-school module", "voter", None),
    ("post", E + "/education/{module}/quiz", "Submit quiz answers (checked on the server)", "voter", "json"),
    ("get", S, "Stage definition and everything a device needs to encrypt", None, None),
    ("post", S + "/{action}", "Open or close a stage, or finalize its tally (action: open|close|tally)", "admin", None),
    ("post", S + "/ballots", "Cast an encrypted, signed ballot; answers a signed receipt", "voter", "json"),
    ("post", S + "/audits", "Publish a Benaloh-audited ballot with its opening (never counted)", None, "json"),
    ("get", S + "/board", "Board entries (from, limit) and the current head", None, None),
    ("get", S + "/board/head", "The current (or final) signed tree head", None, None),
    ("get", S + "/board/inclusion", "Inclusion proof for a position under a tree size", None, None),
    ("get", S + "/receipts/{tracking}", "A ballot's receipt by tracking hash", None, None),
    ("get", S + "/tally", "Encrypted tallies per voter group (after closing)", None, None),
    ("post", S + "/partials", "A trustee's partial decryptions with proofs", "trustee", "json"),
]

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string", "description": "stable error code"}, "message": {"type": "string"}},
}


def _params(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, summary, role, body in OPERATIONS:
        op: dict[str, Any] = {
            "summary": summary,
            "parameters": _params(path),
            "responses": {
                "200": {"description": "success", "content": {"application/json": {}}},
                "4XX": {"description": "rejected; nothing was recorded",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
        if role is not None:
            op["security"] = [{"bearer": []}]
            op["description"] = f"Requires a {role} token."
        if body == "json":
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
        elif body == "csv":
            op["requestBody"] = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "PB voting engine API", "version": "1",
                 "description": "End-to-end verifiable participatory-budgeting votes. Errors are "
                                "{error, message} with a 4xx status; see docs/api.md for the codes."},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
