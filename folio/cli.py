"""The ``folio`` command line: ``serve`` (the one-process server, :mod:`folio.server`), ``demo`` (that
server plus the demo platform page, :mod:`bff.demo.host`, on a seeded sandbox, and the VIES stand-in,
:mod:`invoicing.demo.vies`), ``permissions`` (the route × role table), ``db upgrade`` and ``account create``."""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import json
import logging
import os
import socket
import sys
from pathlib import Path

import click

from invoicing.config import InsecureDefaults, Settings

DATABASE = click.option(
    "--database",
    "database_url",
    envvar="FOLIO_DATABASE_URL",
    default=None,
    help="sqlite:///path.db or postgresql://user@host:port/db (default: SQLite under ./var/)",
)


def _settings(database_url: str | None) -> Settings:
    settings = Settings()
    if database_url:
        settings.database.url = database_url
    return settings


@click.group()
def main() -> None:
    """Folio: the invoicing layer platforms embed in their product."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes sharing the port (SO_REUSEPORT); more than one needs PostgreSQL",
)
@DATABASE
def serve(host: str, port: int, workers: int, database_url: str | None) -> None:
    """Run the API, the embed BFF and the dashboard in one process, or in ``--workers`` processes on one
    port (applies pending migrations first)."""
    settings = _settings(database_url)
    _refuse_insecure_defaults(settings, host)
    from folio.server import create_server_app, serve_app
    from invoicing.db.migrate import upgrade

    if workers > 1 and settings.database.url.startswith("sqlite"):
        raise click.BadParameter(
            "SQLite serves from one process per database file; use PostgreSQL to run several", param_hint="--workers"
        )
    if not os.environ.get("FOLIO_PUBLIC_URL"):
        settings.public_url = served_url(host, port)
    sock = _listen(host, port, "is Folio running there already? Stop it, or choose another port with --port")
    if workers > 1:
        # the N processes bind their own sockets with SO_REUSEPORT, which would share the port with another
        # `folio serve --workers` already there (the kernel splitting the traffic between the two): this check
        # binds without it, then lets go of the port for them
        sock.close()
    upgrade(settings.database.url)
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"Folio listening on http://{host}:{port}  (OpenAPI: http://{host}:{port}/schema{processes})", err=True)
    click.echo(f"Public URL (embed and e-mailed links; FOLIO_PUBLIC_URL): {settings.public_url}", err=True)
    if workers > 1:
        # the connections are the deployment's, not each process's: N processes share them
        share = max(5, settings.database.connections // workers)
        settings.database = dataclasses.replace(settings.database, connections=share)
        _serve_processes(settings, host, port, workers)
    else:
        serve_app(create_server_app(settings), host, port, sock)  # SIGTERM: render workers killed, stopped in seconds


def _serve_processes(settings: Settings, host: str, port: int, workers: int) -> None:
    """``folio serve --workers N``: N server processes (spawned, each with its own database pool, render
    workers and background workers) each listening on ``host:port`` with ``SO_REUSEPORT``, so the kernel
    spreads the connections over them. The background workers (webhooks, e-mail, exports) claim their
    work ``FOR UPDATE SKIP LOCKED`` under leases and the abuse limits count in PostgreSQL, so N processes
    share them safely. SIGTERM or Ctrl+C stops them all; when one ends by itself (its port was taken, it
    crashed) the others are stopped too and this exits non-zero, for the supervisor to restart."""
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no state forked
    processes = [
        context.Process(target=_serve_worker, args=(settings, host, port, os.getpid()), name=f"folio-serve-{i + 1}")
        for i in range(workers)
    ]
    signalled = False

    def stop(signum: int | None = None, _frame: object = None) -> None:
        nonlocal signalled
        signalled = signalled or signum is not None
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: the graceful stop of ``folio serve``

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.start()
    ready = wait([p.sentinel for p in processes])  # the first to end, or all once stopped
    first = next(p for p in processes if p.sentinel in ready)
    stop()
    for process in processes:
        process.join(15)
        if process.is_alive():
            process.kill()
            process.join()
    if not signalled:
        raise click.ClickException(f"{first.name} ended (exit code {first.exitcode}); stopped the others")


def _serve_worker(settings: Settings, host: str, port: int, parent: int) -> None:
    """One process of ``folio serve --workers N``: the app on its own ``SO_REUSEPORT`` socket. It leaves the
    terminal's process group, so Ctrl+C reaches the parent alone, which stops every process once (SIGTERM),
    and gets SIGTERM should the parent die without stopping it (killed)."""
    import ctypes
    import signal

    os.setpgrp()
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent:  # the parent died before that
        return
    from folio.server import create_server_app, serve_app

    serve_app(create_server_app(settings), host, port, _bound(host, port, shared=True))


def _refuse_insecure_defaults(settings: Settings, host: str) -> None:
    """Exit (status 1, saying what to set) rather than serve beyond loopback with the public development secret."""
    try:
        settings.security.refuse_development_secret(host)
    except InsecureDefaults as exc:
        raise click.ClickException(str(exc)) from None


def served_url(host: str, port: int) -> str:
    """The URL ``folio serve --host --port`` is reached at, the public URL unless ``FOLIO_PUBLIC_URL`` is set
    (an unspecified address, 0.0.0.0 or ::, is reached at 127.0.0.1 here)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _vies_stand_in(settings: Settings) -> socket.socket | None:
    """Unless ``FOLIO_VIES_URL`` is set: a socket on a free port for the VIES stand-in, which
    ``settings.vies.url`` then points at."""
    if os.environ.get("FOLIO_VIES_URL"):
        return None
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    settings.vies.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    return sock


