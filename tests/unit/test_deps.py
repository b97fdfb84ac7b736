"""The ``session`` dependency on a small app over a real SQLite file: which transaction a request gets,
when it commits, what an ``Idempotency-Key`` stores and replays, and how an IntegrityError answers
(including the race where a concurrent request stored its answer under the same key first)."""

from __future__ import annotations

import sqlite3

import msgspec
import pytest
from litestar import Litestar, Request, get, post
from litestar.testing import TestClient
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import EXCEPTION_HANDLERS, NotFound
from invoicing.auth.context import Principal, Scope
from invoicing.core import deps
from invoicing.core.idempotency import request_hash
from invoicing.db import Base, Database
from invoicing.db.models import Account, IdempotencyRecord
from invoicing.events import emit

SCOPE = Scope(Principal("acc_caller", "sandbox", "account", "key_1", frozenset()), None)
WOKEN: list[str] = []


class NameIn(msgspec.Struct):
    name: str


class AccountRef(msgspec.Struct):
    id: str
    name: str


async def _guard(connection, _handler) -> None:
    connection.state.scope = SCOPE


@get("/bound")
async def bound(session: AsyncSession, db: Database) -> dict[str, bool]:
    return {"reader": session.bind is db.reader, "writer": session.bind is db.writer}


@post("/accounts")
async def create(data: NameIn, session: AsyncSession, ctx: Scope, fail: bool = False) -> AccountRef:
    account = Account(id=f"acc_{data.name}", name=data.name, embed_allowed_origins=[])
    session.add(account)
    emit(session, ctx, "account.updated", account.id)
    deps.after_commit(session, lambda: WOKEN.append(account.id))
    if fail:
        raise NotFound("refused after the change")
    return AccountRef(id=account.id, name=account.name)


@post("/flushed", status_code=200)
async def flushed(data: NameIn, session: AsyncSession) -> AccountRef:
    session.add(Account(id=f"acc_{data.name}", name=data.name, embed_allowed_origins=[]))
    await session.flush()
    return AccountRef(id=f"acc_{data.name}", name=data.name)


@post("/raced")
async def raced(
    request: Request, data: NameIn, session: AsyncSession, db: Database, flush: bool = False, other: bool = False
) -> AccountRef:
    """A concurrent request with the same key (and with ``other``, another body) commits its change and
    answer while this one runs; with ``flush`` this one's own insert clashes with it inside the handler."""
    body = b"another body" if other else await request.body()
    async with db.transaction() as winner:
        winner.add(Account(id="acc_winner", name="winner", embed_allowed_origins=[]))
        winner.add(
            IdempotencyRecord(
                account_id="acc_caller",
                environment="sandbox",
                key=request.headers["idempotency-key"],
                request_hash=request_hash(request, body),
                status_code=201,
                body='{"id":"acc_winner","name":"winner"}',
            )
        )
    session.add(Account(id="acc_winner" if flush else "acc_loser", name="loser", embed_allowed_origins=[]))
    if flush:
        await session.flush()
    return AccountRef(id="acc_loser", name="loser")


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "deps.db"
    Base.metadata.create_all(create_engine(f"sqlite:///{path}"))
    db = Database(f"sqlite:///{path}")
    app = Litestar(
        [bound, create, flushed, raced],
        guards=[_guard],
        dependencies=deps.app_dependencies(db),
        exception_handlers={**EXCEPTION_HANDLERS, **deps.EXCEPTION_HANDLERS},
        response_class=deps.ApiResponse,
    )
    WOKEN.clear()
    with TestClient(app) as test_client:
        test_client.rows = lambda table: sqlite3.connect(path).execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        yield test_client


def test_get_reads_on_the_reader_and_a_write_on_the_writer(client):
    assert client.get("/bound").json() == {"reader": True, "writer": False}


def test_a_write_commits_with_its_events_and_then_runs_after_commit_callbacks(client):
    r = client.post("/accounts", json={"name": "one"})
    assert r.status_code == 201 and r.json() == {"id": "acc_one", "name": "one"}
    assert (client.rows("accounts"), client.rows("events"), client.rows("idempotency_keys")) == (1, 1, 0)
    assert WOKEN == ["acc_one"]


def test_an_exception_rolls_back_the_change_its_events_and_callbacks(client):
    r = client.post("/accounts", params={"fail": True}, json={"name": "one"})
    assert r.status_code == 404
    assert (client.rows("accounts"), client.rows("events")) == (0, 0)
    assert WOKEN == []


def test_a_keyed_write_stores_its_encoded_answer_and_a_retry_replays_it(client):
    key = {"Idempotency-Key": "k1"}
    first = client.post("/accounts", json={"name": "one"}, headers=key)
    again = client.post("/accounts", json={"name": "one"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert (client.rows("accounts"), client.rows("events"), client.rows("idempotency_keys")) == (1, 1, 1)
    assert WOKEN == ["acc_one"]
    other = client.post("/accounts", json={"name": "two"}, headers=key)
    assert other.status_code == 409 and "different request" in other.json()["detail"]
    assert client.rows("accounts") == 1


def test_a_key_over_255_characters_answers_422_naming_the_header(client):
    r = client.post("/accounts", json={"name": "one"}, headers={"Idempotency-Key": "k" * 256})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"
    assert client.rows("accounts") == 0


def test_an_integrity_error_at_commit_answers_409_and_writes_nothing(client):
    assert client.post("/accounts", json={"name": "one"}).status_code == 201
    again = client.post("/accounts", json={"name": "one"}, headers={"Idempotency-Key": "new"})
    assert again.status_code == 409 and again.json()["detail"] == deps.CONFLICT
    assert (client.rows("accounts"), client.rows("events"), client.rows("idempotency_keys")) == (1, 1, 0)


def test_an_integrity_error_in_the_handler_answers_409(client):
    assert client.post("/flushed", json={"name": "one"}).status_code == 200
    again = client.post("/flushed", json={"name": "one"})
    assert again.status_code == 409 and again.json()["detail"] == deps.CONFLICT


@pytest.mark.parametrize("flush", [False, True], ids=["at-commit", "in-handler"])
def test_losing_the_race_for_a_key_answers_with_the_winners_stored_answer(client, flush):
    r = client.post("/raced", params={"flush": flush}, json={"name": "race"}, headers={"Idempotency-Key": "race"})
    assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
    assert r.json() == {"id": "acc_winner", "name": "winner"}
    assert (client.rows("accounts"), client.rows("idempotency_keys")) == (1, 1)


def test_losing_the_race_with_another_body_answers_409(client):
    r = client.post("/raced", params={"other": True}, json={"name": "race"}, headers={"Idempotency-Key": "race"})
    assert r.status_code == 409 and "different request" in r.json()["detail"]
    assert (client.rows("accounts"), client.rows("idempotency_keys")) == (1, 1)
