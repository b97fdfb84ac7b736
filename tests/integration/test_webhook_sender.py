"""The webhook worker's HTTP client (:mod:`invoicing.webhooks.sender`) against local receivers: only checked
addresses are reached, a kept DNS answer is checked again at every use, connections are reused, and a kept
connection the receiver closed is replaced without failing the attempt. The signatures it sends verify with
the ``standardwebhooks`` library."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from invoicing.core.netsafety import NonPublicAddress
from invoicing.webhooks import sender as sender_module
from invoicing.webhooks.sender import Sender
from invoicing.webhooks.signing import sign
from tests.conftest import _free_port


class _Receiver(ThreadingHTTPServer):
    """Answers every POST with its name; counts requests and connections; ``close_after``: closes each
    connection after that many requests (0: keeps them)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], name: bytes, close_after: int = 0) -> None:
        self.name, self.paths, self.connections, self.close_after = name, [], 0, close_after
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                recorder.connections += 1
                self.served = 0

            def do_POST(self):
                self.rfile.read(int(self.headers["content-length"]))
                recorder.paths.append(self.path)
                self.served += 1
                self.send_response(200)
                self.send_header("content-length", str(len(recorder.name)))
                if recorder.close_after and self.served >= recorder.close_after:
                    self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(recorder.name)

        super().__init__(address, Handler)


@pytest.fixture
def two_hosts() -> Iterator[tuple[int, _Receiver, _Receiver]]:
    """The same port on 127.0.0.1 (stands for a public receiver) and 127.0.0.2 (the internal network)."""
    port = _free_port()
    outside, inside = _Receiver(("127.0.0.1", port), b"outside"), _Receiver(("127.0.0.2", port), b"inside")
    for server in (outside, inside):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield port, outside, inside
    for server in (outside, inside):
        server.shutdown()
        server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def only_outside(address) -> bool:
    return str(address) == "127.0.0.1"


def test_a_kept_dns_answer_is_checked_again_at_every_use(two_hosts):
    port, outside, inside = two_hosts
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1", "127.0.0.2"]  # one harmless address, one internal: the name is refused

    async def run() -> list[BaseException]:
        sender = Sender(5, allowed=only_outside, resolver=resolver)
        refused = []
        for _ in range(3):
            try:
                await sender.post(f"http://hook.example:{port}/x", [], b"{}")
            except NonPublicAddress as exc:
                refused.append(exc)
        await sender.aclose()
        return refused

    refused = asyncio.run(run())
    assert len(refused) == 3 and all("127.0.0.2" in str(exc) for exc in refused)
    assert asked == ["hook.example"]  # resolved once, kept, and refused again each time
    assert outside.paths == [] and inside.paths == []


def test_a_rebinding_name_reaches_only_the_address_that_was_checked(two_hosts):
    port, outside, inside = two_hosts
    outside.close_after = 1  # every request on a new connection, so every one resolves (or uses the kept answer)
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # a harmless address first, then the internal one
    clock = Clock()

    async def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    async def run() -> tuple[list[bytes], BaseException | None]:
        sender = Sender(5, allowed=only_outside, resolver=resolver, clock=clock)
        bodies = [(await sender.post(f"http://rebind.example:{port}/{i}", [], b"{}")).body for i in range(2)]
        clock.now += sender_module.DNS_TTL + 1  # the kept answer expires: the name is asked again
        try:
            await sender.post(f"http://rebind.example:{port}/late", [], b"{}")
        except NonPublicAddress as exc:
            return bodies, exc
        finally:
            await sender.aclose()
        return bodies, None

    bodies, refused = asyncio.run(run())
    assert bodies == [b"outside", b"outside"] and outside.paths == ["/0", "/1"] and outside.connections == 2
    assert isinstance(refused, NonPublicAddress) and "127.0.0.2" in str(refused)
    assert inside.paths == []


def test_connections_are_reused_and_a_closed_one_is_replaced(two_hosts):
    port, outside, _ = two_hosts

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def run() -> list[int]:
        sender = Sender(5, allowed=only_outside, resolver=resolver)
        statuses = []
        for i in range(3):
            statuses.append((await sender.post(f"http://hook.example:{port}/{i}", [], b"{}")).status_code)
        assert outside.connections == 1
        # the receiver closes the kept connection behind the client's back
        idle = sender._idle[(False, "hook.example", port)]
        assert len(idle) == 1
        outside.close_after = 1
        statuses.append((await sender.post(f"http://hook.example:{port}/3", [], b"{}")).status_code)  # closes it
        assert outside.connections == 1
        outside.close_after = 0
        statuses.append((await sender.post(f"http://hook.example:{port}/4", [], b"{}")).status_code)
        await sender.aclose()
        return statuses

    assert asyncio.run(run()) == [200] * 5
    assert outside.paths == ["/0", "/1", "/2", "/3", "/4"] and outside.connections == 2


