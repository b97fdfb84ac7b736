from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import CountryCode, CurrencyCode, Email, LocaleCode, LongText, Metadata, Name, ShortText

Color = Annotated[str, Meta(pattern=r"^#[0-9a-fA-F]{6}$", description="A hex colour such as #3B82F6")]
Url = Annotated[str, Meta(max_length=2000, pattern=r"^https?://\S+$")]
FormatStr = Annotated[str, Meta(max_length=60, description="e.g. INV-{yyyy}-{nnnn}: {yyyy} {yy} {mm} and one {n…} sequence")]


class Branding(Struct, omit_defaults=True, forbid_unknown_fields=True):
    logo_url: Url | None | UnsetType = UNSET
    primary_color: Color | None | UnsetType = UNSET


class NumberFormats(Struct, omit_defaults=True, forbid_unknown_fields=True):
    invoice: FormatStr | UnsetType = UNSET
    credit_note: FormatStr | UnsetType = UNSET


class BankAccount(Struct, omit_defaults=True, forbid_unknown_fields=True):
    iban: Annotated[str, Meta(max_length=40)] | None | UnsetType = UNSET
    bic: Annotated[str, Meta(max_length=20)] | None | UnsetType = UNSET
    bank_name: ShortText | None | UnsetType = UNSET


class EmailDefaults(Struct, omit_defaults=True, forbid_unknown_fields=True):
    sender_name: ShortText | None | UnsetType = UNSET
    reply_to: Email | None | UnsetType = UNSET


class EntitySettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    """Every field is optional in requests; responses show the effective value (defaults filled)."""

    branding: Branding | UnsetType = UNSET
    number_formats: NumberFormats | UnsetType = UNSET
    payment_terms_days: Annotated[int, Meta(ge=0, le=365)] | UnsetType = UNSET
    default_note: LongText | None | UnsetType = UNSET
    footer: LongText | None | UnsetType = UNSET
    bank_account: BankAccount | UnsetType = UNSET
    pdf_template: Literal["classic", "modern"] | UnsetType = UNSET
    email: EmailDefaults | UnsetType = UNSET


class EntityCreate(Struct, forbid_unknown_fields=True):
    name: Name
    country: CountryCode
    address: LongText | None = None
    city: ShortText | None = None
    post_code: Annotated[str, Meta(max_length=40)] | None = None
    tax_number: Annotated[str, Meta(max_length=40)] | None = None
    is_tax_subject: bool = True
    currency_code: CurrencyCode | None = None
    locale: LocaleCode | None = None
    email: Email | None = None
    settings: EntitySettings | None = None
    metadata: Metadata | None = None


class EntityUpdate(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    address: LongText | None | UnsetType = UNSET
    city: ShortText | None | UnsetType = UNSET
    post_code: Annotated[str, Meta(max_length=40)] | None | UnsetType = UNSET
    tax_number: Annotated[str, Meta(max_length=40)] | None | UnsetType = UNSET
    is_tax_subject: bool | UnsetType = UNSET
    currency_code: CurrencyCode | UnsetType = UNSET
    locale: LocaleCode | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET
    settings: EntitySettings | UnsetType = UNSET
    metadata: Metadata | UnsetType = UNSET


class EntityOut(Struct):
    id: str
    object: Literal["entity"]
    environment: str
    name: str
    country: str
    address: str | None
    city: str | None
    post_code: str | None
    tax_number: str | None
    is_tax_subject: bool
    currency_code: str
    locale: str
    email: str | None
    settings: EntitySettings
    metadata: dict[str, str]
    created_at: datetime


class EntityList(Struct):
    data: list[EntityOut]
    next_cursor: str | None


class ApiKeyCreate(Struct, forbid_unknown_fields=True):
    name: ShortText | None = None


class ApiKeyOut(Struct):
    id: str
    object: Literal["api_key"]
    entity_id: str
    environment: str
    key: str
    name: str | None
    created_at: datetime


__all__ = [n for n in dir() if n[0].isupper()] + ["msgspec"]
