"""What the render pool tests run in its workers instead of a render: module-level (they pickle by name)
and in a module of their own that imports nothing heavy (a worker imports it on its first such job)."""

from __future__ import annotations

import os
import time


def gate(path: str, value: str) -> str:
    """``value``, once the file ``path`` exists: a job that runs exactly as long as the test wants."""
    while not os.path.exists(path):
        time.sleep(0.01)
    return value


def echo(value: str) -> str:
    return value


def pid() -> int:
    return os.getpid()


def collector() -> tuple[bool, int, int]:
    """Whether the worker's cyclic garbage collector runs on its own, how many objects it froze at start,
    and how many objects its collector tracks now (what the next collection would walk)."""
    import gc

    return gc.isenabled(), gc.get_freeze_count(), len(gc.get_objects())


def cycles(count: int) -> int:
    """Leaves ``count`` reference cycles behind as garbage (as a render leaves its box tree)."""
    for _ in range(count):
        node: list[object] = []
        node.append(node)
    return count
