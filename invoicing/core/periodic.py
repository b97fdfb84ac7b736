"""Background work for as long as a process runs: the workers (webhooks, exports) and the chores that repeat
(the event purge, the spent-token purge, the VIES re-check). One task life cycle for all of them
(:func:`running`: cancelled and awaited when the process stops) and one loop for the chores
(:func:`run_periodically`: a failed run is logged and the next interval tries again, never the end of it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, Literal

Job = Callable[[], Awaitable[object]]
Start = Literal["wait", "now", "before"]


async def _attempt(job: Job, interval: float, what: str, log: logging.Logger) -> None:
    try:
        await job()
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s failed; trying again in %s s", what, interval)


async def run_periodically(
    job: Job,
    interval: float,
    *,
    what: str,
    log: logging.Logger,
    now: bool = False,
    wait: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """``job`` every ``interval`` seconds until cancelled (``now``: the first run at once, else after one
    interval); a failed run is logged as "``what`` failed" and the next one tried."""
    if now:
        await _attempt(job, interval, what, log)
    while True:
        await wait(interval)
        await _attempt(job, interval, what, log)


@contextlib.asynccontextmanager
async def running(work: Coroutine[Any, Any, object], name: str) -> AsyncIterator[asyncio.Task[object]]:
    """``work`` as a background task named ``name`` for as long as the block runs; cancelled and awaited at
    its end, so nothing of it outlives the block."""
    task = asyncio.create_task(work, name=name)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def periodic(
    job: Job, interval: float, *, name: str, what: str, log: logging.Logger, start: Start = "wait"
) -> AsyncIterator[None]:
    """:func:`run_periodically` as a background task named ``name`` for as long as the block runs.

    ``start``: ``wait`` runs first after one interval; ``now`` at once in the task; ``before`` once before the
    block is entered (so before the first request when the block is a lifespan). ``interval`` ≤ 0 runs
    nothing at all.
    """
    if interval <= 0:
        yield
        return
    if start == "before":
        await _attempt(job, interval, what, log)
    async with running(run_periodically(job, interval, what=what, log=log, now=start == "now"), name):
        yield
