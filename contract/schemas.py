"""The API's answers the BFF reads or passes on, and the field types they are built from.

::

    MeOut       GET /v1/me, POST /v1/embed/token-uses     ─▶ the BFF's embed session (EmbedSessionOut)
    SignInOut   POST /v1/embed/sign-in/link-uses           ─▶ the standalone dashboard's session (AppSessionOut)
      ├── user: EntityUserOut (role: Role)
      └── entity: EntityOut
            └── settings: EntitySettings (branding, number formats, bank account, e-mail defaults, …)

The API (:mod:`invoicing.entities.schemas`, :mod:`invoicing.users.schemas`) imports these classes
rather than declaring its own, so the OpenAPI document has one ``EntityOut`` for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from contract.errors import pattern

ShortText = Annotated[str, Meta(max_length=200)]
LongText = Annotated[str, Meta(max_length=5000)]
_EMAIL = pattern(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address, such as name@example.com")
_COLOR = pattern(r"^#[0-9a-fA-F]{6}$", "a hex colour, such as #3B82F6")
_URL = pattern(r"^https?://\S+$", "a URL starting with http:// or https://, without spaces")
_PHONE = pattern(r"^\+?[0-9 ()/.-]{3,40}$", "a phone number (digits, spaces, ( ) / . - and a leading +)")
Email = Annotated[str, Meta(max_length=320, pattern=_EMAIL)]
Color = Annotated[str, Meta(pattern=_COLOR, description="A hex colour such as #3B82F6")]
Url = Annotated[str, Meta(max_length=2000, pattern=_URL)]
FormatStr = Annotated[
    str, Meta(max_length=60, description="e.g. INV-{yyyy}-{nnnn}: {yyyy} {yy} {mm} and one {n…} sequence")
]

Role = Literal["admin", "editor", "viewer"]
UserStatus = Literal["invited", "active"]


class Branding(Struct, omit_defaults=True, forbid_unknown_fields=True):
    logo_url: Url | UnsetType | None = UNSET
    primary_color: Color | UnsetType | None = UNSET


class NumberFormats(Struct, omit_defaults=True, forbid_unknown_fields=True):
    invoice: FormatStr | UnsetType = UNSET
    credit_note: FormatStr | UnsetType = UNSET
    estimate: FormatStr | UnsetType = UNSET
    advance_invoice: FormatStr | UnsetType = UNSET


class BankAccount(Struct, omit_defaults=True, forbid_unknown_fields=True):
    iban: Annotated[str, Meta(max_length=40)] | UnsetType | None = UNSET
    bic: Annotated[str, Meta(max_length=20)] | UnsetType | None = UNSET
    bank_name: ShortText | UnsetType | None = UNSET


class EmailDefaults(Struct, omit_defaults=True, forbid_unknown_fields=True):
    sender_name: ShortText | UnsetType | None = UNSET
    reply_to: Email | UnsetType | None = UNSET


class TaxSettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    oss_registered: bool | UnsetType = UNSET
    """Registered for the One-Stop Shop: EU consumers abroad are charged their own country's rate."""
    vies_check: bool | UnsetType = UNSET
    """Check buyers' VAT numbers of other member states with VIES on documents (default true)."""


class NumberingSettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    allow_backdating: bool | UnsetType = UNSET
    """Allow issuing a document dated before the last issued one of its number sequence (default false:
    409 naming the last issued number and date)."""


class EinvoiceSettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    pdf: bool | UnsetType = UNSET
    """The document's PDF is itself the Factur-X PDF/A-3 with the CII XML embedded (default true for
    entities in the EU, false elsewhere)."""


MAX_REMINDER_DAYS = 10
ReminderDay = Annotated[int, Meta(ge=1, le=365)]


class ReminderSettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    enabled: bool | UnsetType = UNSET
    """E-mail overdue invoices to the buyer at the days below (default false)."""
    days_after_due: Annotated[list[ReminderDay], Meta(max_length=MAX_REMINDER_DAYS)] | UnsetType = UNSET
    """Days after the due date a reminder goes: distinct, 1 to 365, at most 10; stored sorted (default 7, 14, 30)."""


class EntitySettings(Struct, omit_defaults=True, forbid_unknown_fields=True):
    """Every field is optional in requests; responses show the effective value (defaults filled)."""

    branding: Branding | UnsetType = UNSET
    number_formats: NumberFormats | UnsetType = UNSET
    payment_terms_days: Annotated[int, Meta(ge=0, le=365)] | UnsetType = UNSET
    payment_terms_text: Annotated[str, Meta(max_length=1000)] | UnsetType | None = UNSET
    """The payment terms new invoices take when they name none (``payment_terms``, EN 16931 BT-20)."""
    default_note: LongText | UnsetType | None = UNSET
    footer: LongText | UnsetType | None = UNSET
    bank_account: BankAccount | UnsetType = UNSET
    pdf_template: Literal["classic", "modern"] | UnsetType = UNSET
    email: EmailDefaults | UnsetType = UNSET
    tax: TaxSettings | UnsetType = UNSET
    numbering: NumberingSettings | UnsetType = UNSET
    einvoice: EinvoiceSettings | UnsetType = UNSET
    reminders: ReminderSettings | UnsetType = UNSET


class Contact(Struct, forbid_unknown_fields=True):
    """The seller's contact point (EN 16931 BG-6; XRechnung requires all three)."""

    name: ShortText | None = None
    phone: Annotated[str, Meta(max_length=40, pattern=_PHONE)] | None = None
    email: Email | None = None


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
    registration_number: str | None
    """The legal registration identifier (EN 16931 BT-30), e.g. the company register number."""
    peppol_id: str | None
    """The Peppol participant id ``scheme:id`` (BT-34)."""
    contact: Contact
    settings: EntitySettings
    metadata: dict[str, str]
    created_at: datetime


class EntityUserOut(Struct):
    id: str
    object: Literal["entity_user"]
    entity_id: str
    email: str
    name: str | None
    role: Role
    external_id: str | None
    status: UserStatus
    """``invited``: an invitation was sent and not yet accepted; ``active``: the user has access."""
    created_at: datetime
    invited_at: datetime | None
    """When the latest invitation was sent."""
    accepted_at: datetime | None
    """When the user accepted the invitation by opening its link in the standalone dashboard."""


class MeOut(Struct):
    """The entity user behind the calling credential, as the dashboard needs it."""

    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]


class SignInOut(Struct):
    """Who the redeemed link signs in: the BFF keeps the first two in its session cookie."""

    account_id: str
    environment: str
    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]
