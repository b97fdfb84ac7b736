"""Shared fixtures: a real Folio server (uvicorn, over TCP) per database engine, and more servers on its
database (``running``, ``server_settings``).

Integration tests are parametrized over SQLite and PostgreSQL. PostgreSQL is reached at
``FOLIO_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``); when it is not
reachable the PostgreSQL tests skip, except under ``CI=true`` where they fail (``skip_unless_ci``: CI runs
every test).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
import uvicorn

from bff.config import BffSettings
from invoicing.config import Settings
from invoicing.db.migrate import upgrade

PG_URL = os.environ.get("FOLIO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def skip_unless_ci(reason: str) -> NoReturn:
    """Skip here; under ``CI=true`` fail instead, so a missing service or tool cannot pass CI unnoticed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI requires every test to run")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin(statement: str) -> None:
    import asyncpg

    async def run():
        conn = await asyncpg.connect(PG_URL.replace("postgresql://", "postgres://", 1), timeout=5)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def postgres_database() -> str | None:
    """A fresh database on the PostgreSQL server for this test session (so parallel runs never meet),
    or None when the server is not reachable."""
    name = f"folio_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception:
        return None
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    url: str
    database_url: str
    engine: str
    settings: Settings

    def client(self, key: str | None = None, entity: str | None = None, **kw) -> httpx.Client:
        headers = {}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if entity:
            headers["X-Entity-Id"] = entity
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kw)


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self):  # running in a thread
        pass


def start_server(app, port: int) -> tuple[_ThreadedServer, threading.Thread]:
    server = _ThreadedServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    return server, thread


def server_settings(server, **security) -> Settings:
    settings = Settings()
    settings.database.url = server.database_url
    settings.vies = server.settings.vies
    settings.security.secret_keys = list(security.get("keys") or server.settings.security.signing_keys())
    return settings


def bff_settings_of(server, **fields) -> BffSettings:
    """Settings for a BFF deployed on its own beside ``server``: the same secrets."""
    return BffSettings(secret_keys=list(server.settings.security.signing_keys()), **fields)


@contextmanager
def running(app_factory, settings: Settings | BffSettings):
    """Another server process-alike on the same database (e.g. after a secret rotation)."""
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    srv, thread = start_server(app_factory(settings), port)
    try:
        yield settings.public_url
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


VIES_TIMEOUT = 0.5
"""The servers' ``FOLIO_VIES_TIMEOUT`` in tests; the stand-in's slow number sleeps past it."""


@pytest.fixture(scope="session")
def vies():
    """The VIES stand-in (:mod:`invoicing.demo.vies`) as a real server; ``vies.url``, ``vies.requests``."""
    from invoicing.demo.vies import ViesStandIn

    stand_in = ViesStandIn(slow_seconds=VIES_TIMEOUT * 3)
    port = _free_port()
    srv, thread = start_server(stand_in.app, port)
    stand_in.url = f"http://127.0.0.1:{port}"
    yield stand_in
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory, vies) -> Server:
    engine = request.param
    if engine == "sqlite":
        database_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'folio.db'}"
    else:
        database_url = postgres_database()
        if database_url is None:
            skip_unless_ci(f"PostgreSQL at {PG_URL} is not reachable")
    upgrade(database_url)
    settings = Settings()
    settings.database.url = database_url
    settings.vies.url, settings.vies.timeout = vies.url, VIES_TIMEOUT
    settings.recurring.seconds = 0  # tests run the recurring scheduler themselves, with an explicit "now"
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    from folio.server import create_server_app

    srv, thread = start_server(create_server_app(settings), port)
    yield Server(url=f"http://127.0.0.1:{port}", database_url=database_url, engine=engine, settings=settings)
    srv.should_exit = True
    thread.join(timeout=10)
    if engine == "postgresql":
        drop_postgres_database(database_url)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
