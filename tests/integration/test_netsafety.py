"""Outbound requests to callers' URLs (webhook endpoints, remote logos) connect only to addresses checked
when the connection is opened: a name that answers a harmless address to a check and an internal one to
the connection ("DNS rebinding") reaches nothing internal, because there is only one resolution."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from invoicing.core.netsafety import NonPublicAddress, check_public_host, public_only_transport
from tests.conftest import _free_port

LIMITS = httpx.Limits(max_connections=5, max_keepalive_connections=0)


class _Recorder(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], answer: bytes) -> None:
        self.answer, self.paths = answer, []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(recorder.answer)))
                self.end_headers()
                self.wfile.write(recorder.answer)

        super().__init__(address, Handler)


@pytest.fixture
def two_hosts() -> Iterator[tuple[int, _Recorder, _Recorder]]:
    """The same port on 127.0.0.1 (stands for a public receiver) and 127.0.0.2 (stands for the internal
    network: a metadata service, an admin port)."""
    port = _free_port()
    outside, inside = _Recorder(("127.0.0.1", port), b"outside"), _Recorder(("127.0.0.2", port), b"inside")
    for server in (outside, inside):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield port, outside, inside
    for server in (outside, inside):
        server.shutdown()
        server.server_close()


def test_a_rebinding_name_reaches_only_the_address_that_was_checked(two_hosts):
    port, outside, inside = two_hosts
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # a harmless address first, then the internal one

    async def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    async def run() -> tuple[str, BaseException | None]:
        transport = public_only_transport(LIMITS, resolver=resolver, allowed=lambda a: str(a) == "127.0.0.1")
        async with httpx.AsyncClient(transport=transport) as client:
            first = (await client.get(f"http://rebind.example:{port}/first")).text
            try:  # a new connection (no keep-alive): the name now answers the internal address
                await client.get(f"http://rebind.example:{port}/second")
            except NonPublicAddress as exc:
                return first, exc
            return first, None

    first, refused = asyncio.run(run())
    assert first == "outside" and outside.paths == ["/first"]
    assert isinstance(refused, NonPublicAddress) and "127.0.0.2" in str(refused)
    assert inside.paths == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "127.0.0.2"])
def test_the_default_transport_refuses_loopback_names_and_literals(two_hosts, host):
    port, outside, inside = two_hosts

    async def run() -> None:
        async with httpx.AsyncClient(transport=public_only_transport(LIMITS)) as client:
            await client.get(f"http://{host}:{port}/x")

    with pytest.raises(NonPublicAddress):
        asyncio.run(run())
    assert outside.paths == [] and inside.paths == []


def test_the_check_before_saving_a_url_names_the_address():
    with pytest.raises(NonPublicAddress, match=r"169\.254\.169\.254"):
        asyncio.run(check_public_host("169.254.169.254", 80))