def _bound(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """A TCP socket bound to ``host:port`` (``shared``: ``SO_REUSEPORT``, one of several processes on it)."""
    family, kind, proto, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a server stopped a moment ago left its port
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _listen(host: str, port: int, taken: str) -> socket.socket:
    """:func:`_bound`, before anything else starts, so that a port that is taken stops the command at once
    with a clear message (``taken``: what to do then), before it says it listens (or the demo seeds and revokes
    the running one's key)."""
    try:
        return _bound(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.UsageError(f"port {port} on {host} is taken: {taken}") from None
        raise click.UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


@main.command()
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=int,
    envvar="FOLIO_DEMO_PORT",
    help="Folio's port, on 127.0.0.1 (FOLIO_DEMO_PORT)",
)
@click.option(
    "--host-port",
    default=8001,
    show_default=True,
    type=int,
    envvar="FOLIO_DEMO_HOST_PORT",
    help="The demo platform's port, on localhost: another site than Folio's (FOLIO_DEMO_HOST_PORT)",
)
@DATABASE
def demo(port: int, host_port: int, database_url: str | None) -> None:
    """Seed a sandbox account with two tenants, then run Folio and a demo platform page that embeds it."""
    import uvicorn

    from bff.demo.host import HostConfig, create_host_app
    from folio.server import create_server_app
    from invoicing.db.migrate import upgrade
    from invoicing.demo.seed import allow_demo_webhooks, seed
    from invoicing.demo.vies import ViesStandIn

    if port == host_port:
        raise click.BadParameter("Folio and the demo platform need two different ports", param_hint="--host-port")
    running = "is the demo (`make run`) running already? Stop it, or choose another port with "
    folio_socket = _listen("127.0.0.1", port, running + "--port (FOLIO_DEMO_PORT)")
    host_socket = _listen("127.0.0.1", host_port, running + "--host-port (FOLIO_DEMO_HOST_PORT)")
    settings = _settings(database_url)
    folio_url, host_origin = f"http://127.0.0.1:{port}", f"http://localhost:{host_port}"
    settings.public_url = folio_url
    allow_demo_webhooks(settings)  # the demo platform's backend, on loopback, receives Folio's webhooks
    if settings.database.url.startswith("sqlite:///"):
        Path(settings.database.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database.url)
    setup = asyncio.run(seed(settings, host_origin))
    logging.getLogger("httpx").setLevel(logging.WARNING)

    backend_url = f"http://127.0.0.1:{host_port}"  # where Folio's webhook worker reaches the platform's backend
    host = create_host_app(
        HostConfig(
            folio_url=folio_url,
            origin=host_origin,
            account_key=setup.account_key,
            tenants=setup.tenants,
            backend_url=backend_url,
        )
    )
    vies_socket = _vies_stand_in(settings)
    folio = create_server_app(settings)

    async def run() -> None:
        servers: list[tuple[uvicorn.Server, list[socket.socket]]] = [
            (uvicorn.Server(uvicorn.Config(folio, log_level="warning")), [folio_socket]),
            (uvicorn.Server(uvicorn.Config(host, log_level="warning")), [host_socket]),
        ]
        if vies_socket is not None:
            servers.append((uvicorn.Server(uvicorn.Config(ViesStandIn().app, log_level="warning")), [vies_socket]))
        tasks = [asyncio.create_task(s.serve(sockets=sockets)) for s, sockets in servers]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for s, _ in servers:  # one stopped (Ctrl+C, or its port was taken): stop the others too
            s.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)

    click.echo(
        f"Demo account {setup.account_id}: "
        + "; ".join(f"{t.name} ({t.entity_id}, {t.locale})" for t in setup.tenants),
        err=True,
    )
    first = setup.tenants[0]
    click.echo(f"  Folio (API, dashboard, SDK):  {folio_url}   (OpenAPI: {folio_url}/schema)")
    click.echo(f"  Sandbox account key:          {setup.account_key}   (new on every start; the last one is revoked)")
    click.echo(
        f"  Try the API ({first.name}):\n"
        f'    curl -s {folio_url}/v1/invoices -H "Authorization: Bearer {setup.account_key}" '
        f'-H "X-Entity-Id: {first.entity_id}"'
    )
    click.echo(f"  Demo platform page:           {host_origin}   <- open this one")
    click.echo(
        f"  Webhooks received (live feed on that page): Folio signs every event to {backend_url}/folio-webhooks,\n"
        "    the platform's backend verifies each (standardwebhooks; bff/demo/feed.py)"
    )
    stand_in = " (stand-in: invoicing/demo/vies.py)" if vies_socket is not None else ""
    click.echo(f"  VIES (FOLIO_VIES_URL):        {settings.vies.url}{stand_in}")
    click.echo("Ctrl+C stops them all.", err=True)
    asyncio.run(run())


