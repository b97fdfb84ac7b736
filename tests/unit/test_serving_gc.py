"""The garbage collector of a serving process: what ``folio serve`` loaded at start frozen, young collections
rarer (:func:`folio.server.settle_garbage_collector`)."""

from __future__ import annotations

import gc
import weakref

import pytest
from litestar import Litestar

import folio.server
from folio.server import GC_YOUNG_THRESHOLD, settle_garbage_collector


@pytest.fixture
def restored_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)
    gc.enable()


def test_settling_freezes_what_is_loaded_and_makes_young_collections_rarer(restored_gc):
    gc.unfreeze()
    _, middle, oldest = gc.get_threshold()
    settle_garbage_collector()
    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, middle, oldest)
    assert gc.get_freeze_count() > 10_000  # the interpreter, pytest and Folio's modules
    # garbage in reference cycles made after settling is still collected by the collector on its own, once
    # enough allocations have passed (no gc.collect() here: with the collector off this would fail)
    collected: list[bool] = []

    class Node:
        pass

    node = Node()
    node.me = node  # type: ignore[attr-defined]
    weakref.finalize(node, collected.append, True)
    del node
    kept = [[] for _ in range(3 * GC_YOUNG_THRESHOLD)]  # tracked containers: the young generation fills up
    assert collected == [True] and len(kept) == 3 * GC_YOUNG_THRESHOLD


def test_serve_settles_the_collector_once_the_app_has_started(restored_gc, monkeypatch):
    started = []
    monkeypatch.setattr(folio.server._Server, "run", lambda self, sockets=None: started.append(self))
    app = Litestar(route_handlers=[])
    folio.server.serve_app(app, "127.0.0.1", 0)
    assert started and settle_garbage_collector in app.on_startup
    assert app.on_startup.index(settle_garbage_collector) == len(app.on_startup) - 1  # after the render workers
