"""The render worker pool: every WeasyPrint render (``render_pdf``, ``render_html``, ``facturx.document``)
runs in one of a few worker *processes*, because a process is the only thing a render can be stopped in.

::

    RenderPool(workers, timeout)            one per app (folio.server's lifespan hooks), found by its Database
    ├── queues per entity                   pending renders, dispatched to the entity served longest ago:
    │                                       one entity's ten renders never starve another's one
    ├── slots (a thread + a worker process) the worker is started from the forkserver, which has WeasyPrint,
    │                                       the templates and Factur-X imported; it warms up its fonts once,
    │                                       then renders what it is sent (function and arguments, pickled)
    ├── timeout                             a render running longer is killed with its worker, which is
    │                                       replaced; the caller gets RenderTooLong (422)
    ├── cancel                              the awaiting request went away: a queued render is dropped, a
    │                                       running one killed with its worker (replaced)
    └── close()                             workers killed, every pending and running render answers
                                            RenderUnavailable (503); ``folio serve`` does it on SIGTERM

The pool is thread-safe and not bound to an event loop: :meth:`RenderPool.run` may be awaited from any
loop (tests run several servers in one process). A process without an app's pool (a bare
``create_app``, a script) uses one made from the environment on first use (:func:`pool_for`).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import logging
import multiprocessing
import signal
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from contract.errors import FolioError

log = logging.getLogger("folio.rendering")

PRELOAD = ["invoicing.rendering.pool", "invoicing.rendering._render", "invoicing.einvoice.facturx"]
"""Imported once by the forkserver, so a new worker starts with them loaded."""
READY_SECONDS = 60.0
"""How long a new worker may take to warm up."""


class RenderTooLong(FolioError):
    status, title = 422, "Document too long to render"

    def __init__(self, seconds: float) -> None:
        message = (
            f"took longer than {seconds:g} s to render and was stopped; shorten it: fewer or shorter lines "
            "(items), a shorter note, terms or footer, or a smaller logo"
        )
        super().__init__(f"The document {message}.", errors=[{"field": "items", "message": message}])
        self.extra = {"code": "render_timeout"}


class RenderUnavailable(FolioError):
    status, title = 503, "Service unavailable"


@dataclass
class PoolStats:
    rendered: int = 0
    """Renders that finished (with a result or the render's own error)."""
    timed_out: int = 0
    dropped: int = 0
    """Queued renders whose requester went away before a worker took them."""
    killed: int = 0
    """Running renders stopped because their requester went away."""
    replaced: int = 0
    """Workers killed (timeout, cancel) or found dead, and started again."""


class _Job:
    __slots__ = ("args", "entity", "fn", "future", "slot")

    def __init__(self, entity: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.entity, self.fn, self.args = entity, fn, args
        self.future: Future[Any] = Future()
        self.slot: _Slot | None = None


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _warm_up() -> None:
    """Load fonts and WeasyPrint's own stylesheets once, before the first real render."""
    try:
        from weasyprint import HTML

        HTML(string="<p>Folio</p>").write_pdf()
    except Exception:  # a worker that cannot warm up still renders (or reports why it cannot)
        log.exception("render worker warm-up failed")


def hold_collector() -> None:
    """The cyclic garbage collector as a render worker keeps it: what the process holds now (modules, fonts,
    stylesheets) frozen out of every later collection, and no automatic collection; the worker collects once
    after each job, when its answer is sent, so the caller never waits for it (the benchmarks do the same)."""
    gc.collect()
    gc.freeze()
    gc.disable()


def _work(conn: Connection) -> None:
    """A worker process: render what is sent, answer ``("ok", result)`` or ``("error", exception)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group: the server decides
    _warm_up()
    hold_collector()
    conn.send("ready")
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe or went away
            return
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except Exception as exc:
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception:  # the error does not pickle
            conn.send(("error", RuntimeError(repr(answer[1]))))
        del fn, args, answer
        gc.collect()


class _Slot:
    """One worker process and the thread that feeds it, one job at a time."""

    def __init__(self, pool: RenderPool, index: int) -> None:
        self.pool, self.index = pool, index
        self.process: Any = None
        self.conn: Connection | None = None
        self.job: _Job | None = None
        self.doomed = False
        self.thread = threading.Thread(target=self._loop, name=f"folio-render-{index}", daemon=True)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def _spawn(self) -> None:
        parent, child = self.pool.ctx.Pipe()
        process = self.pool.ctx.Process(target=_work, args=(child,), name=f"folio-render-{self.index}", daemon=True)
        process.start()
        child.close()
        self.process, self.conn = process, parent
        if not parent.poll(READY_SECONDS) or parent.recv() != "ready":  # EOFError: killed meanwhile
            process.kill()
            raise RuntimeError(f"the render worker did not get ready in {READY_SECONDS} s")

    def kill(self) -> None:
        """Under the pool's lock: stop the worker now; its thread notices and, unless the pool is closed,
        starts another."""
        self.doomed = True
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.kill()

    def _reap(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.kill()
                self.process.join(5)
        self.process = self.conn = None

    def _loop(self) -> None:
        pool = self.pool
        try:
            while True:
                with pool.lock:
                    replace = self.process is not None and (self.doomed or not self.process.is_alive())
                    self.doomed = False
                if replace:
                    self._reap()
                    if not pool.closed:
                        pool.stats.replaced += 1
                if self.process is None and not pool.closed:
                    try:
                        self._spawn()
                    except (EOFError, OSError):  # killed while warming up (closing)
                        pass
                    except Exception:
                        log.exception("could not start a render worker")
                job = pool._take(self)
                if job is None:
                    return
                self._run(job)
        finally:
            self._reap()

    def _run(self, job: _Job) -> None:
        pool = self.pool
        try:
            if self.conn is None:
                raise EOFError
            self.conn.send((job.fn, job.args))
            ready = self.conn.poll(pool.timeout)
            status, value = self.conn.recv() if ready else ("timeout", None)
        except (EOFError, OSError):  # killed: cancelled, closing, or it died (or never started)
            status, value = "dead", None
        except Exception as exc:  # the job's arguments do not pickle
            status, value = "error", exc
        with pool.lock:
            self.job = None
            if status in ("timeout", "dead"):
                self.kill()
            if status == "timeout":
                pool.stats.timed_out += 1
                log.warning("a render for %s was stopped after %g s", job.entity, pool.timeout)
                _settle(job.future, error=RenderTooLong(pool.timeout))
            elif status == "dead":
                error = pool.closed_error() if pool.closed else RenderUnavailable(UNEXPECTED)
                _settle(job.future, error=error)
            else:
                pool.stats.rendered += 1
                if status == "ok":
                    _settle(job.future, result=value)
                else:
                    _settle(job.future, error=value)
            pool._finished(job)


UNEXPECTED = "The render worker stopped unexpectedly and the document was not rendered; try again."


def _settle(future: Future[Any], *, result: Any = None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class RenderPool:
    def __init__(self, workers: int, timeout: float) -> None:
        if workers < 1:
            raise ValueError("a render pool needs at least one worker")
        self.workers, self.timeout = workers, timeout
        self.ctx = _context()
        self.lock = threading.Condition()
        self.queues: dict[str, deque[_Job]] = {}
        self.running: dict[str, int] = {}
        self.served: dict[str, int] = {}  # entity → dispatch tick of its last render taken by a worker
        self.tick = 0
        self.closed = False
        self.stats = PoolStats()
        self.slots = [_Slot(self, i) for i in range(workers)]
        self.started = False
        _live.add(self)

    @classmethod
    def from_settings(cls, settings: Any) -> RenderPool:
        """From :class:`~invoicing.config.RenderingSettings`."""
        return cls(settings.workers, settings.timeout)

    def start(self) -> RenderPool:
        with self.lock:
            if not self.started and not self.closed:
                self.started = True
                for slot in self.slots:
                    slot.thread.start()
        return self

    def pids(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        return [pid for slot in self.slots if (pid := slot.pid) is not None]

    def queued(self) -> int:
        with self.lock:
            return sum(len(q) for q in self.queues.values())

    def busy(self) -> int:
        with self.lock:
            return sum(self.running.values())

    def submit(self, entity: str, fn: Callable[..., Any], *args: Any) -> _Job:
        job = _Job(entity, fn, args)
        with self.lock:
            if self.closed:
                _settle(job.future, error=self.closed_error())
                return job
            self.queues.setdefault(entity, deque()).append(job)
            self.lock.notify()
        self.start()
        return job

    async def run(self, entity: str, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker, in ``entity``'s turn. Cancelling the await drops or kills the render."""
        job = self.submit(entity, fn, *args)
        try:
            return await asyncio.wrap_future(job.future)
        except asyncio.CancelledError:
            self.cancel(job)
            raise

    def cancel(self, job: _Job) -> None:
        """The requester went away: drop ``job`` if it is queued, kill its worker if it is running."""
        with self.lock:
            if job.slot is None:
                queue = self.queues.get(job.entity)
                if queue is not None and job in queue:
                    queue.remove(job)
                    if not queue:
                        del self.queues[job.entity]
                        self._forget(job.entity)
                    self.stats.dropped += 1
                job.future.cancel()
            elif job.slot.job is job:
                self.stats.killed += 1
                job.slot.kill()

    def _take(self, slot: _Slot) -> _Job | None:
        """The next job for ``slot``: the first queued one of the entity served longest ago (never: first)."""
        with self.lock:
            while True:
                while not self.closed and not self.queues:
                    self.lock.wait()
                if self.closed:
                    return None
                entity = min(self.queues, key=lambda e: self.served.get(e, -1))
                queue = self.queues[entity]
                job = queue.popleft()
                if not queue:
                    del self.queues[entity]
                if job.future.set_running_or_notify_cancel():
                    break
                self.stats.dropped += 1  # cancelled while queued
                self._forget(entity)
            self.tick += 1
            self.served[entity] = self.tick
            self.running[entity] = self.running.get(entity, 0) + 1
            job.slot, slot.job = slot, job
            return job

    def _finished(self, job: _Job) -> None:
        """Under the lock."""
        self.running[job.entity] -= 1
        if not self.running[job.entity]:
            del self.running[job.entity]
        self._forget(job.entity)

    def _forget(self, entity: str) -> None:
        """Under the lock: an entity with nothing queued or running starts afresh (first in line next time)."""
        if entity not in self.queues and entity not in self.running:
            self.served.pop(entity, None)

    def closed_error(self) -> RenderUnavailable:
        return RenderUnavailable("Folio is shutting down and did not render the document; try again shortly.")

    def close(self, wait: float = 5.0) -> None:
        """Kill the workers; every queued and running render answers :class:`RenderUnavailable`."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            for queue in self.queues.values():
                for job in queue:
                    _settle(job.future, error=self.closed_error())
            self.queues.clear()
            for slot in self.slots:
                slot.kill()
            self.lock.notify_all()
        for slot in self.slots:
            if slot.thread.is_alive():
                slot.thread.join(wait)
        _live.discard(self)


_live: weakref.WeakSet[RenderPool] = weakref.WeakSet()
_by_db: weakref.WeakKeyDictionary[Any, RenderPool] = weakref.WeakKeyDictionary()
_default: RenderPool | None = None
_default_lock = threading.Lock()


def attach(db: Any, pool: RenderPool) -> None:
    """Make ``pool`` the one renders for ``db``'s app use (:func:`pool_for`)."""
    _by_db[db] = pool


def pool_for(db: Any) -> RenderPool:
    """The app's pool (attached to its :class:`~invoicing.db.Database`), else this process's default one."""
    pool = _by_db.get(db)
    if pool is not None:
        return pool
    global _default
    with _default_lock:
        if _default is None or _default.closed:
            from invoicing.config import RenderingSettings

            _default = RenderPool.from_settings(RenderingSettings())
        return _default


def close_all() -> None:
    """Close every pool of this process (SIGTERM, exit): renders answer 503, no worker outlives the process."""
    for pool in list(_live):
        pool.close()


def close_all_soon() -> None:
    """:func:`close_all` from a signal handler: in a thread, as the handler may have interrupted a pool's lock."""
    threading.Thread(target=close_all, name="folio-render-close", daemon=True).start()


atexit.register(close_all)