@main.command()
def permissions() -> None:
    """Print the route × role permission table (Markdown), as the routes declare it."""
    from folio.server import create_server_app
    from invoicing.auth.table import markdown

    click.echo(markdown(create_server_app(Settings())))  # never served: no secret needed


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@DATABASE
def db_upgrade(database_url: str | None) -> None:
    """Apply pending migrations (Alembic)."""
    from invoicing.db.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database.url)
    click.echo("database is up to date", err=True)


@main.group()
def account() -> None:
    """Platform accounts."""


@account.command("create")
@click.option("--name", required=True, help="The platform's name")
@click.option("--json", "as_json", is_flag=True, help="Print only JSON on stdout")
@DATABASE
def account_create(name: str, as_json: bool, database_url: str | None) -> None:
    """Create a platform account with one sandbox and one live account key (shown once)."""
    from invoicing.accounts.service import create_account
    from invoicing.db import Database
    from invoicing.db.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database.url)

    async def run():
        database = Database(settings.database.url)
        try:
            async with database.transaction() as session:
                return await create_account(session, name)
        finally:
            await database.dispose()

    acc, keys = asyncio.run(run())
    if as_json:
        sys.stdout.write(json.dumps({"id": acc.id, "keys": keys}) + "\n")
        return
    click.echo(f"Account {acc.id} ({acc.name})")
    click.echo(f"  sandbox key: {keys['sandbox']}")
    click.echo(f"  live key:    {keys['live']}")
    click.echo("Keys are shown only now; store them safely.")


if __name__ == "__main__":
    main()
