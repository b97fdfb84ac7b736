"""One background re-check pass (:func:`invoicing.taxes.recheck.recheck_unavailable`) against the VIES
stand-in served for real (``vies`` fixture), on a migrated SQLite file: ``unavailable`` evidence turns
into VIES's final answer on the customer, ``invalid`` also emits ``customer.vat_number_invalid`` in the
same transaction, a number still unavailable is left as it was, and documents are never touched."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from invoicing.accounts.service import create_account
from invoicing.config import Settings
from invoicing.core.periodic import run_periodically
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from invoicing.db.models import Customer, Entity, Event, ViesCheck
from invoicing.demo.vies import FLIP_INVALID, FLIP_VALID
from invoicing.taxes.recheck import EVENT, RecheckResult, recheck_lifespan, recheck_unavailable, rechecks
from invoicing.taxes.vies import ViesClient
from tests.conftest import VIES_TIMEOUT

STILL_UNAVAILABLE = "IT00743110157"  # MS_UNAVAILABLE every time
UNAVAILABLE = {"status": "unavailable", "checked_at": "2026-06-01T10:00:00+00:00", "request_identifier": None}


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'folio.db'}"
    upgrade(url)
    return url


async def _seed(db: Database, customers: dict[str, tuple[str, dict[str, Any] | None]], vies_check: bool = True) -> None:
    async with db.transaction() as session:
        account, _ = await create_account(session, "Platform")
        await session.flush()
        session.add(
            Entity(
                id="ent_si",
                account_id=account.id,
                environment="sandbox",
                name="Seller d.o.o.",
                country="SI",
                currency_code="EUR",
                locale="sl",
                settings={"tax": {"vies_check": vies_check}},
            )
        )
        await session.flush()
        for customer_id, (number, evidence) in customers.items():
            session.add(
                Customer(id=customer_id, entity_id="ent_si", name=customer_id, tax_number=number, vies=evidence)
            )


def _run(url: str, vies_url: str, customers, **kw) -> tuple[RecheckResult, dict[str, Any], list[Event], list[str]]:
    async def run():
        db, client = Database(url), ViesClient(vies_url, timeout=VIES_TIMEOUT)
        try:
            await _seed(db, customers, kw.pop("vies_check", True))
            result = await recheck_unavailable(db, client, **kw)
            async with db.transaction(write=False) as session:
                stored = {c.id: c.vies for c in (await session.execute(select(Customer))).scalars()}
                events = list((await session.execute(select(Event).order_by(Event.id))).scalars())
                cached = list((await session.execute(select(ViesCheck.vat_number))).scalars())
            return result, stored, events, cached
        finally:
            await client.close()
            await db.dispose()

    return asyncio.run(run())


def _fresh(vies, *numbers: str) -> None:
    """The stand-in's flip numbers answer ``unavailable`` to their first request from here."""
    for number in numbers:
        vies.requests.pop(number, None)
        vies.requests[number] += 1  # the request that stored the ``unavailable`` evidence


def test_one_pass_records_the_final_answers_and_raises_the_invalid_one(db, vies):
    _fresh(vies, FLIP_INVALID, FLIP_VALID)
    still_before, final_before = vies.requests[STILL_UNAVAILABLE], vies.requests["DE811569869"]
    result, stored, events, cached = _run(
        db,
        vies.url,
        {
            "cus_1": (FLIP_INVALID, UNAVAILABLE),
            "cus_2": (FLIP_VALID, UNAVAILABLE),
            "cus_3": (STILL_UNAVAILABLE, UNAVAILABLE),
            "cus_4": ("DE811569869", {**UNAVAILABLE, "status": "valid"}),  # already final: not asked
        },
    )
    assert (result.invalid, result.valid, result.unavailable) == (["cus_1"], ["cus_2"], ["cus_3"])
    assert stored["cus_1"]["status"] == "invalid" and stored["cus_1"]["checked_at"] != UNAVAILABLE["checked_at"]
    assert stored["cus_2"]["status"] == "valid" and stored["cus_2"]["name"] == "Dansk Handel ApS"
    assert stored["cus_2"]["request_identifier"].startswith("WAPI")
    assert stored["cus_3"] == UNAVAILABLE and stored["cus_4"]["status"] == "valid"
    assert vies.requests[STILL_UNAVAILABLE] == still_before + 1 and vies.requests["DE811569869"] == final_before
    assert sorted(cached) == sorted([FLIP_INVALID, FLIP_VALID])  # final answers only
    [event] = events
    assert (event.type, event.object_id, event.entity_id, event.actor) == (
        EVENT,
        "cus_1",
        "ent_si",
        "system:vies-recheck",
    )
    assert event.data == {"customer_id": "cus_1", "vat_number": FLIP_INVALID, "vies": stored["cus_1"]}


