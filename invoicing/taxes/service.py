"""VAT rates by member state and date (:mod:`invoicing.tax.rates`), and VAT number checks.

A check is syntax and checksum first (python-stdnum, 422 naming ``vat_number`` with the expected
format), then VIES's answer from the shared 24-hour cache (table ``vies_checks``, one row per number,
every process reads it) or, on a miss, from VIES (:mod:`invoicing.taxes.vies`). The cache is read
outside the request's write transaction, so a slow VIES never holds SQLite's writer; a final answer
(``valid``/``invalid``) is written in the request's transaction. ``unavailable`` is never cached and
answers ``valid: true`` (the policy in :mod:`invoicing.taxes.vies`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.core.tax_numbers import validate_eu_vat_number
from invoicing.db import Database
from invoicing.db.models import ViesCheck
from invoicing.db.types import utcnow
from invoicing.tax.names import tax_name
from invoicing.tax.rates import MEMBER_STATES, iso_country, rates_for
from invoicing.taxes.schemas import CountryRates, TaxRate, TaxRates, VatNumberCheck, VatNumberResult
from invoicing.taxes.vies import ViesAnswer, ViesClient

CACHE_TTL = timedelta(hours=24)


class TaxRateService:
    """The member states' VAT rates on a date."""

    def rates(self, country: str | None, on: date | None) -> TaxRates:
        on = on or datetime.now(UTC).date()
        data = []
        for given in sorted(MEMBER_STATES) if country is None else [country]:
            table = rates_for(given, on)
            rates = {tax_class: TaxRate(rate=value, valid_from=since) for tax_class, (value, since) in table.items()}
            code = iso_country(given)
            data.append(CountryRates(country=code, tax_name=tax_name(code), rates=rates))
        return TaxRates(date=on, data=data)


def _result(number: str, answer: ViesCheck | ViesAnswer, checked_at: datetime) -> VatNumberResult:
    return VatNumberResult(
        vat_number=number,
        country=iso_country(number[:2]),
        valid=answer.status != "invalid",
        status=answer.status,
        name=answer.name,
        address=answer.address,
        checked_at=checked_at,
        request_identifier=answer.request_identifier,
    )


class VatNumberService:
    """VAT number checks for one request: syntax, then the cache, then VIES."""

    def __init__(self, session: AsyncSession, db: Database, vies: ViesClient) -> None:
        self.session, self.db, self.vies = session, db, vies

    async def check(self, data: VatNumberCheck) -> VatNumberResult:
        number = validate_eu_vat_number(data.vat_number, "vat_number")
        cached = await self.cached(number)
        if cached is not None:
            return _result(number, cached, cached.checked_at)
        answer = await self.vies.check(number)
        checked_at = utcnow()
        if answer.status != "unavailable":
            await self.store(number, answer, checked_at)
        return _result(number, answer, checked_at)

    async def cached(self, number: str) -> ViesCheck | None:
        """VIES's final answer for ``number`` if it is younger than :data:`CACHE_TTL`."""
        async with self.db.transaction(write=False) as session:
            row = await session.get(ViesCheck, number)
        if row is None or row.status == "unavailable" or row.checked_at < utcnow() - CACHE_TTL:
            return None
        return row

    async def store(self, number: str, answer: ViesAnswer, checked_at: datetime) -> None:
        """Keep a final answer in the shared cache (in the request's transaction)."""
        values = {
            "status": answer.status,
            "name": answer.name,
            "address": answer.address,
            "request_identifier": answer.request_identifier,
            "checked_at": checked_at,
        }
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        statement = insert(ViesCheck).values(vat_number=number, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["vat_number"], set_=values))
