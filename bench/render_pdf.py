"""PDFs rendered per second on one core, for a one-page and a 200-line invoice, and peak memory.

Renders through the same path as ``GET /v1/invoices/{id}/pdf`` minus the database: the stored
totals (``apply_totals``), the API's figures (``invoice_out``), the template, WeasyPrint. The
one-page invoice carries a logo and a GiroCode.

    .venv/bin/python bench/render_pdf.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdf
import segno

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import Logo, RenderInput, Seller, render_pdf

SELLER = Seller(
    name="Sončnica d.o.o.",
    address="Slovenska cesta 1",
    city="Ljubljana",
    post_code="1000",
    country="SI",
    tax_number="SI50223054",
    email="billing@soncnica.example",
)
SETTINGS = effective(
    {
        "bank_account": {"iban": "SI56191000000123438", "bic": "LJBASI2X"},
        "footer": "Registered at the Ljubljana district court, capital EUR 7,500",
    }
)


def invoice(lines: int) -> RenderInput:
    doc = Document(
        id="inv_bench",
        entity_id="ent_bench",
        type="invoice",
        number="2025-00042",
        status="issued",
        date=date(2025, 3, 1),
        date_due=date(2025, 3, 15),
        date_service=date(2025, 2, 28),
        currency_code="EUR",
        locale="de",
        customer={
            "id": None,
            "name": "Buyer GmbH",
            "address": "Hauptstraße 5",
            "city": "Berlin",
            "post_code": "10115",
            "country": "DE",
            "tax_number": "DE136695976",
        },
        prices_include_tax=False,
        note="Thank you for your business.",
        footer=SETTINGS.footer,
        metadata_={},
        total_paid=Decimal(0),
        total_credited=Decimal(0),
        credit_note_ids=[],
    )
    apply_totals(
        doc,
        [
            DocumentLine(
                name=f"Service {i + 1}",
                description="Monthly plan" if i % 3 == 0 else None,
                quantity=Decimal(1 + i % 4),
                price=Decimal(f"{19 + i}.90"),
                taxes=(Tax(Decimal("22" if i % 2 else "9.5")),),
            )
            for i in range(lines)
        ],
    )
    logo = io.BytesIO()
    segno.make("Sončnica", micro=False).save(logo, kind="png", scale=4)
    return RenderInput(invoice_out(doc), "invoice", SELLER, SETTINGS, Logo(logo.getvalue(), "image/png"))


def measure(name: str, inp: RenderInput, seconds: float) -> None:
    render_pdf(inp)  # warm-up: templates, stylesheets and fonts are loaded once per process
    timings = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(timings) < 3:
        t = time.perf_counter()
        pdf = render_pdf(inp)
        timings.append(time.perf_counter() - t)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    mean = statistics.fmean(timings)
    print(
        f"{name:<22} {pages:>2} page(s)  {1 / mean:7.1f} PDFs/s  mean {mean * 1000:6.1f} ms  "
        f"median {statistics.median(timings) * 1000:6.1f} ms  "
        f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1] * 1000:6.1f} ms"
        f"  ({len(timings)} renders, {len(pdf) / 1024:.0f} KiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time spent per case (default 5)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    one, many = invoice(3), invoice(200)
    measure("one-page invoice", one, args.seconds)
    measure("200-line invoice", many, args.seconds)
    tracemalloc.start()
    render_pdf(many)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak Python allocations while rendering the 200-line invoice: {peak / 2**20:.1f} MiB (tracemalloc)")
    print(f"peak resident memory of the process: {rss:.0f} MiB (getrusage)")


if __name__ == "__main__":
    main()
