"""The background re-check of customers whose VAT number VIES could not answer for.

A customer whose stored evidence says ``vies.status == "unavailable"`` (VIES was down when a document or
the customer itself was saved; the number counted as valid for now, see :mod:`invoicing.taxes.vies`) is
asked about again every ``FOLIO_VIES_RECHECK_SECONDS`` (default 900; ``0``: never) by each process::

    read a batch (BATCH, read-only transaction) ── ask VIES, cache first ── one write transaction per answer

* ``valid``: the new evidence is recorded on the customer.
* ``invalid``: the new evidence is recorded and ``customer.vat_number_invalid`` is emitted in the same
  transaction, data ``{customer_id, vat_number, vies}``.
* still ``unavailable``: nothing is written; the next run asks again.

Only the customer changes: issued documents keep the evidence they were issued with. Entities with
``settings.tax.vies_check`` off, deleted customers and customers edited meanwhile (another number, or
evidence no longer ``unavailable``) are left alone. Runs walk the customers by id from where the last
run stopped, so a batch of numbers that stay unavailable never starves the rest. A run that fails is
logged and the next interval tries again; VIES is asked outside any write transaction (SQLite's writer
is never held while waiting for it).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from litestar import Litestar
from sqlalchemy import select

from invoicing.auth.context import Principal, Scope
from invoicing.core.periodic import periodic
from invoicing.db import Database
from invoicing.db.models import Customer, Entity
from invoicing.db.types import utcnow
from invoicing.entities.settings import effective
from invoicing.events import emit
from invoicing.taxes.service import VatNumberService
from invoicing.taxes.vies import ViesAnswer, ViesClient, compact_vat_number, evidence_of

log = logging.getLogger("folio.vies")

BATCH = 50
"""Customers asked about per run, at most."""
EVENT = "customer.vat_number_invalid"
ACTOR = "vies-recheck"


@dataclass
class RecheckResult:
    """What one run did: customer ids by outcome, and where the next run starts."""

    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    after: str | None = None


def _scope(entity: Entity) -> Scope:
    principal = Principal(entity.account_id, entity.environment, "system", ACTOR, frozenset(), entity_id=entity.id)
    return Scope(principal, entity)


async def _pending(db: Database, after: str | None, batch: int) -> list[tuple[str, str | None]]:
    """Up to ``batch`` (customer id, compact VAT number or None when its entity has VIES checks off) with
    ``unavailable`` evidence, ids after ``after``."""
    stmt = (
        select(Customer.id, Customer.tax_number, Customer.country, Entity.settings)
        .join(Entity, Entity.id == Customer.entity_id)
        .where(Customer.deleted_at.is_(None), Customer.vies.is_not(None), Customer.tax_number.is_not(None))
        .where(Customer.vies["status"].as_string() == "unavailable")
        .order_by(Customer.id)
        .limit(batch)
    )
    if after is not None:
        stmt = stmt.where(Customer.id > after)
    async with db.transaction(write=False) as session:
        rows = (await session.execute(stmt)).all()
    return [
        (row.id, compact_vat_number(row.tax_number, row.country) if effective(row.settings).tax.vies_check else None)
        for row in rows
    ]


async def recheck_unavailable(
    db: Database, vies: ViesClient, *, after: str | None = None, batch: int = BATCH
) -> RecheckResult:
    """One run: re-check up to ``batch`` customers with ``unavailable`` evidence whose id is after ``after``
    (from the start when a run finds nothing after it)."""
    result = RecheckResult()
    rows = await _pending(db, after, batch)
    if not rows and after is not None:
        rows = await _pending(db, None, batch)
    service = VatNumberService(None, db, vies)  # type: ignore[arg-type]  # reads only; writes below
    for customer_id, number in rows:
        result.after = customer_id
        if not number:
            continue
        cached = await service.cached(number)
        if cached is not None:
            answer = ViesAnswer(cached.status, cached.name, cached.address, cached.request_identifier)
            checked_at, final = cached.checked_at, False
        else:
            answer = await vies.check(number)
            checked_at, final = utcnow(), answer.status != "unavailable"
        if answer.status == "unavailable":
            result.unavailable.append(customer_id)
            continue
        async with db.transaction() as session:
            customer = await session.get(Customer, customer_id)
            entity = await session.get(Entity, customer.entity_id) if customer is not None else None
            if (
                customer is None
                or entity is None
                or customer.deleted_at is not None
                or (customer.vies or {}).get("status") != "unavailable"
                or compact_vat_number(customer.tax_number, customer.country) != number
                or not effective(entity.settings).tax.vies_check
            ):
                continue
            evidence = evidence_of(answer, checked_at)
            customer.vies = evidence
            if final:
                await VatNumberService(session, db, vies).store(number, answer, checked_at)
            if answer.status == "invalid":
                emit(
                    session,
                    _scope(entity),
                    EVENT,
                    customer_id,
                    {"customer_id": customer_id, "vat_number": number, "vies": evidence},
                )
        (result.invalid if answer.status == "invalid" else result.valid).append(customer_id)
    return result


def rechecks(db: Database, vies: ViesClient) -> Callable[[], Awaitable[None]]:
    """One re-check run per call, each going on from where the last one stopped (``after``)."""
    after: str | None = None

    async def run() -> None:
        nonlocal after
        result = await recheck_unavailable(db, vies, after=after)
        after = result.after
        if result.valid or result.invalid:
            log.info(
                "VIES re-check: %d now valid, %d invalid, %d still unavailable",
                len(result.valid),
                len(result.invalid),
                len(result.unavailable),
            )

    return run


@contextlib.asynccontextmanager
async def recheck_lifespan(app: Litestar) -> AsyncIterator[None]:
    """The re-check task for the app's process (after :func:`invoicing.taxes.vies.vies_lifespan`), cancelled
    on shutdown; ``FOLIO_VIES_RECHECK_SECONDS=0`` starts none."""
    async with periodic(
        rechecks(app.state.db, app.state.vies),
        app.state.settings.vies.recheck_seconds,
        name="folio-vies-recheck",
        what="re-checking VAT numbers VIES could not answer for",
        log=log,
    ):
        yield
