"""A corpus of varied issued documents, built in memory with Folio's own totals function, for the e-invoice
writers' validation tests: mixed rates, line discounts, allowances and charges, prices with VAT, reverse
charge, intra-Community supply, export, not taxable, foreign currencies (JPY, BHD), credit notes, long texts
with XML special characters, 200 lines, advance invoices and a final invoice deducting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from invoicing.core.lines import DocumentLine, StoredLine
from invoicing.core.totals import Adjustment, Tax, compute_totals
from invoicing.db.models import Document, Entity
from invoicing.documents.advances import apply_deductions

D = Decimal
SPECIAL = "Müller & Söhne <GmbH> \"Qualität\" 'ok' — ½ € ≥ 5 % ; ]]> &amp; " * 4

SELLERS = {
    "SI": dict(country="SI", tax_number="SI12345678", name="Folio d.o.o.", city="Ljubljana", post_code="1000"),
    "DE": dict(country="DE", tax_number="DE123456789", name="Folio GmbH", city="Berlin", post_code="10115"),
    "FR": dict(country="FR", tax_number="FR40303265045", name="Folio SARL", city="Paris", post_code="75001"),
}
BUYERS = {
    "SI": {"name": "Kupec d.o.o.", "country": "SI", "tax_number": "SI87654321", "city": "Maribor"},
    "SI_consumer": {"name": "Ana Novak", "country": "SI", "address": "Slovenska 1", "city": "Ljubljana"},
    "AT": {"name": "Kunde GmbH", "country": "AT", "tax_number": "ATU12345678", "city": "Wien", "post_code": "1010"},
    "DE": {"name": "Käufer AG", "country": "DE", "tax_number": "DE987654321", "buyer_reference": "04011000-12345-34"},
    "US": {"name": "Buyer Inc.", "country": "US", "address": "1 Main St", "city": "Boston", "post_code": "02110"},
    "JP": {"name": "Kaisha K.K.", "country": "JP", "city": "Tokyo"},
    "BH": {"name": "Bahrain W.L.L.", "country": "BH", "city": "Manama"},
}


def _made(cls: type, fields: dict[str, Any]) -> Any:
    """A row with ``fields``; those its model does not have yet (added by the e-invoice fields work) are set as
    plain attributes, which is how the e-invoice mapping reads them (``getattr``)."""
    columns = {k: v for k, v in fields.items() if hasattr(cls, k)}
    row = cls(**columns)
    for key, value in fields.items():
        if key not in columns:
            setattr(row, key, value)
    return row


def line(name: str, qty: str, price: str, rate: str | None, category: str | None = None, **kw: Any) -> DocumentLine:
    taxes = () if rate is None else (Tax(D(rate), "VAT", category or ("S" if D(rate) > 0 else "Z")),)
    return DocumentLine(quantity=D(qty), price=D(price), taxes=taxes, name=name, **kw)


def entity(country: str = "SI", *, iban: str | None = "SI56192001234567892", **kw: Any) -> Entity:
    fields = {**SELLERS[country], **kw}
    settings = {"bank_account": {"iban": iban, "bic": "LJBASI2X"}} if iban else {}
    return _made(
        Entity,
        dict(
            id=f"ent_{country.lower()}",
            account_id="acc_1",
            environment="test",
            currency_code="EUR",
            locale="en",
            address="Main street 1",
            email="billing@folio.example",
            settings=settings,
            **fields,
        ),
    )


def document(
    lines: Sequence[DocumentLine],
    *,
    customer: dict[str, Any],
    currency: str = "EUR",
    treatment: str = "domestic",
    legal_note: str | None = None,
    gross: bool = False,
    adjustments: Sequence[Adjustment] = (),
    credit_note: bool = False,
    number: str = "2026-00001",
    **kw: Any,
) -> Document:
    totals = compute_totals(lines, currency, prices_include_tax=gross, adjustments=adjustments)
    fields: dict[str, Any] = dict(
        id=f"{'cre' if credit_note else 'inv'}_{number}",
        entity_id="ent_1",
        type="credit_note" if credit_note else "invoice",
        number=number,
        status="issued",
        date=dt.date(2026, 3, 2),
        date_due=None if credit_note else dt.date(2026, 4, 1),
        currency_code=currency,
        customer=customer,
        items=[StoredLine.of(li, lt) for li, lt in zip(lines, totals.lines, strict=True)],
        taxes=list(totals.taxes),
        tax_treatment={"code": treatment, "reason": "", "legal_note": legal_note or ""},
        prices_include_tax=gross,
        allowance_charges=list(totals.allowance_charges) or None,
        total=totals.total,
        total_discount=totals.total_discount,
        total_tax=totals.total_tax,
        total_with_tax=totals.total_with_tax,
    )
    if credit_note:
        fields.update(invoice_id="inv_1", invoice_number="2026-00001", invoice_date=dt.date(2026, 3, 1))
    fields.update(kw)
    return _made(Document, fields)


def allowance(reason: str, amount: str | None = None, percent: str | None = None, **kw: Any) -> Adjustment:
    return Adjustment(
        reason=reason, amount=D(amount) if amount else None, percent=D(percent) if percent else None, **kw
    )


CORPUS_SELLER = entity("SI")


def corpus() -> list[tuple[str, Document, Entity]]:
    """(name, document, seller) for every case; at least 50."""
    si, de, fr = entity("SI"), entity("DE"), entity("FR")
    out: list[tuple[str, Document, Entity]] = []

    def add(name: str, doc: Document, seller: Entity = si) -> None:
        out.append((name, doc, seller))

    rates = ["22", "9.5", "5", "0"]
    for i, rate in enumerate(rates):
        add(f"single-rate-{rate}", document([line("Consulting", "3", "120.00", rate)], customer=BUYERS["SI"]))
        add(
            f"discount-{rate}",
            document(
                [line("Widget", "7", "13.33", rate, discount=D("12.5")), line("Bolt", "1000", "0.017", rate)],
                customer=BUYERS["SI"],
                number=f"2026-1{i}",
            ),
        )
    add(
        "mixed-rates",
        document(
            [line("Books", "2", "19.99", "5"), line("Service", "1.5", "80", "22"), line("Food", "4", "3.49", "9.5")],
            customer=BUYERS["SI_consumer"],
        ),
    )
    for i, (qty, price) in enumerate([("1", "99.99"), ("3", "10.00"), ("7", "0.99"), ("0.333", "1234.56")]):
        add(
            f"gross-{i}",
            document(
                [line("Gross A", qty, price, "22"), line("Gross B", "2", "5.55", "9.5", discount=D("10"))],
                customer=BUYERS["SI_consumer"],
                gross=True,
            ),
        )
    add(
        "gross-allowance",
        document(
            [line("A", "3", "12.20", "22"), line("B", "1", "10.95", "9.5")],
            customer=BUYERS["SI"],
            gross=True,
            adjustments=[allowance("Loyalty", amount="5.00")],
        ),
    )
    add(
        "allowance-percent",
        document(
            [line("A", "10", "15", "22"), line("B", "2", "40", "9.5")],
            customer=BUYERS["SI"],
            adjustments=[
                allowance("Volume discount", percent="5", reason_code="95"),
                allowance("Freight", amount="12.50", charge=True, reason_code="FC", taxes=(Tax(D(22), "VAT", "S"),)),
            ],
        ),
    )
    add(
        "allowance-spread",
        document(
            [line("A", "1", "100", "22"), line("B", "1", "50", "9.5"), line("C", "1", "33.33", "5")],
            customer=BUYERS["SI"],
            adjustments=[allowance("Voucher", amount="10.01")],
        ),
    )
    add(
        "charge-only",
        document(
            [line("A", "2", "49.90", "22")],
            customer=BUYERS["SI"],
            adjustments=[allowance("Packing", amount="3.90", charge=True)],
        ),
    )
    add(
        "voucher-line",
        document([line("Order", "1", "200", "22"), line("Voucher", "1", "-20", "22")], customer=BUYERS["SI"]),
    )
    add(
        "return-line",
        document([line("Order", "5", "20", "22"), line("Return", "-1", "20", "22")], customer=BUYERS["SI"]),
    )
    reverse_note = "Reverse charge: VAT to be paid by the recipient (Art. 196 Directive 2006/112/EC)."
    for i, seller in enumerate((si, de, fr)):
        add(
            f"reverse-charge-{i}",
            document(
                [line("Development", "40", "95", "0", "AE", kind="services"), line("Support", "1", "250", "0", "AE")],
                customer=BUYERS["AT"],
                treatment="reverse_charge",
                legal_note=reverse_note,
            ),
            seller,
        )
        add(
            f"intra-community-{i}",
            document(
                [line("Machine", "1", "12500", "0", "K", kind="goods"), line("Parts", "20", "12.34", "0", "K")],
                customer=BUYERS["AT"],
                treatment="intra_eu_supply",
                legal_note="Intra-Community supply exempt under Art. 138 Directive 2006/112/EC.",
                date_service=dt.date(2026, 2, 27),
            ),
            seller,
        )
        add(
            f"export-goods-{i}",
            document(
                [line("Goods", "3", "333.33", "0", "G", kind="goods")],
                customer=BUYERS["US"],
                treatment="export",
                legal_note="Export outside the EU, exempt (Art. 146 Directive 2006/112/EC).",
            ),
            seller,
        )
        add(
            f"export-services-{i}",
            document(
                [line("Advice", "10", "150", "0", "O")],
                customer=BUYERS["US"],
                treatment="export",
                legal_note="Services not subject to VAT in the EU (Art. 44 Directive 2006/112/EC).",
            ),
            seller,
        )
    small = entity("SI", tax_number="12345678", is_tax_subject=False, registration_number="1234567000")
    add(
        "not-taxable",
        document(
            [line("Lessons", "4", "25", None)],
            customer=BUYERS["SI_consumer"],
            treatment="not_taxable",
            legal_note="VAT not charged: the seller is not a VAT payer (Art. 94 ZDDV-1).",
        ),
        small,
    )
    add(
        "not-taxable-no-note",
        document([line("Lessons", "2", "30", None)], customer=BUYERS["SI_consumer"], treatment="not_taxable"),
        small,
    )
    add(
        "manual-untaxed",
        document([line("Licence", "1", "500", None)], customer=BUYERS["US"], treatment="manual"),
        entity("SI", tax_number=None, registration_number="12-3456789"),
    )
    add(
        "jpy",
        document(
            [line("Translation", "3", "12345", "0", "O"), line("Rush", "1", "999", "0", "O")],
            customer=BUYERS["JP"],
            currency="JPY",
            treatment="export",
        ),
    )
    add(
        "jpy-domestic-rate",
        document(
            [line("Item", "7", "1111", "22"), line("Item 2", "1", "3", "9.5")], customer=BUYERS["SI"], currency="JPY"
        ),
    )
    add(
        "bhd",
        document(
            [line("Consulting", "2", "125.50", "10"), line("Travel", "1", "40.20", "10")],
            customer=BUYERS["SI"],
            currency="BHD",
        ),
    )
    add(
        "bhd-export",
        document(
            [line("Goods", "3", "17.25", "0", "G", kind="goods")],
            customer=BUYERS["BH"],
            currency="BHD",
            treatment="export",
        ),
    )
    for cur in ("USD", "GBP", "CHF", "PLN", "SEK"):
        add(f"currency-{cur}", document([line("Service", "2", "99.95", "22")], customer=BUYERS["SI"], currency=cur))
    add(
        "long-texts",
        document(
            [line(SPECIAL[:200], "1", "10", "22", description=SPECIAL * 5)],
            customer={**BUYERS["DE"], "name": SPECIAL[:150], "address": SPECIAL[:100]},
            note=SPECIAL * 3,
        ),
        de,
    )
    add(
        "200-lines",
        document(
            [
                line(f"Line {i} <&>", str(1 + i % 7), f"{(i * 37) % 500 + 0.19:.2f}", ("22", "9.5", "5")[i % 3])
                for i in range(200)
            ],
            customer=BUYERS["SI"],
        ),
    )
    add(
        "200-lines-gross-discounts",
        document(
            [
                line(
                    f"G{i}", str(1 + i % 5), f"{(i * 13) % 90 + 1.07:.2f}", ("22", "9.5")[i % 2], discount=D(i % 4 * 5)
                )
                for i in range(200)
            ],
            customer=BUYERS["SI_consumer"],
            gross=True,
        ),
    )
    add(
        "units",
        document(
            [
                line("Hours", "7.5", "60", "22", unit="h"),
                line("Days", "2", "480", "22", unit="days"),
                line("Kilos", "12.345", "2.5", "9.5", unit="kg"),
                line("Things", "3", "1", "22", unit="boxes of stuff"),
            ],
            customer=BUYERS["SI"],
        ),
    )
    add(
        "period",
        document([line("Subscription", "1", "49", "22")], customer=BUYERS["SI"], date_service=dt.date(2026, 2, 28)),
    )
    add("no-iban", document([line("Service", "1", "100", "22")], customer=BUYERS["SI"]), entity("SI", iban=None))
    add(
        "paid-on-issue",
        document([line("Service", "1", "100", "22")], customer=BUYERS["SI"], paid_on_issue=D("122.00")),
    )
    add(
        "partly-paid-on-issue",
        document([line("Service", "1", "100", "22")], customer=BUYERS["SI"], paid_on_issue=D("50.00")),
    )
    add(
        "german-buyer-reference",
        document([line("Leistung", "3", "100", "19")], customer=BUYERS["DE"]),
        entity(
            "DE",
            registration_number="HRB 12345",
            contact={"name": "Eva Muster", "phone": "+49 30 1234", "email": "eva@folio.example"},
        ),
    )
    add(
        "peppol-ids",
        document([line("Service", "1", "100", "22")], customer={**BUYERS["SI"], "peppol_id": "9949:SI87654321"}),
        entity("SI", peppol_id="9949:SI12345678"),
    )
    # credit notes
    add(
        "credit-note",
        document(
            [line("Consulting", "1", "120.00", "22")],
            customer=BUYERS["SI"],
            credit_note=True,
            number="CN-1",
            reason="Wrong quantity",
        ),
    )
    add(
        "credit-note-mixed",
        document(
            [line("A", "1", "10", "22"), line("B", "2", "5", "9.5")],
            customer=BUYERS["SI"],
            credit_note=True,
            number="CN-2",
        ),
    )
    add(
        "credit-note-reverse-charge",
        document(
            [line("Development", "2", "95", "0", "AE")],
            customer=BUYERS["AT"],
            treatment="reverse_charge",
            legal_note=reverse_note,
            credit_note=True,
            number="CN-3",
        ),
    )
    add(
        "credit-note-gross",
        document(
            [line("Gross", "3", "9.99", "22")],
            customer=BUYERS["SI_consumer"],
            gross=True,
            credit_note=True,
            number="CN-4",
        ),
    )
    add(
        "credit-note-export",
        document(
            [line("Goods", "1", "50", "0", "G")],
            customer=BUYERS["US"],
            treatment="export",
            credit_note=True,
            number="CN-5",
        ),
    )
    add(
        "credit-note-jpy",
        document(
            [line("Item", "2", "5000", "0", "O")],
            customer=BUYERS["JP"],
            currency="JPY",
            treatment="export",
            credit_note=True,
            number="CN-6",
        ),
    )
    add(
        "credit-note-allowance",
        document(
            [line("A", "4", "25", "22")],
            customer=BUYERS["SI"],
            credit_note=True,
            number="CN-7",
            adjustments=[allowance("Goodwill", amount="5")],
        ),
    )
    # advance invoices (386) and a final invoice deducting two of them per rate (BT-113, BG-3)
    first = document(
        [line("Deposit", "1", "300.00", "22")],
        customer=BUYERS["SI"],
        type="advance_invoice",
        id="adv_1",
        number="ADV-1",
        paid_on_issue=D("366.00"),
    )
    second = document(
        [line("Deposit kitchen", "1", "100.00", "22"), line("Deposit books", "1", "33.33", "9.5")],
        customer=BUYERS["SI"],
        type="advance_invoice",
        id="adv_2",
        number="ADV-2",
    )
    add("advance-invoice", first)
    add("advance-invoice-mixed", second)
    for i, paid in enumerate((None, D("914.50"), D("100.00"))):
        final = document(
            [line("Kitchen", "1", "1000.00", "22"), line("Books", "1", "200.00", "9.5")],
            customer=BUYERS["SI"],
            number=f"2026-3{i}",
            paid_on_issue=paid,
        )
        apply_deductions(final, [first, second])
        add(f"final-invoice-with-advances-{i}", final)
    for i in range(6):
        qty = str(D(i) + D("0.25"))
        add(
            f"fractional-{i}",
            document(
                [line("Fuel", qty, f"{1.379 + i / 7:.3f}", "22", discount=D(i * 3)), line("Fee", "1", "0.01", "9.5")],
                customer=BUYERS["SI"],
            ),
        )
    return out
