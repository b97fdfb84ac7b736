"""What handlers are given: the request's transaction, the caller and the app's shared objects.

A controller names its service, built per request from the dependencies below::

    class CustomerController(Controller):
        path = "/v1/customers"
        dependencies = {"customers": Provide(CustomerService, sync_to_thread=False)}

        @post(operation_id="createCustomer", opt=WRITE)
        async def create_customer(self, data: CustomerCreate, customers: CustomerService) -> CustomerOut:
            return await customers.create(data)

    class CustomerService:
        def __init__(self, session: AsyncSession, ctx: Scope) -> None: ...

Dependencies every handler and service can name (:func:`app_dependencies`):

- ``session``: the request's transaction (:class:`SessionProvider`): read-only for GET and HEAD, a
  write transaction otherwise; committed after the handler returned and its answer was encoded,
  rolled back on any exception. A write's ``Idempotency-Key`` is honoured here
  (:mod:`invoicing.core.idempotency`); an ``IntegrityError`` answers 409 and writes nothing.
  It is the only generator dependency (Litestar runs several cleanups in a task group).
- ``ctx``: the caller and its entity (:class:`invoicing.auth.Scope`), set by the guard; None on a
  public route.
- ``db``: the :class:`invoicing.db.Database`, for work outside the request's transaction.
- ``wake_mail``: wakes the in-process e-mail worker; pass it to :func:`after_commit`.
- ``settings``: the :class:`invoicing.config.Settings`, named per controller
  (``dependencies = {"settings": SETTINGS, ...}``) rather than app-wide because of a Litestar trap: a
  dependency named like a top-level field of the handler's request body (entities have ``settings``,
  invoices ``items``) turns a validation error on that field into a 500. Name dependencies so they
  never meet a body field.

Litestar resolves the dependencies a handler needs in batches, and a batch of more than one in an
anyio task group (hundreds of microseconds on a loaded machine, per request). So the common ones
form a chain: ``ctx``, then ``session`` (it takes ``ctx``), then the controller's service; ``db``
comes from a closure, not as a dependency of ``session``. A handler (or service) that names ``db``,
``settings`` or ``wake_mail`` beside them pays for one task group; so does a second service. List
handlers take ``request`` and pass :func:`invoicing.core.paging.metadata_filters` of it to the service.

On SQLite the write transaction holds the one writer connection from its first statement to the
commit: do slow work (rendering) before touching ``session``, and never open another write
``db.transaction()`` inside a write request. A write handler returns its value (the status comes from
the route's ``status_code``), so that :class:`ApiResponse` can record the encoded answer for the key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from litestar import Request, Response
from litestar.di import Provide
from litestar.response.base import ASGIResponse
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import problem
from invoicing.auth.context import Scope
from invoicing.auth.guard import provide_scope
from invoicing.config import Settings
from invoicing.core import idempotency
from invoicing.db import Database
from invoicing.db.engine import insert_new

READ_METHODS = frozenset({"GET", "HEAD"})
CONFLICT = "A concurrent change conflicted with this request; nothing was written. Retry it."
_PENDING = "folio.idempotency"
_ANSWER = "folio.conflict_answer"
_AFTER_COMMIT = "folio.after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has committed (not at all if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


class SessionProvider:
    """The ``session`` dependency over one :class:`Database` (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(self, request: Request, ctx: Scope | None) -> AsyncIterator[AsyncSession]:
        db = self.db
        if request.method in READ_METHODS:
            async with db.transaction(write=False) as session:
                yield session
            return
        pending = await _pending(request, db, ctx)
        try:
            async with db.transaction() as session:
                yield session
                if pending is not None:
                    await insert_new(session, pending.record())  # one Core INSERT, not a flush
        except IntegrityError:
            _state(request)[_ANSWER] = await _conflict_answer(db, pending)
            raise
        for callback in session.info.pop(_AFTER_COMMIT, ()):
            callback()


def _state(request: Request) -> dict[str, Any]:
    """The dict behind ``request.state``, without building a ``State`` on every response."""
    return request.scope["state"]


async def _pending(request: Request, db: Database, ctx: Scope | None) -> idempotency.PendingKey | None:
    key = request.headers.get("idempotency-key")
    if not key:
        return None
    pending = await idempotency.pending_key(request, key, ctx.principal if ctx else None)
    if pending is not None:
        record = await pending.stored(db)
        if record is not None:
            raise idempotency.StoredAnswer(pending.replay(record))
        _state(request)[_PENDING] = pending
    return pending


async def _conflict_answer(db: Database, pending: idempotency.PendingKey | None) -> Response:
    """After an IntegrityError: the answer a concurrent request stored under the same key, else 409."""
    record = await pending.stored(db) if pending is not None else None
    if pending is None or record is None:
        return problem(409, "Conflict", CONFLICT)
    if record.request_hash != pending.digest:
        return problem(409, "Conflict", idempotency.MISMATCH)
    return pending.replay(record)


class ApiResponse(Response):
    """The app's response class: records the encoded answer of a keyed write before the commit."""

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> ASGIResponse:
        response = super().to_asgi_response(app, request, **kwargs)
        pending = _state(request).get(_PENDING)
        if pending is not None:
            pending.body, pending.status = response.body, response.status_code
        return response


def _integrity_error(request: Request, _: IntegrityError) -> Response:
    return _state(request).get(_ANSWER) or problem(409, "Conflict", CONFLICT)


def _stored_answer(_: Request, exc: idempotency.StoredAnswer) -> Response:
    return exc.response


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    IntegrityError: _integrity_error,
    idempotency.StoredAnswer: _stored_answer,
}


def _wake_mail(request: Request) -> Callable[[], None]:
    worker = getattr(request.app.state, "email_worker", None)
    return worker.wake if worker is not None else _nothing


def _nothing() -> None:
    return None


def _settings(request: Request) -> Settings:
    return request.app.state.settings


SETTINGS = Provide(_settings, sync_to_thread=False)


def app_dependencies(db: Database) -> dict[str, Provide]:
    """The app-wide dependencies named in the module docstring."""
    return {
        "session": Provide(SessionProvider(db)),
        "ctx": Provide(provide_scope, sync_to_thread=False),
        "db": Provide(lambda: db, use_cache=True, sync_to_thread=False),
        "wake_mail": Provide(_wake_mail, sync_to_thread=False),
    }