def test_a_pass_leaves_entities_with_vies_checks_off_alone(db, vies):
    _fresh(vies, FLIP_INVALID)
    before = vies.requests[FLIP_INVALID]
    result, stored, events, _ = _run(db, vies.url, {"cus_1": (FLIP_INVALID, UNAVAILABLE)}, vies_check=False)
    assert stored["cus_1"] == UNAVAILABLE and events == [] and result == RecheckResult(after="cus_1")
    assert vies.requests[FLIP_INVALID] == before  # not asked


def test_runs_walk_the_customers_in_batches_and_wrap_around(db, vies):
    customers = {f"cus_{n}": (STILL_UNAVAILABLE, UNAVAILABLE) for n in range(3)}
    first, *_ = _run(db, vies.url, customers, batch=2)
    assert first.unavailable == ["cus_0", "cus_1"] and first.after == "cus_1"

    async def more(after: str | None) -> RecheckResult:
        database, client = Database(db), ViesClient(vies.url, timeout=VIES_TIMEOUT)
        try:
            return await recheck_unavailable(database, client, after=after, batch=2)
        finally:
            await client.close()
            await database.dispose()

    second = asyncio.run(more(first.after))
    assert second.unavailable == ["cus_2"]
    third = asyncio.run(more(second.after))
    assert third.unavailable == ["cus_0", "cus_1"]  # from the start again


def test_a_failed_run_is_logged_and_the_next_interval_tries_again(tmp_path, vies, caplog):
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'folio.db'}")  # no such directory: every run fails
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 2:
            raise asyncio.CancelledError

    async def run() -> None:
        client = ViesClient(vies.url, timeout=VIES_TIMEOUT)
        try:
            log = logging.getLogger("folio.vies")
            await run_periodically(rechecks(broken, client), 900, what="re-checking VAT numbers", log=log, wait=wait)
        finally:
            await client.close()
            await broken.dispose()

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run())
    assert waits == [900, 900, 900]
    assert sum("re-checking VAT numbers" in r.getMessage() for r in caplog.records) == 2


def test_the_task_starts_with_the_app_and_stops_at_once_on_shutdown(db, vies):
    async def run() -> tuple[set[str], set[str], set[str]]:
        settings = Settings()
        settings.vies.recheck_seconds = 3600
        client = ViesClient(vies.url, timeout=VIES_TIMEOUT)
        app = SimpleNamespace(state=SimpleNamespace(settings=settings, db=Database(db), vies=client))
        names = lambda: {t.get_name() for t in asyncio.all_tasks()}  # noqa: E731
        try:
            async with recheck_lifespan(app):  # type: ignore[arg-type]
                during = names()
            after = names()
            settings.vies.recheck_seconds = 0
            async with recheck_lifespan(app):  # type: ignore[arg-type]
                off = names()
            return during, after, off
        finally:
            await client.close()
            await app.state.db.dispose()

    during, after, off = asyncio.run(run())
    assert "folio-vies-recheck" in during and "folio-vies-recheck" not in after | off