def test_a_stale_kept_connection_is_retried_once_on_a_new_one(two_hosts):
    """A kept connection that fails before any answer (the receiver dropped it while idle) does not fail the
    attempt: it is sent again on a new connection."""
    port, outside, _ = two_hosts

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def run() -> int:
        sender = Sender(5, allowed=only_outside, resolver=resolver)
        await sender.post(f"http://hook.example:{port}/first", [], b"{}")
        [kept] = sender._idle[(False, "hook.example", port)]
        # as if the receiver's FIN had not been seen yet: the connection looks usable but its write side is gone
        kept.transport.get_extra_info("socket").shutdown(1)
        answer = await sender.post(f"http://hook.example:{port}/second", [], b"{}")
        await sender.aclose()
        return answer.status_code

    assert asyncio.run(run()) == 200
    assert outside.paths == ["/first", "/second"] and outside.connections == 2


@pytest.mark.parametrize("count", [1, 2])
def test_signatures_verify_with_standardwebhooks(count):
    secrets = ["whsec_" + base64.b64encode(os.urandom(32)).decode() for _ in range(count)]
    secrets.append("whsec_" + base64.b64encode(os.urandom(24)).decode().rstrip("="))  # unpadded base64 too
    body = '{"data":{"name":"Žiga"},"id":"evt_1","type":"invoice.issued"}'.encode()
    timestamp = int(datetime.now(UTC).timestamp())
    header = sign(secrets, "evt_1", timestamp, body)
    assert len(header.split(" ")) == len(secrets)
    for secret in secrets:
        headers = {"webhook-id": "evt_1", "webhook-timestamp": str(timestamp), "webhook-signature": header}
        assert Webhook(secret).verify(body, headers)["data"]["name"] == "Žiga"
        alone = Webhook(secret).sign("evt_1", datetime.fromtimestamp(timestamp, UTC), body.decode())
        assert alone in header.split(" ")
    with pytest.raises(Exception, match="signature"):
        other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
        Webhook(other).verify(
            body, {"webhook-id": "evt_1", "webhook-timestamp": str(timestamp), **{"webhook-signature": header}}
        )


async def _scripted(answer: bytes, *, close: bool) -> tuple[asyncio.Server, int, list[bytes]]:
    """A receiver that reads one request and writes ``answer`` as it is (then closes when ``close``)."""
    requests: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(next(line for line in head.split(b"\r\n") if line.startswith(b"content-length:")).split(b":")[1])
        requests.append(head + await reader.readexactly(length))
        writer.write(answer)
        await writer.drain()
        if close:
            writer.close()
        else:
            await asyncio.sleep(30)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], requests


async def _loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


@pytest.mark.parametrize(
    ("answer", "close", "status", "body", "kept"),
    [
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\nok", False, 202, b"ok", 1),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            False,
            200,
            b"abcde",
            1,
        ),
        (b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end", True, 200, b"until the end", 0),  # no length
        (b"HTTP/1.0 204 No Content\r\n\r\n", True, 204, b"", 0),
        (b"HTTP/1.1 503 Busy\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy", True, 503, b"busy", 0),
    ],
)
def test_answers_are_read_as_http_frames_them(answer, close, status, body, kept):
    """Informational heads are skipped, chunked and close-delimited bodies read whole, and only a connection
    both sides keep is kept."""

    async def run() -> tuple[int, bytes, int, list[bytes]]:
        server, port, requests = await _scripted(answer, close=close)
        sender = Sender(5, allowed=only_outside, resolver=_loopback)
        got = await sender.post(f"http://hook.example:{port}/in?x=1", [(b"webhook-id", b"evt_1")], b'{"a":1}')
        idle = len(sender._idle.get((False, "hook.example", port), []))
        await sender.aclose()
        server.close()
        return got.status_code, got.body, idle, requests

    got_status, got_body, idle, requests = asyncio.run(run())
    assert (got_status, got_body, idle) == (status, body, kept)
    [request] = requests
    assert request.startswith(b"POST /in?x=1 HTTP/1.1\r\nhost: hook.example:")
    assert b'\r\nwebhook-id: evt_1\r\ncontent-length: 7\r\n\r\n{"a":1}' in request


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nx-filler: " + b"a" * 20000 + b"\r\n\r\n", "longer than 16384 bytes"),
        (b"HTTP/1.1 200 OK\r\nx-filler: " + b"a" * 40000, "longer than 16384 bytes"),  # a head that never ends
        (b"SMTP ready\r\n\r\n", "not HTTP/1.1"),
        (b"", "closed the connection"),
    ],
)
def test_answers_that_are_not_http_fail_the_attempt(answer, message):
    async def run() -> BaseException:
        server, port, _ = await _scripted(answer, close=True)
        sender = Sender(5, allowed=only_outside, resolver=_loopback)
        try:
            await sender.post(f"http://hook.example:{port}/", [], b"{}")
        except sender_module.Failed as exc:
            return exc
        finally:
            await sender.aclose()
            server.close()
        raise AssertionError("answered")

    assert message in str(asyncio.run(run()))


@pytest.mark.parametrize("header", [(b"x-evil", b"a\r\nhost: other"), (b"bad name", b"v"), (b"x", b"nul\x00")])
def test_headers_that_would_split_the_request_are_refused(header):
    sender = Sender(5, allowed=only_outside, resolver=_loopback)
    with pytest.raises(ValueError, match="not a valid header"):
        asyncio.run(sender.post("http://hook.example:1/", [header], b"{}"))
