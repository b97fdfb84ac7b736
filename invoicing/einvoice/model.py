"""The EN 16931 semantic model, and the one mapping from Folio's stored document to it (:func:`build`).

Every writer (CII, UBL, XRechnung, Peppol) serialises an :class:`EInvoice`; none reads the document.
Field docstrings name the business terms (BT-x) and groups (BG-x) of EN 16931-1.

Amounts are the document's stored figures: BT-109/110/112 are ``total``/``total_tax``/``total_with_tax``,
the VAT breakdown (BG-23) is the stored ``taxes``, allowances and charges (BG-20/21) the stored
``allowance_charges`` with their net amounts, a line's net amount (BT-131) its stored ``total``.
Two derivations, both exact to the stored figures:

* BT-146 (item net price) = the line's stored net ÷ its quantity, exact when that division ends
  within 6 decimals, else rounded half-up to 6 (the product with the quantity is then within a
  half minor unit of BT-131 for quantities up to 10,000). A line discount is shown as the gross
  price BT-148 = the line's price and the price discount BT-147 = BT-148 − BT-146 (net prices only).
  A negative price (a voucher) is written as a positive price with a negative quantity (BR-27).
* With prices that include VAT, Folio's totals take the net out of each VAT rate's gross *sum*, so
  the lines' own (display) nets may differ from the rate's taxable amount by a few minor units of
  rounding: that difference is put on the rate's largest line, so BT-131 adds up to BT-116 as
  BR-CO-10 and BR-S-8 require; the document totals are never changed.

Lines that carry no tax (sellers outside the EU: ``manual``; sellers that are not tax subjects:
``not_taxable``) get category O and E at 0 % and their own breakdown entry with no tax.

A credit note without a due date is due on its date (BT-9), as BR-CO-25 asks of any positive amount due.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from msgspec import Struct

from contract.errors import ValidationFailed
from invoicing.core.money import ZERO, round_money
from invoicing.documents.advances import undeducted

VatCategory = str
"""UNCL5305 as EN 16931 uses it: S, Z, E, AE, K, G, O, L, M."""
PRICE_PLACES = Decimal("0.000001")
HUNDRED = Decimal(100)

EXEMPTION = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
    "O": ("VATEX-EU-O", "Not subject to VAT"),
    "E": (None, "Exempt from VAT"),
}
"""The exemption reason code (BT-121, CEF VATEX) and a default text (BT-120) per category; the
document's legal note (``tax_treatment.legal_note``) is the text when it has one."""

NO_TAX_CATEGORY = {"not_taxable": "E", "manual": "O"}

UNIT_CODES = {
    "c62": "C62",
    "pc": "H87",
    "pcs": "H87",
    "piece": "H87",
    "pieces": "H87",
    "kos": "H87",
    "stk": "H87",
    "stück": "H87",
    "h": "HUR",
    "hr": "HUR",
    "hrs": "HUR",
    "hour": "HUR",
    "hours": "HUR",
    "ura": "HUR",
    "ur": "HUR",
    "std": "HUR",
    "std.": "HUR",
    "stunde": "HUR",
    "stunden": "HUR",
    "heure": "HUR",
    "heures": "HUR",
    "min": "MIN",
    "minute": "MIN",
    "minutes": "MIN",
    "day": "DAY",
    "days": "DAY",
    "dan": "DAY",
    "dni": "DAY",
    "tag": "DAY",
    "tage": "DAY",
    "jour": "DAY",
    "jours": "DAY",
    "week": "WEE",
    "weeks": "WEE",
    "month": "MON",
    "months": "MON",
    "mesec": "MON",
    "monat": "MON",
    "mois": "MON",
    "year": "ANN",
    "years": "ANN",
    "leto": "ANN",
    "jahr": "ANN",
    "kg": "KGM",
    "g": "GRM",
    "t": "TNE",
    "l": "LTR",
    "liter": "LTR",
    "litre": "LTR",
    "m": "MTR",
    "km": "KMT",
    "cm": "CMT",
    "mm": "MMT",
    "m2": "MTK",
    "m²": "MTK",
    "m3": "MTQ",
    "m³": "MTQ",
    "kwh": "KWH",
    "set": "SET",
    "pair": "PR",
    "ls": "LS",
    "lump sum": "LS",
    "pauschal": "LS",
}
"""Free-text units (any case) as UN/ECE Recommendation 20 codes; a Rec 20/21 code written as such
(``HUR``, ``XPP``) is kept; anything else is C62 ("one")."""
KNOWN_CODES = frozenset(UNIT_CODES.values()) | {"E48", "KTM", "XPP", "XBX", "XPK", "H87", "MTR", "NAR", "MWH"}


