"""The entity's customers (buyers). Documents keep a snapshot, so editing or deleting a customer
never rewrites an issued document.

A customer created with a VAT number, or updated to another number (or ``is_business``), is checked
against VIES when a document for it would be (:mod:`invoicing.documents.vies_evidence`: the entity's
``settings.tax.vies_check`` on, the entity in the EU, a number of another member state, the customer
not declared a consumer); a domestic number never needs VIES's evidence. The check runs before the
request's write transaction starts (on SQLite it holds the writer from its first statement), and its
evidence is stored as the customer's ``vies``: ``valid``, ``invalid`` (the customer is still saved:
VIES's answer is evidence, not a validation) or ``unavailable`` (re-checked in the background,
:mod:`invoicing.taxes.recheck`). A changed number that is not checked clears the old evidence.

``external_id`` is the platform's own id for a customer, unique per entity among customers not deleted
(a partial unique index). A customer given inline on an invoice is matched to a stored one, or saved
(:func:`match_or_create`): by ``external_id``; else by VAT number (compact, as stored); else by
e-mail (case-insensitive); with none of the three, by identical details (name, address, city, post code,
country). A matched customer is never changed by the inline data: the document keeps the inline data as
its snapshot and points at the stored customer with ``customer_id``."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

import msgspec
from litestar import Request
from sqlalchemy import CursorResult, Select, Table, bindparam, inspect, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.paging import apply_metadata, page
from invoicing.core.tax_numbers import validate_tax_number
from invoicing.core.validate import country_field
from invoicing.customers.peppol import peppol_id_field
from invoicing.customers.schemas import CustomerCreate, CustomerList, CustomerOut, CustomerUpdate, ViesEvidence
from invoicing.db.engine import Prepared
from invoicing.db.folding import fold
from invoicing.db.models import Customer
from invoicing.db.types import utcnow
from invoicing.documents.vies_evidence import ViesEvidence as ViesCheck
from invoicing.entities.settings import effective
from invoicing.events import emit, publish
from invoicing.taxes.vies import compact_vat_number

FIELDS = (
    "name",
    "email",
    "address",
    "city",
    "post_code",
    "country",
    "tax_number",
    "is_business",
    "buyer_reference",
    "peppol_id",
    "einvoice_format",
)


def clean(data: CustomerCreate, prefix: str = "") -> dict[str, Any]:
    """Validated customer fields (country upper-cased, tax number checked) as a plain dict."""
    values = {f: getattr(data, f) for f in FIELDS}
    values["name"] = values["name"].strip()
    if values["country"]:
        values["country"] = country_field(values["country"], f"{prefix}country")
    if values["tax_number"]:
        values["tax_number"] = validate_tax_number(values["tax_number"], values["country"], f"{prefix}tax_number")
    if values["peppol_id"]:
        values["peppol_id"] = peppol_id_field(values["peppol_id"], f"{prefix}peppol_id")
    return values


def to_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        object="customer",
        entity_id=customer.entity_id,
        external_id=customer.external_id,
        metadata=customer.metadata_ or {},
        created_at=customer.created_at,
        vies=msgspec.convert(customer.vies, ViesEvidence) if customer.vies else None,
        **{f: getattr(customer, f) for f in FIELDS if f != "is_business"},
        is_business=is_business(customer.is_business, customer.tax_number),
    )


def is_business(given: bool | None, tax_number: str | None) -> bool:
    """``is_business`` as given, else whether there is a tax number."""
    return bool(tax_number) if given is None else given


def snapshot(customer: Customer) -> dict[str, Any]:
    return {"id": customer.id, **{f: getattr(customer, f) for f in FIELDS}}


async def get_customer(session: AsyncSession, scope: Scope, customer_id: str, field: str | None = None) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.entity_id != scope.entity_id or customer.deleted_at is not None:
        if field:
            raise ValidationFailed.field(field, f"customer {customer_id} was not found")
        raise NotFound(f"Customer {customer_id} was not found.")
    return customer


def _live(scope: Scope) -> Select:
    return select(Customer).where(Customer.entity_id == scope.entity_id, Customer.deleted_at.is_(None))


def list_stmt(scope: Scope, search: str | None, external_id: str | None = None) -> Select:
    stmt = _live(scope)
    if external_id:
        stmt = stmt.where(Customer.external_id == external_id)
    if search:
        text = fold(search)
        stmt = stmt.where(
            or_(
                Customer.name_folded.contains(text, autoescape=True),
                Customer.email_folded.contains(text, autoescape=True),
            )
        )
    return stmt


class CustomerService:
    """The entity's customers, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope, request: Request) -> None:
        self.session, self.scope = session, ctx
        self.vies = ViesCheck(request, ctx)

    async def _evidence(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """VIES's evidence for validated customer fields, asked before the write transaction starts."""
        settings = effective(self.scope.bound_entity.settings)
        return await self.vies.for_number(settings, values["tax_number"], values["country"], values["is_business"])

    async def create(self, data: CustomerCreate) -> CustomerOut:
        values = clean(data)
        evidence = await self._evidence(values)  # before the writer
        await _external_id_free(self.session, self.scope, data.external_id, None)
        customer = Customer(
            id=new_id("customer"),
            entity_id=self.scope.entity_id,
            external_id=data.external_id,
            metadata_=data.metadata or {},
            vies=evidence,
            **values,
        )
        await self.vies.record(self.session, evidence, None)  # VIES's final answer into the cache
        self.session.add(customer)
        emit(self.session, self.scope, "customer.created", customer.id)
        return publish(self.session, to_out(customer))

    async def list(
        self, limit: int, cursor: str | None, metadata: dict[str, str], *, search: str | None, external_id: str | None
    ) -> CustomerList:
        stmt = apply_metadata(list_stmt(self.scope, search, external_id), Customer.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, Customer.id, limit, cursor, to_out)
        return CustomerList(data=data, next_cursor=next_cursor)

    async def get(self, customer_id: str) -> CustomerOut:
        return to_out(await get_customer(self.session, self.scope, customer_id))

    async def update(self, customer_id: str, data: CustomerUpdate) -> CustomerOut:
        checked: tuple[tuple[Any, ...], dict[str, Any] | None] | None = None
        if any(getattr(data, f) is not msgspec.UNSET for f in ("tax_number", "country", "is_business")):
            async with self.vies.db.transaction(write=False) as reading:  # before the writer
                before = await get_customer(reading, self.scope, customer_id)
            values = clean(CustomerCreate(**_merged(before, data)))
            if _checked_fields(values) != _checked_fields(snapshot(before)):
                checked = _checked_fields(values), await self._evidence(values)
        customer = await get_customer(self.session, self.scope, customer_id)
        was = to_out(customer)
        old = _checked_fields(snapshot(customer))
        values = clean(CustomerCreate(**_merged(customer, data)))
        for field, value in values.items():
            setattr(customer, field, value)
        if _checked_fields(values) != old:
            # the evidence asked for above, unless the customer changed meanwhile: then none
            customer.vies = checked[1] if checked is not None and checked[0] == _checked_fields(values) else None
            await self.vies.record(self.session, customer.vies, None)
        if data.external_id is not msgspec.UNSET and data.external_id != customer.external_id:
            await _external_id_free(self.session, self.scope, data.external_id, customer.id)
            customer.external_id = data.external_id
        if data.metadata is not msgspec.UNSET:
            customer.metadata_ = data.metadata
        now = to_out(customer)
        if now != was:  # sending a customer's current values again (a platform's sync) records nothing
            emit(self.session, self.scope, "customer.updated", customer.id)
        return publish(self.session, now)

    async def delete(self, customer_id: str) -> None:
        customer = await get_customer(self.session, self.scope, customer_id)
        customer.deleted_at = utcnow()
        emit(self.session, self.scope, "customer.deleted", customer.id)
        publish(self.session, to_out(customer))  # as it was last


def _merged(customer: Customer, data: CustomerUpdate) -> dict[str, Any]:
    merged = {f: getattr(customer, f) for f in FIELDS}
    merged.update({k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET and k in FIELDS})
    return merged


def _checked_fields(values: dict[str, Any]) -> tuple[Any, ...]:
    """What VIES's evidence depends on: the compact number and whether the customer is a business."""
    return compact_vat_number(values.get("tax_number"), values.get("country")), values.get("is_business")


async def _external_id_free(session: AsyncSession, scope: Scope, external_id: str | None, own_id: str | None) -> None:
    """409 when another live customer of the entity has ``external_id``."""
    if not external_id:
        return
    taken = (await session.execute(_live(scope).where(Customer.external_id == external_id))).scalars().first()
    if taken is not None and taken.id != own_id:
        raise Conflict(f"Customer {taken.id} already has external_id {external_id!r}.", existing_id=taken.id)


async def _first(session: AsyncSession, stmt: Select) -> Customer | None:
    return (await session.execute(stmt.order_by(Customer.id).limit(1))).scalars().first()


_DETAILS = ("address", "city", "post_code", "country")


@cache
def _match(by: str, without_external_id: bool = False) -> Prepared:
    """``SELECT id`` of the entity's first live customer matching ``by`` (``external_id``, ``tax_number``,
    ``email_folded`` or ``details``), built and compiled once: matching runs on every invoice."""
    stmt = select(Customer.id).where(Customer.entity_id == bindparam("entity_id"), Customer.deleted_at.is_(None))
    if without_external_id:
        stmt = stmt.where(Customer.external_id.is_(None))  # another platform id is another customer
    if by == "details":
        stmt = stmt.where(
            Customer.name_folded == bindparam("name_folded"),
            Customer.tax_number.is_(None),
            Customer.email.is_(None),
            *(getattr(Customer, f).is_not_distinct_from(bindparam(f)) for f in _DETAILS),
        )
    else:
        stmt = stmt.where(getattr(Customer, by) == bindparam(by))
    return Prepared(stmt.order_by(Customer.id).limit(1))


async def find_match(
    session: AsyncSession, scope: Scope, values: dict[str, Any], external_id: str | None
) -> str | None:
    """The id of the stored customer an inline one is (see the module docstring), or None."""
    entity_id = scope.entity_id
    if external_id:
        rows = await _match("external_id").fetch(session, {"entity_id": entity_id, "external_id": external_id})
        if rows:
            return rows[0][0]
    if values["tax_number"]:
        rows = await _match("tax_number", bool(external_id)).fetch(
            session, {"entity_id": entity_id, "tax_number": values["tax_number"]}
        )
        if rows:
            return rows[0][0]
    if values["email"]:
        rows = await _match("email_folded", bool(external_id)).fetch(
            session, {"entity_id": entity_id, "email_folded": fold(values["email"])}
        )
        if rows:
            return rows[0][0]
    if external_id or values["tax_number"] or values["email"]:
        return None
    params = {"entity_id": entity_id, "name_folded": fold(values["name"]), **{f: values[f] for f in _DETAILS}}
    rows = await _match("details").fetch(session, params)
    return rows[0][0] if rows else None


async def match_or_create(
    session: AsyncSession, scope: Scope, data: CustomerCreate, prefix: str, *, save: bool = True
) -> tuple[dict[str, Any], str | None]:
    """A document's snapshot of the inline customer ``data`` (as given) and the id of the stored customer it
    matched or, with ``save``, created in the request's transaction (without ``save``, e.g. a preview,
    nothing is written and an unmatched customer has no id). A matched customer is not changed."""
    values = clean(data, prefix)
    found = await find_match(session, scope, values, data.external_id)
    if found is None and save:
        found = (await _insert(session, scope, data, values)).id
    return {"id": found, **values}, found


async def _insert(session: AsyncSession, scope: Scope, data: CustomerCreate, values: dict[str, Any]) -> Customer:
    """A new customer. With an ``external_id``, ``INSERT … ON CONFLICT DO NOTHING`` on the partial unique index:
    a concurrent request that saved the same id first wins (PostgreSQL waits for it to commit), and its
    customer is read back and used."""
    customer = Customer(
        id=new_id("customer"), entity_id=scope.entity_id, external_id=data.external_id, metadata_=data.metadata or {}
    )
    for field, value in values.items():
        setattr(customer, field, value)
    if not data.external_id:
        session.add(customer)
    else:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        row = {prop.columns[0].name: getattr(customer, prop.key) for prop in inspect(Customer).column_attrs}
        table = cast(Table, Customer.__table__)
        statement = (
            insert(table)
            .values(row)
            .on_conflict_do_nothing(
                index_elements=["entity_id", "external_id"], index_where=table.c.deleted_at.is_(None)
            )
        )
        if cast(CursorResult, await session.execute(statement)).rowcount == 0:
            winner = await _first(session, _live(scope).where(Customer.external_id == data.external_id))
            assert winner is not None
            return winner
    emit(session, scope, "customer.created", customer.id, {"source": "invoice"})
    publish(session, to_out(customer))
    return customer
