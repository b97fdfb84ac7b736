"""VIES evidence for a document's buyer, resolved before the request touches its write transaction.

On SQLite the write transaction holds the one writer from its first statement
(:mod:`invoicing.core.deps`), so the buyer's VAT number is checked first: the stored customer is read
with a read-only transaction, the 24-hour cache likewise (:class:`VatNumberService`), and VIES is
asked with its own timeout (``FOLIO_VIES_TIMEOUT``; it never raises, see :mod:`invoicing.taxes.vies`).
Only then does the service write: the document's ``tax_treatment.vies``, the stored customer's
``vies`` and a final answer into the cache (:meth:`ViesEvidence.record`).

A number is checked when the entity's ``settings.tax.vies_check`` is on, the seller is in the EU, the
buyer is not declared a consumer (``is_business: false``) and the number belongs to another member
state. Evidence: ``{status, checked_at, request_identifier, name}``; ``unavailable`` counts as valid for
the document (the policy of :mod:`invoicing.taxes.vies`). Saving a customer checks its number by the
same rule (:meth:`ViesEvidence.for_number`, :mod:`invoicing.customers.service`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.customers.schemas import CustomerCreate
from invoicing.db import Database
from invoicing.db.models import Customer
from invoicing.db.types import utcnow
from invoicing.entities.settings import Settings
from invoicing.tax.rates import is_member_state, iso_country
from invoicing.taxes.service import VatNumberService
from invoicing.taxes.vies import ViesAnswer, ViesClient, compact_vat_number, evidence_of


class ViesEvidence:
    """The VIES check of one document's buyer (one per request)."""

    def __init__(self, request: Request | None, scope: Scope, *, db: Database | None = None) -> None:
        """For a request (its app's database and VIES client), or for background work (``db``, no VIES
        client: no check, the stored customer's evidence is what the document records)."""
        found = db if request is None else request.app.state.db
        assert found is not None
        self.db: Database = found
        self.vies: ViesClient | None = None if request is None else getattr(request.app.state, "vies", None)
        self.scope = scope
        self.pending: tuple[str, ViesAnswer, datetime] | None = None

    def _wanted(self, settings: Settings, number: str | None, business: bool | None) -> bool:
        seller = self.scope.bound_entity.country
        if not (settings.tax.vies_check and number and self.vies is not None and business is not False):
            return False
        prefix = iso_country(number[:2])
        return is_member_state(seller) and is_member_state(prefix) and prefix != iso_country(seller)

    async def for_customer(
        self, settings: Settings, customer: CustomerCreate | None, customer_id: str | None
    ) -> dict[str, Any] | None:
        """The evidence for the buyer named by ``customer`` or ``customer_id`` (None when not checked)."""
        if customer is not None:
            country, number, business = customer.country, customer.tax_number, customer.is_business
        elif customer_id:
            async with self.db.transaction(write=False) as session:
                found = await session.get(Customer, customer_id)
            if found is None or found.entity_id != self.scope.entity_id:
                return None  # the service answers the 422
            country, number, business = found.country, found.tax_number, found.is_business
        else:
            return None
        return await self.for_number(settings, number, country, business)

    async def for_number(
        self, settings: Settings, number: str | None, country: str | None, business: bool | None
    ) -> dict[str, Any] | None:
        """The evidence for one buyer's VAT number (None when it is not checked: see the module docstring)."""
        number = compact_vat_number(number, country)
        if not self._wanted(settings, number, business):
            return None
        assert number is not None
        return await self._check(number)

    async def _check(self, number: str) -> dict[str, Any]:
        assert self.vies is not None
        service = VatNumberService(None, self.db, self.vies)  # type: ignore[arg-type]  # no writes here
        cached = await service.cached(number)
        if cached is not None:
            return evidence_of(
                ViesAnswer(cached.status, cached.name, request_identifier=cached.request_identifier), cached.checked_at
            )
        answer = await self.vies.check(number)
        checked_at = utcnow()
        if answer.status != "unavailable":
            self.pending = (number, answer, checked_at)
        return evidence_of(answer, checked_at)

    async def record(self, session: AsyncSession, evidence: dict[str, Any] | None, customer_id: str | None) -> None:
        """In the request's transaction: the customer's evidence and VIES's final answer in the cache."""
        if evidence is None:
            return
        if customer_id:
            customer = await session.get(Customer, customer_id)
            if customer is not None:
                customer.vies = evidence
        if self.pending is not None and self.vies is not None:
            await VatNumberService(session, self.db, self.vies).store(*self.pending)
            self.pending = None