class Endpoint(Struct, frozen=True):
    """An electronic address (BT-34 seller, BT-49 buyer): ``scheme`` from the EAS code list (``0088``)."""

    scheme: str
    id: str


class Address(Struct, frozen=True):
    """BG-5 (seller), BG-8 (buyer), BG-15 (deliver to)."""

    country: str
    """BT-40 / BT-55 / BT-80."""
    line1: str | None = None
    """BT-35 / BT-50 / BT-75."""
    line2: str | None = None
    """BT-36 / BT-51 / BT-76."""
    city: str | None = None
    """BT-37 / BT-52 / BT-77."""
    post_code: str | None = None
    """BT-38 / BT-53 / BT-78."""


class Contact(Struct, frozen=True):
    """BG-6 seller contact / BG-9 buyer contact."""

    name: str | None = None
    """BT-41 / BT-56."""
    phone: str | None = None
    """BT-42 / BT-57."""
    email: str | None = None
    """BT-43 / BT-58."""


class Party(Struct, frozen=True):
    """BG-4 seller / BG-7 buyer."""

    name: str
    """BT-27 / BT-44."""
    address: Address
    vat_id: str | None = None
    """BT-31 / BT-48: the VAT identifier with its country prefix."""
    tax_registration_id: str | None = None
    """BT-32 (seller only): a tax number that is not a VAT identifier."""
    registration_id: str | None = None
    """BT-30 / BT-47: the legal registration identifier (company register number)."""
    endpoint: Endpoint | None = None
    """BT-34 / BT-49."""
    contact: Contact | None = None
    """BG-6 / BG-9."""
    identifier: str | None = None
    """BT-29 / BT-46 (no scheme): the seller's tax number on an invoice not subject to VAT (category O), where
    BR-O-2 forbids the VAT identifier and BR-CO-26 asks for BT-29, BT-30 or BT-31."""


class Delivery(Struct, frozen=True):
    """BG-13."""

    date: dt.date | None = None
    """BT-72 actual delivery date (Folio's ``date_service``)."""
    address: Address | None = None
    """BG-15 deliver-to address (BT-80 country: intra-Community supply)."""


class PaymentMeans(Struct, frozen=True):
    """BG-16."""

    code: str
    """BT-81: 58 SEPA credit transfer, 30 credit transfer."""
    remittance: str | None = None
    """BT-83 remittance information (the document number)."""
    iban: str | None = None
    """BT-84 payment account identifier."""
    account_name: str | None = None
    """BT-85."""
    bic: str | None = None
    """BT-86 payment service provider identifier."""


class AllowanceCharge(Struct, frozen=True):
    """BG-20 document level allowance / BG-21 document level charge."""

    charge: bool
    amount: Decimal
    """BT-92 / BT-99 (net)."""
    category: VatCategory
    """BT-95 / BT-102."""
    rate: Decimal | None
    """BT-96 / BT-103 (None for category O)."""
    reason: str | None = None
    """BT-97 / BT-104."""
    reason_code: str | None = None
    """BT-98 (UNCL5189) / BT-105 (UNCL7161)."""
    base: Decimal | None = None
    """BT-93 / BT-100."""
    percent: Decimal | None = None
    """BT-94 / BT-101."""


class Totals(Struct, frozen=True):
    """BG-22."""

    line_total: Decimal
    """BT-106 sum of invoice line net amounts."""
    allowance_total: Decimal
    """BT-107."""
    charge_total: Decimal
    """BT-108."""
    tax_exclusive: Decimal
    """BT-109 = BT-106 − BT-107 + BT-108."""
    tax_total: Decimal
    """BT-110."""
    tax_inclusive: Decimal
    """BT-112 = BT-109 + BT-110."""
    prepaid: Decimal
    """BT-113."""
    payable: Decimal
    """BT-115 = BT-112 − BT-113 (+ BT-114, always 0)."""
    rounding: Decimal = ZERO
    """BT-114."""


class VatBreakdown(Struct, frozen=True):
    """BG-23."""

    taxable: Decimal
    """BT-116."""
    amount: Decimal
    """BT-117."""
    category: VatCategory
    """BT-118."""
    rate: Decimal | None
    """BT-119 (None for category O)."""
    exemption_reason: str | None = None
    """BT-120."""
    exemption_code: str | None = None
    """BT-121."""


