from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

# BankAccount, Branding, EmailDefaults and NumberFormats (the parts of EntitySettings) are re-exported
from contract.schemas import BankAccount as BankAccount
from contract.schemas import Branding as Branding
from contract.schemas import Contact as Contact
from contract.schemas import EinvoiceSettings as EinvoiceSettings
from contract.schemas import EmailDefaults as EmailDefaults
from contract.schemas import EntityOut, EntitySettings
from contract.schemas import NumberFormats as NumberFormats
from invoicing.core.schemas import CountryCode, CurrencyCode, Email, LocaleCode, LongText, Metadata, Name, ShortText
from invoicing.customers.schemas import PeppolId

RegistrationNumber = Annotated[str, Meta(max_length=100)]


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
    registration_number: RegistrationNumber | None = None
    peppol_id: PeppolId | None = None
    contact: Contact | None = None
    settings: EntitySettings | None = None
    metadata: Metadata | None = None


class EntityUpdate(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    address: LongText | UnsetType | None = UNSET
    city: ShortText | UnsetType | None = UNSET
    post_code: Annotated[str, Meta(max_length=40)] | UnsetType | None = UNSET
    tax_number: Annotated[str, Meta(max_length=40)] | UnsetType | None = UNSET
    is_tax_subject: bool | UnsetType = UNSET
    currency_code: CurrencyCode | UnsetType = UNSET
    locale: LocaleCode | UnsetType = UNSET
    email: Email | UnsetType | None = UNSET
    registration_number: RegistrationNumber | UnsetType | None = UNSET
    peppol_id: PeppolId | UnsetType | None = UNSET
    contact: Contact | UnsetType | None = UNSET
    """Replaces the whole contact (a field left out is cleared); null clears it."""
    settings: EntitySettings | UnsetType = UNSET
    metadata: Metadata | UnsetType = UNSET


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
