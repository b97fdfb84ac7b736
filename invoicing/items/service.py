"""The entity's catalogue of items, usable by id on document lines."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.lines import clean_price, clean_taxes
from invoicing.core.money import format_price
from invoicing.core.paging import apply_metadata, page
from invoicing.core.schemas import TaxOut
from invoicing.db.folding import fold
from invoicing.db.models import Item
from invoicing.db.types import utcnow
from invoicing.events import emit, publish
from invoicing.items.schemas import ItemCreate, ItemList, ItemOut, ItemUpdate
from invoicing.tax.names import tax_name


def to_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.id,
        object="item",
        entity_id=item.entity_id,
        name=item.name,
        description=item.description,
        price=format_price(item.price),
        unit=item.unit,
        taxes=[TaxOut(**t) for t in item.taxes or []],
        kind=item.kind,  # type: ignore[arg-type]  # stored from a LineKind
        tax_class=item.tax_class,  # type: ignore[arg-type]  # stored from a TaxClass
        metadata=item.metadata_ or {},
        created_at=item.created_at,
    )


async def get_item(session: AsyncSession, scope: Scope, item_id: str, field: str | None = None) -> Item:
    item = await session.get(Item, item_id)
    if item is None or item.entity_id != scope.entity_id or item.deleted_at is not None:
        if field:
            raise ValidationFailed.field(field, f"item {item_id} was not found")
        raise NotFound(f"Item {item_id} was not found.")
    return item


def list_stmt(scope: Scope, search: str | None) -> Select[Item]:
    stmt = select(Item).where(Item.entity_id == scope.entity_id, Item.deleted_at.is_(None))
    if search:
        stmt = stmt.where(Item.name_folded.contains(fold(search), autoescape=True))
    return stmt


class ItemService:
    """The entity's items, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def create(self, data: ItemCreate) -> ItemOut:
        item = Item(
            id=new_id("item"),
            entity_id=self.scope.entity_id,
            name=data.name.strip(),
            description=data.description,
            price=Decimal(clean_price(data.price, "price")),
            unit=data.unit,
            taxes=clean_taxes(data.taxes, "taxes", tax_name(self.scope.bound_entity.country)),
            kind=data.kind,
            tax_class=data.tax_class,
            metadata_=data.metadata or {},
        )
        self.session.add(item)
        emit(self.session, self.scope, "item.created", item.id)
        return publish(self.session, to_out(item))

    async def list(self, limit: int, cursor: str | None, search: str | None, metadata: dict[str, str]) -> ItemList:
        stmt = apply_metadata(list_stmt(self.scope, search), Item.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, Item.id, limit, cursor, to_out)
        return ItemList(data=data, next_cursor=next_cursor)

    async def get(self, item_id: str) -> ItemOut:
        return to_out(await get_item(self.session, self.scope, item_id))

    async def update(self, item_id: str, data: ItemUpdate) -> ItemOut:
        item = await get_item(self.session, self.scope, item_id)
        was = to_out(item)
        if data.name is not msgspec.UNSET:
            item.name = data.name.strip()
        if data.price is not msgspec.UNSET:
            item.price = Decimal(clean_price(data.price, "price"))
        if data.description is not msgspec.UNSET:
            item.description = data.description
        if data.unit is not msgspec.UNSET:
            item.unit = data.unit
        if data.taxes is not msgspec.UNSET:
            item.taxes = clean_taxes(data.taxes, "taxes", tax_name(self.scope.bound_entity.country))
        if data.kind is not msgspec.UNSET:
            item.kind = data.kind
        if data.tax_class is not msgspec.UNSET:
            item.tax_class = data.tax_class
        if data.metadata is not msgspec.UNSET:
            item.metadata_ = data.metadata
        now = to_out(item)
        if now != was:  # the item's current values sent again record nothing
            emit(self.session, self.scope, "item.updated", item.id)
        return publish(self.session, now)

    async def delete(self, item_id: str) -> None:
        item = await get_item(self.session, self.scope, item_id)
        item.deleted_at = utcnow()
        emit(self.session, self.scope, "item.deleted", item.id)
        publish(self.session, to_out(item))  # as it was last
