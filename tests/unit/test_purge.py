"""The schedule of the background chores (``invoicing.core.periodic``): the purges, the VIES re-check."""

from __future__ import annotations

import asyncio
import logging

import pytest

from invoicing.core.periodic import periodic, run_periodically


def test_the_purge_runs_every_interval_and_survives_a_failed_run():
    runs, waits = [], []

    async def job():
        runs.append(len(runs))
        if len(runs) == 2:
            raise RuntimeError("database away")

    async def wait(seconds):
        waits.append(seconds)
        if len(waits) > 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_periodically(job, 600, what="purging", log=logging.getLogger("test"), wait=wait))
    assert waits == [600, 600, 600, 600] and runs == [0, 1, 2]


@pytest.mark.parametrize(("start", "before_block", "soon_after"), [("before", 1, 1), ("now", 0, 1), ("wait", 0, 0)])
def test_a_chore_starts_as_asked_and_stops_with_its_block(start, before_block, soon_after):
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    async def run() -> tuple[int, int, set[str], set[str]]:
        chore = periodic(job, 3600, name="test-chore", what="testing", log=logging.getLogger("test"), start=start)
        async with chore:
            entered = len(runs)
            during = {t.get_name() for t in asyncio.all_tasks()}
            await asyncio.sleep(0.05)
            later = len(runs)
        return entered, later, during, {t.get_name() for t in asyncio.all_tasks()}

    entered, later, during, after = asyncio.run(run())
    assert (entered, later) == (before_block, soon_after)
    assert "test-chore" in during and "test-chore" not in after


def test_no_interval_no_chore():
    async def job() -> None:
        raise AssertionError("must not run")

    async def run() -> set[str]:
        async with periodic(job, 0, name="test-chore", what="testing", log=logging.getLogger("test"), start="before"):
            return {t.get_name() for t in asyncio.all_tasks()}

    assert "test-chore" not in asyncio.run(run())
