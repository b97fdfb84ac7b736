"""The demo platform's token endpoint survives Folio closing a kept-alive connection just as it is reused
(uvicorn closes idle connections after 5 s; a request sent on one at that moment gets no answer): it asks once
more on a new connection instead of answering the page 502."""

from __future__ import annotations

import asyncio
import json
import threading
from types import SimpleNamespace

from litestar.testing import AsyncTestClient

from bff.demo.host import HostConfig, create_host_app


class RacingFolio:
    """Answers ``POST /embed/tokens`` with a new token each time, keeping connections alive, except that the first
    time a token is asked for on an already used connection it closes that connection without an answer;
    anything else (the demo's webhook registration) gets 503."""

    def __init__(self) -> None:
        self.tokens = 0
        self.dropped = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                length = next((int(h.split(":")[1]) for h in lines if h.lower().startswith("content-length:")), 0)
                await reader.readexactly(length)
                is_token = lines[0].startswith("POST /embed/tokens ")
                if is_token and served and not self.dropped:
                    self.dropped += 1
                    writer.close()
                    return
                if is_token:
                    self.tokens += 1
                    status, body = "201 Created", json.dumps({"token": f"tok_{self.tokens}"}).encode()
                else:
                    status, body = "503 Service Unavailable", b"{}"
                head = f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
                writer.write(head.encode() + body)
                await writer.drain()
                served += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def _serve(folio: RacingFolio) -> tuple[str, asyncio.AbstractEventLoop]:
    """The stand-in on its own event loop in a thread (the test client runs the app on another)."""
    loop = asyncio.new_event_loop()
    started: list[asyncio.Server] = []
    ready = threading.Event()

    async def start() -> None:
        started.append(await asyncio.start_server(folio.handle, "127.0.0.1", 0))
        ready.set()

    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(start(), loop)
    ready.wait(10)
    return f"http://127.0.0.1:{started[0].sockets[0].getsockname()[1]}", loop


async def _ask_twice(url: str) -> list[tuple[int, dict]]:
    user = SimpleNamespace(id="eu_1", name="Ana", role="admin")
    tenant = SimpleNamespace(entity_id="ent_1", name="Kavarna", locale="sl", slug="lipa", users=[user])
    app = create_host_app(HostConfig(folio_url=url, origin="http://localhost:1", account_key="sk", tenants=[tenant]))
    answers = []
    async with AsyncTestClient(app) as client:
        for _ in range(2):
            r = await client.post("/folio-token", json={"entity_id": "ent_1", "user_id": "eu_1"})
            answers.append((r.status_code, r.json()))
    return answers


def test_a_connection_closed_on_reuse_is_asked_again_not_a_502():
    folio = RacingFolio()
    url, loop = _serve(folio)
    try:
        answers = asyncio.run(_ask_twice(url))
    finally:
        loop.call_soon_threadsafe(loop.stop)
    assert folio.dropped == 1  # the race did happen
    assert answers == [(201, {"token": "tok_1"}), (201, {"token": "tok_2"})]
