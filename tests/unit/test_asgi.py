"""The in-process transport (:mod:`bff._asgi`), each case against a few-line ASGI app: what the app
sees, streaming both ways with a bounded queue, the client's read timeout, and an app that fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from bff import StreamingASGITransport

App = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), 10))


def client(app: App, *, read: float | None = 5, queue_size: int = 16) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=StreamingASGITransport(app, queue_size=queue_size),
        base_url="http://folio-api.internal",
        timeout=httpx.Timeout(5, read=read),
    )


async def start(send, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers or []})


async def body(send, chunk: bytes, more: bool = False) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": more})


def test_the_app_sees_the_request_as_sent():
    seen: dict[str, Any] = {}

    async def app(scope, receive, send):
        seen.update(scope)
        seen["body"] = (await receive())["body"]
        await start(send, 201, [(b"x-answer", b"yes")])
        await body(send, b"created")

    async def scenario():
        async with client(app) as c:
            return await c.post(
                "/v1/invoices%2Fx?limit=5&q=a%20b",
                content=b'{"a": 1}',
                headers={"Authorization": "Bearer embu_x", "X-Entity-Id": "ent_1"},
            )

    r = run(scenario)
    assert (r.status_code, r.headers["x-answer"], r.content) == (201, "yes", b"created")
    assert seen["method"] == "POST" and seen["path"] == "/v1/invoices/x"
    assert seen["raw_path"] == b"/v1/invoices%2Fx" and seen["query_string"] == b"limit=5&q=a%20b"
    assert (b"authorization", b"Bearer embu_x") in seen["headers"] and (b"x-entity-id", b"ent_1") in seen["headers"]
    assert seen["client"] == ("127.0.0.1", 0) and seen["server"] == ("folio-api.internal", 80)
    assert seen["body"] == b'{"a": 1}'


def test_the_answer_arrives_while_the_app_is_still_writing_it():
    async def scenario():
        go_on = asyncio.Event()

        async def app(scope, receive, send):
            await start(send)
            await body(send, b"first ", more=True)
            await go_on.wait()
            await body(send, b"second")

        async with client(app) as c, c.stream("GET", "/v1/big.pdf") as r:
            chunks = r.aiter_raw()
            first = await anext(chunks)
            go_on.set()
            return r.status_code, first, b"".join([chunk async for chunk in chunks])

    assert run(scenario) == (200, b"first ", b"second")


def test_the_request_body_streams_up_chunk_by_chunk():
    async def scenario():
        received: list[bytes] = []

        async def app(scope, receive, send):
            while True:
                message = await receive()
                received.append(message["body"])
                if not message["more_body"]:
                    break
            await start(send)
            await body(send, str(len(received)).encode())

        async def upload() -> AsyncIterator[bytes]:
            for part in (b"a" * 10, b"b" * 20, b"c" * 30):
                yield part

        async with client(app) as c:
            r = await c.post("/v1/files", content=upload())
        return r.content, received

    count, received = run(scenario)
    assert received == [b"a" * 10, b"b" * 20, b"c" * 30, b""] and count == b"4"


def test_a_reader_that_does_not_read_holds_the_app_back():
    """The queue is bounded: the app waits instead of filling memory, and carries on once read."""

    async def scenario():
        sent = []

        async def app(scope, receive, send):
            await start(send)
            for i in range(10):
                await body(send, b"%d" % i, more=True)
                sent.append(i)
            await body(send, b"")

        async with client(app, queue_size=2) as c, c.stream("GET", "/v1/stream") as r:
            for _ in range(20):
                await asyncio.sleep(0)
            held_back = len(sent)
            rest = b"".join([chunk async for chunk in r.aiter_raw()])
        return held_back, rest, len(sent)

    held_back, rest, finally_sent = run(scenario)
    assert held_back <= 2
    assert rest == b"0123456789" and finally_sent == 10


def test_an_app_that_never_answers_times_out_and_is_cancelled():
    async def scenario():
        cancelled = asyncio.Event()

        async def app(scope, receive, send):
            try:
                await asyncio.Event().wait()
            finally:
                cancelled.set()

        async with client(app, read=0.05) as c:
            with pytest.raises(httpx.ReadTimeout, match="did not answer in time"):
                await c.get("/v1/hang")
        await asyncio.wait_for(cancelled.wait(), 1)
        return True

    assert run(scenario)


def test_an_app_that_stops_mid_answer_times_out_while_reading():
    async def scenario():
        async def app(scope, receive, send):
            await start(send)
            await body(send, b"partial", more=True)
            await asyncio.Event().wait()

        async with client(app, read=0.05) as c, c.stream("GET", "/v1/slow") as r:
            chunks = r.aiter_raw()
            assert await anext(chunks) == b"partial"
            with pytest.raises(httpx.ReadTimeout, match="stopped sending"):
                await anext(chunks)
        return True

    assert run(scenario)


def test_closing_the_answer_early_cancels_the_app():
    async def scenario():
        cancelled = asyncio.Event()

        async def app(scope, receive, send):
            await start(send)
            try:
                while True:
                    await body(send, b"x" * 1024, more=True)
            finally:
                cancelled.set()

        async with client(app, queue_size=1) as c, c.stream("GET", "/v1/endless") as r:
            assert await anext(r.aiter_raw()) == b"x" * 1024
        await asyncio.wait_for(cancelled.wait(), 1)
        return True

    assert run(scenario)


@pytest.mark.parametrize(
    ("app_fails", "error", "words"),
    [
        ("before", httpx.RemoteProtocolError, "the in-process API failed"),
        ("silently", httpx.RemoteProtocolError, "sent no answer"),
        ("midway", httpx.ReadError, "failed mid-answer"),
    ],
)
def test_an_app_that_fails_is_an_http_error(app_fails, error, words):
    async def app(scope, receive, send):
        if app_fails == "silently":
            return
        if app_fails == "midway":
            await start(send)
            await body(send, b"half", more=True)
        raise RuntimeError("the handler broke")

    async def scenario():
        async with client(app) as c:
            with pytest.raises(error, match=words):
                r = await c.get("/v1/broken")
                await r.aread()
        return True

    assert run(scenario)


def test_a_head_answer_has_no_body_even_if_the_app_writes_one():
    async def app(scope, receive, send):
        await start(send, 200, [(b"content-length", b"5")])
        await body(send, b"hello")

    async def scenario():
        async with client(app) as c:
            return await c.head("/v1/invoices")

    r = run(scenario)
    assert r.status_code == 200 and r.headers["content-length"] == "5" and r.content == b""
