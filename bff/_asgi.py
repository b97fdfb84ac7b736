"""An httpx transport into an ASGI app in the same process, streaming both ways.

httpx's own ``ASGITransport`` runs the app to completion and hands back the whole body; this one
returns as soon as the app starts its response and relays the body chunk by chunk (bounded queue,
so a slow reader slows the app down instead of filling memory), and it enforces the client's
read timeout, so an API that hangs answers 504 in process as it would over HTTP::

    BFF ── request.stream ──▶ receive()   app   send() ──▶ queue ──▶ Response.stream ──▶ BFF
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx

_DONE = object()


async def _within(future: asyncio.Future, timeout: float | None) -> Any:
    """Await ``future`` for at most ``timeout`` seconds, without wrapping it in another task."""
    if timeout is None:
        return await future

    def expired() -> None:
        if not future.done():
            future.set_exception(TimeoutError())

    expire = asyncio.get_running_loop().call_later(timeout, expired)
    try:
        return await future
    finally:
        expire.cancel()


class _Channel:
    """A small bounded queue whose ``get`` takes a timeout (cheaper than ``asyncio.wait_for``)."""

    def __init__(self, size: int):
        self.items: deque = deque()
        self.size = size
        self.getter: asyncio.Future | None = None
        self.putter: asyncio.Future | None = None

    async def put(self, item: Any) -> None:
        while len(self.items) >= self.size:
            self.putter = asyncio.get_running_loop().create_future()
            await self.putter
        self.items.append(item)
        if self.getter is not None and not self.getter.done():
            self.getter.set_result(None)

    def put_nowait(self, item: Any) -> None:
        self.items.append(item)
        if self.getter is not None and not self.getter.done():
            self.getter.set_result(None)

    async def get(self, timeout: float | None) -> Any:
        while not self.items:
            self.getter = asyncio.get_running_loop().create_future()
            await _within(self.getter, timeout)
        item = self.items.popleft()
        if self.putter is not None and not self.putter.done():
            self.putter.set_result(None)
        return item


class _Body(httpx.AsyncByteStream):
    def __init__(self, queue: _Channel, task: asyncio.Task, read_timeout: float | None):
        self.queue, self.task, self.read_timeout = queue, task, read_timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            try:
                item = await self.queue.get(self.read_timeout)
            except TimeoutError:
                raise httpx.ReadTimeout("the in-process API stopped sending its answer") from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise httpx.ReadError(f"the in-process API failed mid-answer: {item!r}") from item
            yield item

    async def aclose(self) -> None:
        if not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: Any, *, client: tuple[str, int] = ("127.0.0.1", 0), queue_size: int = 16):
        self.app = app
        self.client = client
        self.queue_size = queue_size

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app for one request and answer as soon as it starts its response, streaming the rest.

        Kept as one function on purpose: ``receive``, ``send`` and the body generator share the request's
        flags and channel as closures, and splitting them apart would only pass that state around."""
        timeouts = request.extensions.get("timeout") or {}
        read_timeout = timeouts.get("read")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port or 80),
            "client": self.client,
            "root_path": "",
        }
        assert isinstance(request.stream, httpx.AsyncByteStream), "an AsyncClient's request streams asynchronously"
        body = request.stream.__aiter__()
        request_done = body_done = False
        response_done = asyncio.Event()
        started = asyncio.get_running_loop().create_future()
        queue = _Channel(self.queue_size)

        async def receive() -> dict[str, Any]:
            nonlocal request_done
            if request_done:
                await response_done.wait()
                return {"type": "http.disconnect"}
            try:
                chunk = await body.__anext__()
            except StopAsyncIteration:
                request_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": chunk, "more_body": True}

        async def send(message: dict[str, Any]) -> None:
            nonlocal body_done
            if message["type"] == "http.response.start":
                if not started.done():
                    started.set_result((message["status"], message.get("headers", [])))
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if chunk and request.method != "HEAD":
                    await queue.put(chunk)
                if not message.get("more_body", False):
                    body_done = True
                    response_done.set()
                    await queue.put(_DONE)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except BaseException as exc:
                if not started.done():
                    started.set_exception(exc)
                else:
                    await queue.put(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
            finally:
                response_done.set()
                if not started.done():
                    started.set_exception(httpx.RemoteProtocolError("the in-process API sent no answer"))
                elif not body_done:
                    queue.put_nowait(_DONE)

        task = asyncio.create_task(run())
        try:
            status, headers = await _within(started, read_timeout)
        except TimeoutError:
            task.cancel()
            raise httpx.ReadTimeout("the in-process API did not answer in time", request=request) from None
        except httpx.HTTPError:
            raise
        except Exception as exc:
            raise httpx.RemoteProtocolError(f"the in-process API failed: {exc!r}", request=request) from exc
        return httpx.Response(status, headers=headers, stream=_Body(queue, task, read_timeout))