class Line(Struct, frozen=True):
    """BG-25."""

    id: str
    """BT-126."""
    quantity: Decimal
    """BT-129."""
    unit: str
    """BT-130 (UN/ECE Rec 20)."""
    net_amount: Decimal
    """BT-131."""
    name: str
    """BT-153."""
    net_price: Decimal
    """BT-146."""
    category: VatCategory
    """BT-151."""
    rate: Decimal | None
    """BT-152 (None for category O)."""
    description: str | None = None
    """BT-154."""
    gross_price: Decimal | None = None
    """BT-148 (with a line discount)."""
    price_discount: Decimal | None = None
    """BT-147 = BT-148 − BT-146."""
    note: str | None = None
    """BT-127."""
    period_start: dt.date | None = None
    """BT-134."""
    period_end: dt.date | None = None
    """BT-135."""


class EInvoice(Struct, frozen=True):
    """One invoice (380) or credit note (381) as EN 16931 sees it."""

    number: str
    """BT-1."""
    issue_date: dt.date
    """BT-2."""
    type_code: Literal["380", "381", "386"]
    """BT-3: 380 invoice, 381 credit note, 386 prepayment (advance) invoice."""
    currency: str
    """BT-5."""
    seller: Party
    """BG-4."""
    buyer: Party
    """BG-7."""
    totals: Totals
    vat: tuple[VatBreakdown, ...]
    lines: tuple[Line, ...]
    due_date: dt.date | None = None
    """BT-9."""
    buyer_reference: str | None = None
    """BT-10 (XRechnung: the Leitweg-ID)."""
    payment_terms: str | None = None
    """BT-20."""
    notes: tuple[str, ...] = ()
    """BG-1 / BT-22 invoice notes."""
    preceding_invoice: str | None = None
    """BT-25 (credit notes: the invoice they correct)."""
    preceding_invoice_date: dt.date | None = None
    """BT-26."""
    advances: tuple[tuple[str, dt.date], ...] = ()
    """More BG-3 preceding invoice references (BT-25, BT-26): a final invoice's deducted advance invoices."""
    period_start: dt.date | None = None
    """BG-14 BT-73 invoicing period start."""
    period_end: dt.date | None = None
    """BG-14 BT-74 invoicing period end."""
    delivery: Delivery | None = None
    """BG-13."""
    payment: PaymentMeans | None = None
    """BG-16."""
    allowance_charges: tuple[AllowanceCharge, ...] = ()
    """BG-20 and BG-21."""
    tax_point_date: dt.date | None = None
    """BT-7."""
    document_id: str | None = None
    """Folio's id of the document (not a business term)."""


def unit_code(unit: str | None) -> str:
    """BT-130 for a line's free-text ``unit`` (see :data:`UNIT_CODES`)."""
    if not unit:
        return "C62"
    text = unit.strip()
    if text.upper() in KNOWN_CODES:
        return text.upper()
    return UNIT_CODES.get(text.lower(), "C62")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _vat_id(number: str | None) -> str | None:
    """``number`` when it is a VAT identifier (two letters then the number), compacted."""
    if not number:
        return None
    compact = "".join(number.split()).replace("-", "").replace(".", "").upper()
    return compact if len(compact) > 2 and compact[:2].isalpha() and compact[2:].isalnum() else None


def endpoint(value: Any) -> Endpoint | None:
    """``"0088:5790000435944"`` as an :class:`Endpoint`."""
    text = _text(value)
    if not text or ":" not in text:
        return None
    scheme, _, ident = text.partition(":")
    return Endpoint(scheme.strip(), ident.strip()) if scheme.strip() and ident.strip() else None


def net_price(net: Decimal, quantity: Decimal) -> Decimal:
    """BT-146 for a line of net amount ``net`` (see the module docstring)."""
    if quantity == 0:
        return ZERO
    exact = net / quantity
    rounded = exact.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)
    return (exact if exact == rounded else rounded).normalize() + ZERO


def _category(taxes: tuple[Any, ...], treatment_code: str | None) -> tuple[VatCategory, Decimal | None]:
    if not taxes:
        category = NO_TAX_CATEGORY.get(treatment_code or "", "O")
        return category, (None if category == "O" else ZERO)
    tax = taxes[0]
    category = tax.category or ("S" if tax.rate > 0 else "Z")
    return category, (None if category == "O" else tax.rate.normalize() + ZERO)


