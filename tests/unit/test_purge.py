"""The spent-token purge's schedule (``invoicing.embed.purge``)."""

from __future__ import annotations

import asyncio

import pytest

from invoicing.embed.purge import run_periodically


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
        asyncio.run(run_periodically(job, 600, wait=wait))
    assert waits == [600, 600, 600, 600] and runs == [0, 1, 2]
