"""An entity's settings, typed: what is stored (only what was set) merged over the defaults.

The ``settings`` column keeps what the entity set, as JSON; :func:`effective` reads it into
:class:`Settings`, one Struct per concern, with every unset field at its default. Updates merge into
what is stored (:func:`merged`), so a field left out of a PATCH keeps its value. The API shows the
effective value (:func:`as_schema`).
"""

from __future__ import annotations

import copy
from typing import Any, Literal

import msgspec
from msgspec import Struct
from stdnum import iban as std_iban
from stdnum.exceptions import ValidationError

from contract.addresses import check_address
from contract.errors import ValidationFailed
from invoicing.core.numbering import DEFAULT_FORMAT, FormatError, NumberFormat
from invoicing.entities.schemas import EntitySettings
from invoicing.tax.rates import is_member_state

DEFAULT_COLOR = "#1d4ed8"


class Branding(Struct, frozen=True):
    logo_url: str | None = None
    primary_color: str | None = DEFAULT_COLOR


SEQUENCES = ("invoice", "credit_note", "estimate", "advance_invoice")
"""The document types numbered in a sequence of their own, each with its format in ``settings.number_formats``."""


class NumberFormats(Struct, frozen=True):
    invoice: str = DEFAULT_FORMAT
    credit_note: str = "CN-" + DEFAULT_FORMAT
    estimate: str = "EST-" + DEFAULT_FORMAT
    advance_invoice: str = "ADV-" + DEFAULT_FORMAT

    def of(self, doc_type: str) -> NumberFormat:
        if doc_type not in SEQUENCES:
            raise KeyError(doc_type)
        return NumberFormat(getattr(self, doc_type))


class BankAccount(Struct, frozen=True):
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None


class EmailDefaults(Struct, frozen=True):
    sender_name: str | None = None
    reply_to: str | None = None


class TaxSettings(Struct, frozen=True):
    oss_registered: bool = False
    vies_check: bool = True


class NumberingSettings(Struct, frozen=True):
    allow_backdating: bool = False
    """Issue documents dated before the last issued one of their sequence (default: refused, 409)."""


class EinvoiceSettings(Struct, frozen=True):
    pdf: bool | None = None
    """None: the default, true for entities in the EU (:func:`einvoice_pdf`)."""


class ReminderSettings(Struct, frozen=True):
    enabled: bool = False
    days_after_due: tuple[int, ...] = (7, 14, 30)
    """Distinct, sorted (:func:`check` stores them so)."""


class Settings(Struct, frozen=True):
    branding: Branding = Branding()
    number_formats: NumberFormats = NumberFormats()
    payment_terms_days: int = 14
    payment_terms_text: str | None = None
    default_note: str | None = None
    footer: str | None = None
    bank_account: BankAccount = BankAccount()
    pdf_template: Literal["classic", "modern"] = "classic"
    email: EmailDefaults = EmailDefaults()
    tax: TaxSettings = TaxSettings()
    numbering: NumberingSettings = NumberingSettings()
    einvoice: EinvoiceSettings = EinvoiceSettings()
    reminders: ReminderSettings = ReminderSettings()


DEFAULTS = Settings()


def effective(stored: dict[str, Any] | None) -> Settings:
    """The stored settings over the defaults (a field stored as ``null`` stays ``None``)."""
    return msgspec.convert(stored or {}, Settings) if stored else DEFAULTS


def number_format(stored: dict[str, Any] | None, doc_type: str) -> NumberFormat:
    """The format for ``doc_type``, read from the stored settings alone: this runs on every issue."""
    formats = (stored or {}).get("number_formats") or {}
    return NumberFormat(formats.get(doc_type) or DEFAULTS.number_formats.of(doc_type).pattern)


def allow_backdating(stored: dict[str, Any] | None) -> bool:
    """``settings.numbering.allow_backdating``, read from the stored settings alone (on every issue)."""
    return bool(((stored or {}).get("numbering") or {}).get("allow_backdating", False))


def merged(stored: dict[str, Any] | None, patch: EntitySettings) -> dict[str, Any]:
    """What to store after a PATCH: ``patch`` merged into ``stored`` one level of objects deep."""
    out = copy.deepcopy(stored or {})
    for key, value in msgspec.to_builtins(patch).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def check(stored: dict[str, Any]) -> Settings:
    """The effective settings of ``stored``; a number format, an IBAN or a reply-to address that cannot work
    is refused (422), so every stored reply-to passes the rule e-mails are sent by (:func:`check_address`).
    A valid IBAN is normalised in ``stored`` itself, like a VAT number: compact and upper-case
    (``si56 1910 0000 0123 438`` is stored as ``SI56191000000123438``; documents print it in groups of four).
    Reminder days must be distinct and are stored sorted."""
    bank = stored.get("bank_account")
    if isinstance(bank, dict) and isinstance(bank.get("iban"), str):
        bank["iban"] = std_iban.compact(bank["iban"]) or None
    reminders = stored.get("reminders")
    if isinstance(reminders, dict) and isinstance(reminders.get("days_after_due"), list):
        days = reminders["days_after_due"]
        for i, day in enumerate(days):
            if day in days[:i]:
                raise ValidationFailed.field(f"settings.reminders.days_after_due[{i}]", f"{day} is listed twice")
        reminders["days_after_due"] = sorted(days)
    settings = effective(stored)
    for doc_type in SEQUENCES:
        try:
            NumberFormat.parse(settings.number_formats.of(doc_type).pattern)
        except FormatError as exc:
            raise ValidationFailed.field(f"settings.number_formats.{doc_type}", str(exc)) from None
    if settings.bank_account.iban:
        try:
            std_iban.validate(settings.bank_account.iban)
        except ValidationError as exc:
            raise ValidationFailed.field(
                "settings.bank_account.iban",
                f"is not a valid IBAN ({getattr(exc, 'message', str(exc)).lower().rstrip('.')})",
            ) from None
    if settings.email.reply_to:
        check_address(settings.email.reply_to, "settings.email.reply_to")
    return settings


def einvoice_pdf(settings: Settings, country: str) -> bool:
    """``settings.einvoice.pdf``: as set, else true for an entity in the EU."""
    return is_member_state(country) if settings.einvoice.pdf is None else settings.einvoice.pdf


def as_schema(settings: Settings, country: str) -> EntitySettings:
    """The API's view of the effective settings of an entity in ``country`` (every field shown)."""
    shown = msgspec.to_builtins(settings)
    shown["einvoice"]["pdf"] = einvoice_pdf(settings, country)
    return msgspec.convert(shown, EntitySettings)