TYPE_CODES: dict[str, Literal["380", "381", "386"]] = {"credit_note": "381", "advance_invoice": "386"}
"""BT-3 (UNTDID 1001) of the document types other than an invoice (380)."""


def _key(category: str, rate: Decimal | None) -> tuple[str, Decimal | None]:
    return category, None if rate is None else rate.normalize()


def build(doc: Any, entity: Any, settings: Any) -> EInvoice:
    """The EN 16931 model of an issued document (``Document``), its seller (``Entity``) and the
    entity's effective settings (:class:`invoicing.entities.settings.Settings`)."""
    treatment = doc.tax_treatment or {}
    code = treatment.get("code")
    legal_note = _text(treatment.get("legal_note"))
    currency = doc.currency_code
    customer: dict[str, Any] = doc.customer or {}

    # lines, with their category and the category's line sum
    raw = []
    for i, line in enumerate(doc.items):
        if len(line.taxes) > 1:
            raise ValidationFailed.field(
                f"items[{i}].taxes", "an EN 16931 e-invoice carries one VAT rate per line (BT-151, BT-152)"
            )
        category, rate = _category(tuple(line.taxes), code)
        raw.append((line, category, rate))
    entries = []
    for entry in doc.allowance_charges or ():
        category, rate = _category(tuple(entry.taxes), code)
        entries.append(
            AllowanceCharge(
                charge=entry.charge,
                amount=entry.net,
                category=category,
                rate=rate,
                reason=_text(entry.reason),
                reason_code=entry.reason_code,
                base=None if doc.prices_include_tax or entry.percent is None else entry.base,
                percent=None if doc.prices_include_tax else entry.percent,
            )
        )

    # the VAT breakdown: the stored one (a final invoice's as its lines had it, before its advances were
    # deducted: the advances are the prepaid amount BT-113), plus lines without taxes
    deductions = getattr(doc, "advances", None) or ()
    breakdown: dict[tuple[str, Decimal | None], tuple[Decimal, Decimal]] = {}
    for tax in undeducted(doc.taxes, deductions):
        category = tax.category or ("S" if tax.rate > 0 else "Z")
        rate = None if category == "O" else tax.rate
        key = _key(category, rate)
        base, amount = breakdown.get(key, (ZERO, ZERO))
        breakdown[key] = (base + tax.base, amount + tax.amount)
    untaxed: dict[tuple[str, Decimal | None], Decimal] = {}
    for line, category, rate in raw:
        if not line.taxes:
            key = _key(category, rate)
            untaxed[key] = untaxed.get(key, ZERO) + line.total
    for entry in entries:
        key = _key(entry.category, entry.rate)
        if key in untaxed:
            untaxed[key] += entry.amount if entry.charge else -entry.amount
    for key, base in untaxed.items():
        old = breakdown.get(key, (ZERO, ZERO))
        breakdown[key] = (old[0] + base, old[1])

    # each category's lines add up to its taxable amount less its charges plus its allowances
    nets = [line.total for line, _, _ in raw]
    for key, (base, _) in breakdown.items():
        members = [i for i, (_, c, r) in enumerate(raw) if _key(c, r) == key]
        if not members:
            continue
        adjust = sum(((-e.amount if e.charge else e.amount) for e in entries if _key(e.category, e.rate) == key), ZERO)
        delta = base + adjust - sum((nets[i] for i in members), ZERO)
        if delta:
            largest = max(members, key=lambda i: (abs(nets[i]), -i))
            nets[largest] += delta

    lines = []
    for i, ((line, category, rate), net) in enumerate(zip(raw, nets, strict=True)):
        quantity = line.quantity
        sign = -1 if line.price < 0 else 1
        price = net_price(net, quantity * sign) if quantity else abs(line.price)
        gross = discount = None
        if line.discount and not doc.prices_include_tax and quantity:
            gross = abs(line.price)
            discount = gross - price
        lines.append(
            Line(
                id=str(i + 1),
                quantity=quantity * sign,
                unit=unit_code(line.unit),
                net_amount=net,
                name=line.name,
                description=_text(line.description),
                net_price=price,
                gross_price=gross,
                price_discount=discount,
                category=category,
                rate=rate,
            )
        )

    vat = []
    for (category, rate), (base, amount) in breakdown.items():
        reason = code_ = None
        if category in EXEMPTION:
            code_, default = EXEMPTION[category]
            reason = legal_note or default
        vat.append(
            VatBreakdown(
                taxable=base,
                amount=amount,
                category=category,
                rate=rate,
                exemption_reason=reason,
                exemption_code=code_,
            )
        )

    zero = round_money(ZERO, currency)
    allowances = sum((e.amount for e in entries if not e.charge), zero)
    charges = sum((e.amount for e in entries if e.charge), zero)
    prepaid = (doc.paid_on_issue or zero) if doc.type in ("invoice", "advance_invoice") else zero
    advanced = [sum((getattr(d, k) for d in deductions), zero) for k in ("total", "total_tax", "total_with_tax")]
    totals = Totals(
        line_total=sum(nets, zero),
        allowance_total=allowances,
        charge_total=charges,
        tax_exclusive=doc.total + advanced[0],
        tax_total=doc.total_tax + advanced[1],
        tax_inclusive=doc.total_with_tax + advanced[2],
        prepaid=prepaid + advanced[2],
        payable=doc.total_with_tax - prepaid,
        rounding=zero,
    )

    categories = {v.category for v in vat}
    seller_vat = _vat_id(entity.tax_number) if entity.is_tax_subject else None
    seller_tax_reg = None if seller_vat else _text(entity.tax_number)
    buyer_vat = _vat_id(customer.get("tax_number"))
    identifier = None
    if "O" in categories:  # BR-O-2: no VAT identifiers on an invoice not subject to VAT
        identifier = _text(entity.tax_number)
        seller_tax_reg, seller_vat, buyer_vat = None, None, None
    contact = entity.contact or {}
    seller = Party(
        name=entity.name,
        address=Address(
            country=entity.country,
            line1=_text(entity.address),
            city=_text(entity.city),
            post_code=_text(entity.post_code),
        ),
        vat_id=seller_vat,
        tax_registration_id=seller_tax_reg,
        registration_id=_text(entity.registration_number),
        identifier=identifier,
        endpoint=endpoint(entity.peppol_id),
        contact=Contact(
            name=_text(contact.get("name")),
            phone=_text(contact.get("phone")),
            email=_text(contact.get("email")) or _text(entity.email),
        )
        if contact or entity.email
        else None,
    )
    buyer_country = _text(customer.get("country")) or entity.country
    buyer_address = Address(
        country=buyer_country,
        line1=_text(customer.get("address")),
        city=_text(customer.get("city")),
        post_code=_text(customer.get("post_code")),
    )
    buyer = Party(
        name=_text(customer.get("name")) or "",
        address=buyer_address,
        vat_id=buyer_vat,
        endpoint=endpoint(customer.get("peppol_id")),
        contact=Contact(email=_text(customer.get("email"))) if _text(customer.get("email")) else None,
    )

    period_start = doc.period_start
    period_end = doc.period_end
    delivery_date = doc.date_service or (None if period_start else doc.date)
    # K: delivered to the buyer's address (BT-80 country; XRechnung BR-DE-10/11 want its city and post code too)
    delivery = Delivery(date=delivery_date, address=buyer_address if "K" in categories else None)

    bank = settings.bank_account
    payment = None
    if bank.iban:
        payment = PaymentMeans(
            code="58" if currency == "EUR" else "30",
            remittance=doc.number,
            iban=bank.iban,
            account_name=entity.name,
            bic=_text(bank.bic),
        )

    notes = tuple(n for n in (_text(doc.note), _text(doc.reason)) if n)
    return EInvoice(
        number=doc.number or doc.id,
        issue_date=doc.date,
        type_code=TYPE_CODES.get(doc.type, "380"),
        currency=currency,
        seller=seller,
        buyer=buyer,
        totals=totals,
        vat=tuple(vat),
        lines=tuple(lines),
        due_date=doc.date_due or (doc.date if doc.type == "credit_note" else None),
        buyer_reference=_text(customer.get("buyer_reference")),
        payment_terms=_text(doc.payment_terms),
        notes=notes,
        preceding_invoice=doc.invoice_number if doc.type == "credit_note" else None,
        preceding_invoice_date=doc.invoice_date if doc.type == "credit_note" else None,
        advances=tuple((d.number, d.date) for d in deductions),
        period_start=period_start,
        period_end=period_end,
        delivery=delivery,
        payment=payment,
        allowance_charges=tuple(entries),
        document_id=doc.id,
    )
