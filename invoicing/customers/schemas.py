from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import CountryCode, Email, LongText, Metadata, Name, ShortText
from invoicing.customers.peppol import EinvoiceFormat

PeppolId = Annotated[
    str,
    Meta(
        max_length=100,
        description='The Peppol participant id "scheme:id" (scheme: a 4-digit code of the Peppol EAS list, e.g. '
        '"0088:4012345000009", "0208:0123456789", "9930:DE123456789"): the electronic address in e-invoices.',
    ),
]

PostCode = Annotated[str, Meta(max_length=40)]
TaxNumber = Annotated[str, Meta(max_length=40)]
BuyerReference = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        description="The buyer's own reference to quote on its invoices (EN 16931 BT-10: a purchase order or "
        "cost centre; for German public buyers the Leitweg-ID). Printed on every document for this customer.",
    ),
]
ExternalId = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        description="Your own id for this customer; unique among the entity's customers. On an invoice's inline "
        "`customer` it is what finds the stored customer.",
    ),
]


class CustomerCreate(Struct, forbid_unknown_fields=True):
    name: Name
    email: Email | None = None
    address: LongText | None = None
    city: ShortText | None = None
    post_code: PostCode | None = None
    country: CountryCode | None = None
    tax_number: TaxNumber | None = None
    is_business: bool | None = None
    """A business (for the VAT decision); default: true when ``tax_number`` is present."""
    buyer_reference: BuyerReference | None = None
    peppol_id: PeppolId | None = None
    einvoice_format: EinvoiceFormat | None = None
    """The e-invoice format the customer requires: documents for it that cannot produce it are refused."""
    external_id: ExternalId | None = None
    metadata: Metadata | None = None


class CustomerUpdate(Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    email: Email | UnsetType | None = UNSET
    address: LongText | UnsetType | None = UNSET
    city: ShortText | UnsetType | None = UNSET
    post_code: PostCode | UnsetType | None = UNSET
    country: CountryCode | UnsetType | None = UNSET
    tax_number: TaxNumber | UnsetType | None = UNSET
    is_business: bool | UnsetType | None = UNSET
    buyer_reference: BuyerReference | UnsetType | None = UNSET
    peppol_id: PeppolId | UnsetType | None = UNSET
    einvoice_format: EinvoiceFormat | UnsetType | None = UNSET
    external_id: ExternalId | UnsetType | None = UNSET
    metadata: Metadata | UnsetType = UNSET


class CustomerOut(Struct):
    id: str
    object: Literal["customer"]
    entity_id: str
    name: str
    email: str | None
    address: str | None
    city: str | None
    post_code: str | None
    country: str | None
    tax_number: str | None
    is_business: bool
    buyer_reference: str | None
    peppol_id: str | None
    einvoice_format: EinvoiceFormat | None
    vies: ViesEvidence | None
    """The last VIES evidence for ``tax_number``: from saving the customer, a document that checked it, or
    the background re-check of an ``unavailable`` answer."""
    external_id: str | None
    metadata: dict[str, str]
    created_at: datetime


class ViesEvidence(Struct):
    status: Literal["valid", "invalid", "unavailable"]
    checked_at: datetime
    request_identifier: str | None = None
    name: str | None = None


class CustomerList(Struct):
    data: list[CustomerOut]
    next_cursor: str | None
