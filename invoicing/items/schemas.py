from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import (
    DEFAULT_KIND,
    DEFAULT_TAX_CLASS,
    DecimalIn,
    LineKind,
    LongText,
    Metadata,
    TaxClass,
    Taxes,
    TaxOut,
)

ItemName = Annotated[str, Meta(min_length=1, max_length=500)]
Unit = Annotated[str, Meta(max_length=40)]


class ItemCreate(Struct, forbid_unknown_fields=True):
    name: ItemName
    price: DecimalIn
    description: LongText | None = None
    unit: Unit | None = None
    taxes: Taxes = []
    kind: LineKind = DEFAULT_KIND
    """What the item is, for the tax decision of a line taken from it (``services``, ``goods``, ``digital``)."""
    tax_class: TaxClass = DEFAULT_TAX_CLASS
    """Its VAT rate class (``reduced`` for food in many countries): a line taken from it gets it."""
    metadata: Metadata | None = None


class ItemUpdate(Struct, forbid_unknown_fields=True):
    name: ItemName | UnsetType = UNSET
    price: DecimalIn | UnsetType = UNSET
    description: LongText | UnsetType | None = UNSET
    unit: Unit | UnsetType | None = UNSET
    taxes: Taxes | UnsetType = UNSET
    kind: LineKind | UnsetType = UNSET
    tax_class: TaxClass | UnsetType = UNSET
    metadata: Metadata | UnsetType = UNSET


class ItemOut(Struct):
    id: str
    object: Literal["item"]
    entity_id: str
    name: str
    description: str | None
    price: str
    """The unit price without tax: at least two decimals ("1.80"), more only where given ("0.125")."""
    unit: str | None
    taxes: list[TaxOut]
    kind: LineKind
    tax_class: TaxClass
    metadata: dict[str, str]
    created_at: datetime


class ItemList(Struct):
    data: list[ItemOut]
    next_cursor: str | None
