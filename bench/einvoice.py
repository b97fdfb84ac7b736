"""E-invoice speed: building the EN 16931 model of a 10-line invoice and writing it as CII (goal under
10 ms), and the one-page Factur-X PDF (WeasyPrint's PDF/A-3b rendering with the XML attached, in one pass;
goal under 100 ms) beside the plain and the PDF/A-3b PDF of the same invoice. Medians over repeated runs
after a warm-up, in one process on one core.

    .venv/bin/python bench/einvoice.py [--runs 200]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from invoicing.core.lines import DocumentLine, StoredLine
from invoicing.core.totals import Tax, compute_totals
from invoicing.db.models import Document, Entity
from invoicing.documents.output import document_out
from invoicing.einvoice import cii, facturx
from invoicing.einvoice.formats import FORMATS
from invoicing.einvoice.model import build
from invoicing.entities.settings import effective
from invoicing.rendering import RenderInput, render_pdf
from invoicing.rendering.pool import hold_collector
from invoicing.rendering.service import seller_of

ENTITY = Entity(
    id="ent_bench",
    account_id="acc_bench",
    environment="test",
    name="Sončnica d.o.o.",
    country="SI",
    address="Slovenska cesta 1",
    city="Ljubljana",
    post_code="1000",
    tax_number="SI50223054",
    currency_code="EUR",
    locale="en",
    email="billing@soncnica.example",
    settings={"bank_account": {"iban": "SI56191000000123438", "bic": "LJBASI2X"}},
)
SETTINGS = effective(ENTITY.settings)


def invoice(lines: int) -> Document:
    items = [
        DocumentLine(
            name=f"Service {i + 1}",
            quantity=Decimal(i % 4 + 1),
            price=Decimal("49.90") + i,
            taxes=(Tax(Decimal("22") if i % 3 else Decimal("9.5"), "DDV", "S"),),
            discount=Decimal(5 * (i % 2)),
            unit="h",
        )
        for i in range(lines)
    ]
    totals = compute_totals(items, "EUR")
    return Document(
        id="inv_bench",
        entity_id="ent_bench",
        type="invoice",
        number="2026-00042",
        status="issued",
        date=date(2026, 3, 2),
        date_due=date(2026, 3, 16),
        date_service=date(2026, 2, 28),
        currency_code="EUR",
        locale="en",
        customer={"id": None, "name": "Buyer d.o.o.", "country": "SI", "tax_number": "SI87654321", "city": "Maribor"},
        items=[StoredLine.of(li, lt) for li, lt in zip(items, totals.lines, strict=True)],
        taxes=list(totals.taxes),
        tax_treatment={"code": "domestic", "reason": "", "legal_note": ""},
        total=totals.total,
        total_discount=totals.total_discount,
        total_tax=totals.total_tax,
        total_with_tax=totals.total_with_tax,
        total_paid=Decimal(0),
        total_credited=Decimal(0),
        total_refunded=Decimal(0),
        credit_note_ids=[],
        metadata_={},
        created_at=datetime(2026, 3, 2),
        prices_include_tax=False,
    )


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up (fonts, templates, imports)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    doc = invoice(10)
    print(f"10-line invoice, median of {args.runs} runs:")
    for name, fmt in FORMATS.items():
        if not fmt.pdf:
            ms = median_ms(lambda fmt=fmt: fmt.write(build(doc, ENTITY, SETTINGS)), args.runs)
            print(f"  {name:10} build + serialise  {ms:6.2f} ms")
    inp = RenderInput(document=document_out(doc), kind="invoice", seller=seller_of(ENTITY), settings=SETTINGS)
    inv = build(doc, ENTITY, SETTINGS)
    pdf_runs = max(5, args.runs // 10)
    print(f"Factur-X, one page, median of {pdf_runs} runs:")
    cases = {
        "plain PDF": lambda: render_pdf(inp),
        "PDF/A-3b": lambda: facturx.base_pdf(inp),
        "Factur-X (PDF/A-3b with the CII)": lambda: facturx.document(
            inp, cii.write(build(doc, ENTITY, SETTINGS)), inv, "en"
        ),
    }
    wall: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    collect: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()  # warm-up
    hold_collector()  # as a render worker: the collector runs after each render, not during it
    for _ in range(pdf_runs):  # the three in turn, so the machine's noise falls on all alike
        for name, fn in cases.items():
            w, c = time.perf_counter(), time.thread_time()
            fn()
            cpu[name].append((time.thread_time() - c) * 1000)
            wall[name].append((time.perf_counter() - w) * 1000)
            c = time.thread_time()
            gc.collect()
            collect[name].append((time.thread_time() - c) * 1000)
    for name in cases:
        print(
            f"  {name:34} CPU median {statistics.median(cpu[name]):6.1f} ms, "
            f"wall median {statistics.median(wall[name]):6.1f} ms "
            f"(+ {statistics.median(collect[name]):4.1f} ms collecting after it)"
        )


if __name__ == "__main__":
    main()
