"""Budget-school use cases: module views, starting a module, quiz attempts, in-person completion."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from voting_engine.education import (
    EducationError,
    EducationModule,
    ModuleProgress,
    load_module,
    missing_modules,
    progress_from_json,
    public_view,
    record_in_person,
    start,
    submit_quiz,
)
from voting_engine.service.context import ServiceContext, dumps
from voting_engine.service.errors import ServiceError, not_found
from voting_engine.storage.models import Credential, EducationModuleRow, EducationProgressRow, table

T = TypeVar("T")
EDUCATION_STATUS = {"quiz_too_early": 409, "not_started": 409, "no_attempts_left": 409, "already_passed": 409}


def _error(exc: EducationError) -> ServiceError:
    details = dict(getattr(exc, "details", None) or {})
    return ServiceError(exc.code, exc.message, EDUCATION_STATUS.get(exc.code, 400), **details)


async def _module(session: Any, election_id: str, module_id: str, svc: ServiceContext | None = None) -> EducationModule:
    """A module (immutable once the election exists), cached per process."""
    if svc is not None and (election_id, module_id) in svc.modules:
        cached: EducationModule = svc.modules[(election_id, module_id)]
        return cached
    row = await session.get(EducationModuleRow, (election_id, module_id))
    if row is None:
        raise not_found(f"education module {module_id!r}")
    module = load_module(json.loads(row.body))
    if svc is not None:
        svc.modules[(election_id, module_id)] = module
    return module


_P = EducationProgressRow.__table__.c
_WHERE = (_P.election_id == bindparam("election_id")) & (_P.credential == bindparam("credential"))
_PROGRESS = select(_P.body).where(_WHERE & (_P.module_id == bindparam("module_id")))
_UPDATE = (  # an UPDATE's bind names must differ from its columns'
    update(table(EducationProgressRow))
    .where((_P.election_id == bindparam("e")) & (_P.credential == bindparam("c")) & (_P.module_id == bindparam("m")))
    .values(body=bindparam("body"), passed=bindparam("passed"))
)
_INSERT = insert(table(EducationProgressRow))
_FOR_STAGE = select(_P.module_id, _P.body).where(_WHERE & _P.module_id.in_(bindparam("modules", expanding=True)))
"""Budget-school statements, built once: they run on every voter's progress step and every ballot."""


async def _progress(session: Any, election_id: str, credential: str, module_id: str) -> tuple[bool, ModuleProgress]:
    """(stored yet?, progress): one indexed read of the row's JSON body."""
    key = {"election_id": election_id, "credential": credential, "module_id": module_id}
    body = (await session.execute(_PROGRESS, key)).scalar_one_or_none()
    return body is not None, (ModuleProgress() if body is None else progress_from_json(json.loads(body)))


async def _store(session: Any, stored: bool, election_id: str, credential: str, module_id: str,
                 p: ModuleProgress) -> None:
    values = {"body": dumps(p.to_json()), "passed": p.passed}
    if stored:
        await session.execute(_UPDATE, {"e": election_id, "c": credential, "m": module_id, **values})
    else:
        await session.execute(_INSERT, {"election_id": election_id, "credential": credential, "module_id": module_id,
                                        **values})


async def _once_more_on_conflict(step: Callable[[], Awaitable[T]]) -> T:
    """Two first requests for one (credential, module) on PostgreSQL may both insert: the loser re-reads."""
    try:
        return await step()
    except IntegrityError:
        try:
            return await step()
        except IntegrityError as exc:
            raise ServiceError("conflict", "a concurrent request changed this progress; retry", 409) from exc


async def missing_for_stage(session: Any, election_id: str, credential: str, required: list[str]) -> list[str]:
    if not required:
        return []
    rows = await session.execute(_FOR_STAGE, {"election_id": election_id, "credential": credential,
                                              "modules": list(required)})
    progress = {module_id: progress_from_json(json.loads(body)) for module_id, body in rows}
    return missing_modules(required, progress)


async def list_modules(svc: ServiceContext, election_id: str, lang: str) -> list[dict[str, Any]]:
    async with svc.factory() as session:
        rows = (
            await session.execute(
                select(EducationModuleRow)
                .where(EducationModuleRow.election_id == election_id)
                .order_by(EducationModuleRow.id)
            )
        ).scalars()
        return [{**public_view(load_module(json.loads(r.body)), lang), "content_hash": r.content_hash} for r in rows]


async def progress_of(svc: ServiceContext, election_id: str, credential: str) -> dict[str, Any]:
    async with svc.factory() as session:
        rows = (
            await session.execute(
                select(EducationProgressRow).where(
                    EducationProgressRow.election_id == election_id, EducationProgressRow.credential == credential
                )
            )
        ).scalars()
        return {r.module_id: json.loads(r.body) for r in rows}


async def start_module(svc: ServiceContext, election_id: str, credential: str, module_id: str) -> dict[str, Any]:
    async with svc.factory() as session:
        await _module(session, election_id, module_id, svc)

    async def step() -> dict[str, Any]:
        async with svc.core_writer(durable=False) as session:
            stored, progress = await _progress(session, election_id, credential, module_id)
            new = start(progress, svc.clock())
            await _store(session, stored, election_id, credential, module_id, new)
            return new.to_json()

    return await _once_more_on_conflict(step)


async def answer_quiz(
    svc: ServiceContext, election_id: str, credential: str, module_id: str, answers: Any, lang: str
) -> dict[str, Any]:
    if not isinstance(answers, dict) or not all(isinstance(v, list) for v in answers.values()):
        raise ServiceError("bad_answers", "answers map each question id to a list of choice ids")
    async with svc.factory() as session:
        module = await _module(session, election_id, module_id, svc)

    async def step() -> dict[str, Any]:
        async with svc.core_writer(durable=False) as session:
            stored, progress = await _progress(session, election_id, credential, module_id)
            try:
                new, result = submit_quiz(module, progress, answers, svc.clock())
            except EducationError as exc:
                raise _error(exc) from exc
            await _store(session, stored, election_id, credential, module_id, new)
            return {"progress": new.to_json(), "result": result.to_json(lang)}

    return await _once_more_on_conflict(step)


async def record_completion(
    svc: ServiceContext, election_id: str, credential: str, module_id: str, admin: str
) -> dict[str, Any]:
    """An administrator records an in-person completion; the audit log keeps it (no identity)."""
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        await _module(session, election_id, module_id)
        if await session.get(Credential, (election_id, credential)) is None:
            raise not_found("credential")
        stored, progress = await _progress(session, election_id, credential, module_id)
        try:
            new = record_in_person(progress, svc.clock(), admin)
        except EducationError as exc:
            raise _error(exc) from exc
        await _store(session, stored, election_id, credential, module_id, new)
        await svc.audit(
            session, election_id, "admin", "education.in_person", module=module_id, credential=credential, admin=admin
        )
        return new.to_json()
