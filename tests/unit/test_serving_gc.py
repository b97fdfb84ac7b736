"""The garbage collector of a serving process: what ``folio serve`` loaded at start frozen, young collections
rarer (:func:`folio.server.settle_garbage_collector`)."""

from __future__ import annotations

import gc

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


def test_settling_freezes_what_is_loaded_and_makes_young_collections_rarer(restored_gc):
    gc.unfreeze()
    _, middle, oldest = gc.get_threshold()
    settle_garbage_collector()
    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, middle, oldest)
    assert gc.get_freeze_count() > 10_000  # the interpreter, pytest and Folio's modules
    # garbage in reference cycles made after settling is still collected
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_serve_settles_the_collector_once_the_app_has_started(restored_gc, monkeypatch):
    started = []
    monkeypatch.setattr(folio.server._Server, "run", lambda self, sockets=None: started.append(self))
    app = Litestar(route_handlers=[])
    folio.server.serve_app(app, "127.0.0.1", 0)
    assert started and settle_garbage_collector in app.on_startup
    assert app.on_startup.index(settle_garbage_collector) == len(app.on_startup) - 1  # after the render workers
