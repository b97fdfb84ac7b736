"""PDFs rendered per second on one core, for a one-page and a 200-line invoice, and peak memory; a bare
WeasyPrint A4 page in the same run (the floor: the ratio is the goal's measure, within 2.5x) and the
invoice's text runs alone as unstyled blocks (the least WeasyPrint does to print that text: a bound on the
ratio); render time against the amount of text (one line with a description of 1k/5k/20k characters, as words
and as one word without spaces, and 40 lines of 1,000 characters), which must grow linearly; and the Factur-X
one-page PDF.

Renders through the same path as ``GET /v1/invoices/{id}/pdf`` minus the database: the stored
totals (``apply_totals``), the API's figures (``invoice_out``), the template, WeasyPrint. The
one-page invoice carries a logo and a GiroCode.

    .venv/bin/python bench/render_pdf.py [--seconds 5] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lxml.html
import msgspec
import pypdf
import segno
from weasyprint import HTML

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import Logo, RenderInput, Seller, render_html, render_pdf, speedups
from invoicing.rendering.pool import hold_collector

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


BARE = "<style>@page { size: A4 }</style><p>Invoice 2025-00042</p>"


def bare_page() -> bytes:
    return HTML(string=BARE).write_pdf()


def with_description(chars: int, spaces: bool, lines: int = 1) -> RenderInput:
    """An invoice of ``lines`` lines, each described by ``chars`` characters: words of nine letters, or
    one word without any space."""
    inp = invoice(lines)
    word = ("abcdefghij" * (chars // 10 + 1))[:chars]
    if spaces:
        word = " ".join(word[i : i + 9] for i in range(0, chars, 10))
    document = inp.document
    items = [msgspec.structs.replace(li, description=word) for li in document.items]
    inp.document = msgspec.structs.replace(document, items=items)
    return inp


def measure(name: str, inp: RenderInput | None, seconds: float) -> float:
    """Mean seconds per PDF of ``inp`` (of the bare page when None)."""

    def render() -> bytes:
        return bare_page() if inp is None else render_pdf(inp)

    render()  # warm-up: templates, stylesheets and fonts are loaded once per process
    hold_collector()  # as a render worker: the collector runs after each render, not during it
    timings, cpu, collect = [], [], []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(timings) < 3:
        t, c = time.perf_counter(), time.thread_time()
        pdf = render()
        timings.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
        collect.append(collected())
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    mean = statistics.fmean(timings)
    CPU[name] = statistics.median(cpu)
    print(
        f"{name:<22} {pages:>2} page(s)  {1 / mean:7.1f} PDFs/s  mean {mean * 1000:6.1f} ms  "
        f"median {statistics.median(timings) * 1000:6.1f} ms  "
        f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1] * 1000:6.1f} ms  CPU median {CPU[name] * 1000:6.1f} ms"
        f"  (+ {statistics.median(collect) * 1000:.1f} ms collecting after it; {len(timings)} renders, "
        f"{len(pdf) / 1024:.0f} KiB)"
    )
    return statistics.median(timings)


def text_runs(inp: RenderInput) -> tuple[str, int]:
    """The invoice's text alone, as WeasyPrint's least work to print it could be: each text run of the
    invoice's page (a cell, a label, a figure) one unstyled block on one A4 page, in one small font, without
    tables, columns, borders, colours, images, page footer or the documents' stylesheet. What it costs
    against the bare page is a bound on the one-page ratio: no template printing the same runs where they
    belong costs WeasyPrint less. Its page and the number of runs."""
    root = lxml.html.fromstring(render_html(inp, preview=False))
    for element in root.xpath("//style|//script|//title"):
        element.getparent().remove(element)
    runs = [run.strip() for run in root.itertext() if run.strip()]
    blocks = "".join(f"<p>{escape(run)}</p>" for run in runs)
    return f"<style>@page {{ size: A4; margin: 10mm }} p {{ margin: 0; font-size: 6pt }}</style>{blocks}", len(runs)


def alternated(inp: RenderInput, seconds: float) -> None:
    """The one-page ratio from rounds taken in turn (a bare page with WeasyPrint as it is, the invoice's text
    runs alone (:func:`text_runs`, its HTML parsed once, outside the timing) with WeasyPrint as it is and with
    Folio's faster internals, then the invoice with them), so the machine's load falls on all alike: the medians
    of the rounds' ratios to the bare page."""
    runs_html, count = text_runs(inp)
    runs_page = HTML(string=runs_html)
    assert len(pypdf.PdfReader(io.BytesIO(runs_page.write_pdf())).pages) == 1
    hold_collector()
    ratios, runs_ratios, fast_ratios, bare_cpu, runs_cpu, page_cpu = [], [], [], [], [], []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(ratios) < 5:
        speedups.uninstall()
        c = time.thread_time()
        bare_page()
        bare = time.thread_time() - c
        collected()
        c = time.thread_time()
        runs_page.write_pdf()
        runs = time.thread_time() - c
        collected()
        speedups.install()
        c = time.thread_time()
        runs_page.write_pdf()
        fast_ratios.append((time.thread_time() - c) / bare)
        collected()
        c = time.thread_time()
        render_pdf(inp)
        page = time.thread_time() - c
        collected()
        ratios.append(page / bare)
        runs_ratios.append(runs / bare)
        bare_cpu.append(bare)
        runs_cpu.append(runs)
        page_cpu.append(page)
    page_ms, bare_ms = statistics.median(page_cpu) * 1000, statistics.median(bare_cpu) * 1000
    print(
        f"one-page invoice / bare page, alternated: {statistics.median(ratios):.2f}x (median of {len(ratios)} rounds' "
        f"CPU ratios; CPU medians {page_ms:.1f} / {bare_ms:.1f} ms)"
    )
    print(
        f"its {count} text runs alone, unstyled blocks on one page / bare page: {statistics.median(runs_ratios):.2f}x "
        f"(WeasyPrint as it is; CPU median {statistics.median(runs_cpu) * 1000:.1f} ms); "
        f"{statistics.median(fast_ratios):.2f}x with Folio's faster internals"
    )


CPU: dict[str, float] = {}
"""Median CPU time per render (the thread's), by case: on a machine busy with other work it moves far
less than the wall clock."""


def text_size() -> None:
    """One render per case: time against the amount of text, and per 1,000 characters."""
    print("time against text (CPU time, one render each; linear: the ms per 1k characters stays flat):")
    base = min(timed(invoice(1)) for _ in range(3))
    cases = [(n, spaces, 1) for spaces in (True, False) for n in (1000, 5000, 20000)]
    cases += [(1000, True, 40), (1000, False, 40)]
    for chars, spaces, lines in cases:
        inp = with_description(chars, spaces, lines)
        seconds = timed(inp)
        pages = len(pypdf.PdfReader(io.BytesIO(render_pdf(inp))).pages)
        kind = "words" if spaces else "one word"
        print(
            f"  {lines:>2} x {chars:>5} chars, {kind:<8} {seconds * 1000:8.0f} ms  {pages:>3} page(s)  "
            f"{(seconds - base) * 1e6 / (chars * lines):6.1f} ms per 1k chars over the 1-line invoice"
        )


def timed(inp: RenderInput) -> float:
    """CPU seconds of one render (the thread's: steadier than the wall clock on a busy machine)."""
    t = time.thread_time()
    render_pdf(inp)
    t = time.thread_time() - t
    collected()
    return t


def collected() -> float:
    """The collection a render worker runs after answering (the renders here run with the collector held as
    a worker holds it, :func:`invoicing.rendering.pool.hold_collector`): its CPU seconds."""
    t = time.thread_time()
    gc.collect()
    return time.thread_time() - t


def facturx_page(seconds: float) -> None:
    from einvoice import ENTITY, SETTINGS  # bench/einvoice.py
    from einvoice import invoice as einvoice_invoice

    from invoicing.documents.output import document_out
    from invoicing.einvoice import cii, facturx
    from invoicing.einvoice.model import build
    from invoicing.rendering.service import seller_of

    doc = einvoice_invoice(10)
    inp = RenderInput(document=document_out(doc), kind="invoice", seller=seller_of(ENTITY), settings=SETTINGS)
    inv = build(doc, ENTITY, SETTINGS)
    xml = cii.write(inv)
    facturx.document(inp, xml, inv, "en")
    timings = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(timings) < 3:
        t = time.thread_time()
        facturx.document(inp, xml, inv, "en")
        timings.append(time.thread_time() - t)
        collected()
    plain = statistics.median(timed(inp) for _ in range(max(3, len(timings) // 2)))
    print(
        f"Factur-X one page      CPU median {statistics.median(timings) * 1000:6.1f} ms "
        f"(the plain PDF of the same invoice {plain * 1000:6.1f} ms; {len(timings)} renders)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time spent per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="leave out the text-size cases")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    one, many = invoice(3), invoice(200)
    speedups.uninstall()  # the bare page as WeasyPrint renders it, without Folio's faster internals
    bare = measure("bare WeasyPrint page", None, args.seconds)
    speedups.install()
    page = measure("one-page invoice", one, args.seconds)
    print(
        f"one-page invoice / bare page: {page / bare:.1f}x (median), "
        f"{CPU['one-page invoice'] / CPU['bare WeasyPrint page']:.1f}x (CPU median)"
    )
    alternated(one, args.seconds)
    measure("200-line invoice", many, args.seconds)
    facturx_page(args.seconds)
    if not args.quick:
        text_size()
    tracemalloc.start()
    render_pdf(many)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak Python allocations while rendering the 200-line invoice: {peak / 2**20:.1f} MiB (tracemalloc)")
    print(f"peak resident memory of the process: {rss:.0f} MiB (getrusage)")


if __name__ == "__main__":
    main()
