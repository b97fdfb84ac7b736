"""The hand-opened write transaction of controllers not yet on :mod:`invoicing.core.deps` (documents,
e-mails, rendering). It goes once they take ``session`` and a service as dependencies."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from contract.errors import Conflict, ValidationFailed
from invoicing.db import Database
from invoicing.db.models import IdempotencyRecord


def database(request: Request) -> Database:
    return request.app.state.db


def _request_hash(request: Request, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (request.method, request.url.path, request.headers.get("x-entity-id", ""), ):
        h.update(part.encode() + b"\0")
    h.update(body)
    return h.hexdigest()


async def write(
    request: Request,
    scope: Scope,
    fn: Callable[[AsyncSession], Awaitable[Any]],
    *,
    status: int = 201,
) -> Response:
    """Run ``fn`` in one write transaction and answer with its result.

    With an ``Idempotency-Key`` header the encoded answer is stored in the same transaction, so a
    retry with the same key and body returns it unchanged and creates nothing; another body with
    the same key answers 409.
    """
    db = database(request)
    key = request.headers.get("idempotency-key")
    if not key:
        try:
            async with db.transaction() as session:
                result = await fn(session)
        except IntegrityError:
            raise Conflict("A concurrent change conflicted with this request; nothing was written. Retry it.") from None
        return Response(content=result, status_code=status)

    if len(key) > 255:
        raise ValidationFailed.field("Idempotency-Key", "must be at most 255 characters")
    principal = scope.principal
    digest = _request_hash(request, await request.body())
    pk = (principal.account_id, principal.environment, key)
    try:
        async with db.transaction() as session:
            record = await session.get(IdempotencyRecord, pk)
            if record is None:
                result = await fn(session)
                body = msgspec.json.encode(result)
                session.add(IdempotencyRecord(account_id=pk[0], environment=pk[1], key=key, request_hash=digest,
                                              status_code=status, body=body.decode()))
                await session.flush()
                return Response(content=body, status_code=status, media_type="application/json")
    except IntegrityError:
        # a concurrent request with the same key won; everything this one wrote is rolled back
        async with db.transaction(write=False) as session:
            record = await session.get(IdempotencyRecord, pk)
        if record is None:
            raise
    if record.request_hash != digest:
        raise Conflict("This Idempotency-Key was already used with a different request.")
    return Response(content=record.body.encode(), status_code=record.status_code, media_type="application/json",
                    headers={"Idempotent-Replayed": "true"})
