"""``Idempotency-Key`` on writes (POST, PUT, PATCH) by an authenticated caller.

The key is the caller's (account, environment, key). The life of one keyed write::

    before the handler   an answer stored under the key?  same request (method, path, entity, body)
                         -> that answer again, with ``Idempotent-Replayed: true``; another request -> 409
    the handler runs     in the request's write transaction
    before the commit    the encoded answer is added to that transaction (:meth:`PendingKey.record`),
                         so it exists exactly when the change does
    IntegrityError       a concurrent request with the same key stored its answer first: rolled back,
                         and answered with the stored answer (or 409 for another request)

:mod:`invoicing.core.deps` drives this from the ``session`` dependency.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from litestar import Request, Response
from sqlalchemy import bindparam, select

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Principal
from invoicing.db import Database
from invoicing.db.models import IdempotencyRecord

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_KEY = 255
MISMATCH = "This Idempotency-Key was already used with a different request."


class Stored(NamedTuple):
    """The answer stored under a key: what :meth:`PendingKey.replay` needs of the row."""

    request_hash: str
    status_code: int
    body: str


_STORED = select(IdempotencyRecord.request_hash, IdempotencyRecord.status_code, IdempotencyRecord.body).where(
    IdempotencyRecord.account_id == bindparam("account_id"),
    IdempotencyRecord.environment == bindparam("environment"),
    IdempotencyRecord.key == bindparam("key"),
)


class StoredAnswer(Exception):
    """Answer with ``response`` (a stored answer) instead of running the handler."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


@dataclass(slots=True)
class PendingKey:
    """A keyed write in progress; ``body``/``status`` are its answer once encoded."""

    pk: tuple[str, str, str]
    digest: str
    body: bytes | None = None
    status: int = 0

    def record(self) -> IdempotencyRecord:
        if self.body is None:
            raise RuntimeError("A keyed write returned a Response the app did not encode; return the value instead")
        account_id, environment, key = self.pk
        return IdempotencyRecord(
            account_id=account_id,
            environment=environment,
            key=key,
            request_hash=self.digest,
            status_code=self.status,
            body=self.body.decode(),
        )

    async def stored(self, db: Database) -> Stored | None:
        """The answer stored under the key, if any: one Core statement on a reader connection."""
        account_id, environment, key = self.pk
        async with db.reader.connect() as connection:
            row = (
                await connection.execute(_STORED, {"account_id": account_id, "environment": environment, "key": key})
            ).first()
        return None if row is None else Stored(row[0], row[1], row[2])

    def replay(self, record: Stored) -> Response:
        """The stored answer; :class:`Conflict` when the key came with another request."""
        if record.request_hash != self.digest:
            raise Conflict(MISMATCH)
        return Response(
            content=record.body.encode(),
            status_code=record.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )


def request_hash(request: Request, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (request.method, request.url.path, request.headers.get("x-entity-id", "")):
        h.update(part.encode() + b"\0")
    h.update(body)
    return h.hexdigest()


async def pending_key(request: Request, key: str, principal: Principal | None) -> PendingKey | None:
    """The request's key (None on other methods or for an anonymous caller); 422 when too long."""
    if principal is None or request.method not in METHODS:
        return None
    if len(key) > MAX_KEY:
        raise ValidationFailed.field(HEADER, f"must be at most {MAX_KEY} characters")
    return PendingKey((principal.account_id, principal.environment, key), request_hash(request, await request.body()))
