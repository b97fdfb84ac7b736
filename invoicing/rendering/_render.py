"""Documents as HTML and PDF (WeasyPrint), from Jinja2 templates in ``templates/documents/``.

Everything a render needs is gathered first (:class:`RenderInput`: the API's own figures, the
seller, the entity's typed settings, the logo as bytes); the render itself does no I/O. WeasyPrint may fetch only
``data:`` URLs, so a hostile SVG or a template mistake cannot reach the network or the disk. Parsed
templates, stylesheets and the font configuration are built once per process and reused.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import io
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree

import cssselect2  # type: ignore[import-untyped]
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from invoicing.config import ROOT
from invoicing.documents.schemas import AdvanceInvoiceOut, CreditNoteOut, DocumentOut, EstimateOut, InvoiceOut
from invoicing.entities.settings import DEFAULT_COLOR, Settings
from invoicing.rendering._epc import epc_payload, qr_data_uri
from invoicing.rendering._format import ZWSP, Formatter, _em
from invoicing.rendering._labels import LABELS, language_of
from invoicing.rendering.speedups import install as _install_speedups

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per layout step otherwise

TEMPLATES = ROOT / "templates"
DESIGNS = ("classic", "modern")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The width of the boxes that print free text, in ems of their font size (A4 less 2 x 16 mm margins is
# 178 mm; base.css): a word wider than its box gets soft wrap opportunities (:func:`soft_breaks`). Bold
# text counts a tenth wider.
EM_PARTY = 13.5  # a party column: (178 mm - 70 mm facts) / 2 - 6 mm padding at 9pt, the name bold
PAGE_EM = 178 / 25.4 * 72 / 9  # the text width, 178 mm, in ems at 9pt
PAD_EM = 4 / 25.4 * 72 / 9  # a line cell's left and right padding (2 x 2 mm)
ITEM_SHARE = 0.46  # the item column's share of the width while the figures fit beside it...
ITEM_MIN_SHARE = 0.25  # ...and the least it keeps when they do not
HEADER_SCALE = 7.5 / 9  # the column headings' font size (uppercase) against the lines' 9pt
EM_FOOTER = 46.0  # the page footer: 70 % of 178 mm at 7.5pt
EM_NOTE = 55.0  # full width at 9pt
EM_WIDE_BOLD = 42.0  # full width at 9pt bold (the corrected invoice, the reason), 10pt bold (state details)

# The HTML preview is shown inside the dashboard: nothing may run, load or submit.
# In the browser preview long words wrap the CSS way (the PDF gets zero-width spaces instead, base.css).
PREVIEW_WRAP = ".party, .item, .note, .page-footer, .corrects, .doc-header > div { overflow-wrap: anywhere; }\n"
PREVIEW_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; "
    "script-src 'none'; form-action 'none'; base-uri 'none'; sandbox"
)


@dataclass(frozen=True)
class Logo:
    content: bytes
    content_type: str  # image/png, image/jpeg, image/svg+xml

    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.content).decode()}"

    def pdf_data_uri(self) -> str:
        """The logo as the PDF prints it (:func:`_print_logo`), made once per logo and process."""
        key = hashlib.sha256(self.content).digest()
        with _lock:
            uri = _print_logos.get(key)
        if uri is None:
            uri = _print_logo(self)
            with _lock:
                if len(_print_logos) >= 64:
                    _print_logos.clear()
                _print_logos[key] = uri
        return uri


# A raster logo printed at most this many pixels wide and high: 300 dpi over the largest box a logo gets
# (base.css: 60 x 18 mm).
LOGO_MAX_PIXELS = (round(60 / 25.4 * 300), round(18 / 25.4 * 300))
_print_logos: dict[bytes, str] = {}


def _print_logo(logo: Logo) -> str:
    """A raster logo made cheap for WeasyPrint, which decodes and re-encodes every image of every render
    (a 2000 x 600 RGBA PNG cost ~0.35 s a render, a 164-pixel 1-bit one ~15 ms, as much as a third of a
    one-page invoice): scaled down to 300 dpi at the largest size it is printed, laid on white (both designs
    print it on white: the page, the modern band's white frame) and stored as 8-bit greyscale or RGB PNG.
    An SVG logo, or one Pillow cannot read, is printed as it is."""
    if logo.content_type == "image/svg+xml":
        return logo.data_uri()
    try:
        image: Image.Image = Image.open(io.BytesIO(logo.content))
        image.load()
        ratio = min(1.0, LOGO_MAX_PIXELS[0] / image.width, LOGO_MAX_PIXELS[1] / image.height)
        if image.mode not in ("1", "L", "RGB"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        elif image.mode == "1":
            image = image.convert("L")
        if ratio < 1:
            size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
            image = image.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="PNG")
    except Exception:  # not for us to judge: WeasyPrint leaves out an image it cannot read
        return logo.data_uri()
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@dataclass(frozen=True)
class Seller:
    """The entity as the document prints it."""

    name: str
    address: str | None = None
    city: str | None = None
    post_code: str | None = None
    country: str | None = None
    tax_number: str | None = None
    email: str | None = None


@dataclass
class RenderInput:
    """One document to render. ``document`` is the API's own output (``invoice_out``/``credit_note_out``):
    the PDF prints the very figures the API returns."""

    document: InvoiceOut | CreditNoteOut | EstimateOut | AdvanceInvoiceOut
    kind: str  # "invoice" | "credit_note" | "estimate" | "advance_invoice"
    seller: Seller
    settings: Settings
    logo: Logo | None = None


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_lock = threading.Lock()
_fonts: FontConfiguration | None = None
_install_speedups()  # faster WeasyPrint internals, same PDFs (invoicing/rendering/speedups.py)
_css: dict[str, tuple[str, CSS]] = {}
_ua: list[CSS] = []


class _Page(HTML):
    """A document page rendered with the user-agent stylesheet ``templates/documents/ua.css``: the part of
    WeasyPrint's HTML5 one that applies to the elements the templates use (see that file)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        _stylesheet("classic")
        return _ua


def _stylesheet(design: str) -> tuple[str, CSS]:
    """The design's CSS text (for the HTML preview) and its parsed form (for WeasyPrint), built once;
    with them the font configuration and the user-agent stylesheet."""
    global _fonts
    with _lock:
        if design not in _css:
            if _fonts is None:
                _fonts = FontConfiguration()
                ua = (TEMPLATES / "documents" / "ua.css").read_text()
                _ua.append(CSS(string=ua, font_config=_fonts))
            text = (TEMPLATES / "documents" / "base.css").read_text() + (
                TEMPLATES / "documents" / f"{design}.css"
            ).read_text()
            _css[design] = (text, CSS(string=text, font_config=_fonts))
        return _css[design]


def _iban(value: str | None) -> str:
    compact = "".join((value or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _lines(text: str | None, fmt: Formatter | None = None, width_em: float = EM_NOTE) -> list[str]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return [fmt.wrap(line, width_em) or "" for line in lines] if fmt else lines


def _line_rows(doc: DocumentOut, fmt: Formatter) -> list[dict[str, str | None]]:
    """The lines' cells as printed; the name and description as typed (:func:`_line_table` wraps them)."""
    amount = "total_with_tax" if doc.prices_include_tax else "total"
    return [
        {
            "name": li.name,
            "description": li.description,
            "quantity": fmt.number(li.quantity) + (f" {li.unit}" if li.unit else ""),
            "price": fmt.price(li.price),
            "discount": fmt.percent(li.discount) if Decimal(li.discount) else "",
            "taxes": ", ".join(fmt.percent(t.rate) for t in li.taxes) or "–",
            "amount": fmt.money(getattr(li, amount)),
        }
        for li in doc.items
    ]


_NARROW = frozenset(" .,:;'’()\u00a0\u202f")


def _text_em(text: str) -> float:
    """The width of a figure's text in ems: digits 0.64 (DejaVu Sans' are 0.636), punctuation and spaces 0.35
    (0.32-0.35), letters and symbols as :func:`_em` estimates them (generously)."""
    return sum(0.64 if c.isdigit() else 0.35 if c in _NARROW else _em(c) for c in text)


def _column_widths(
    lines: list[dict[str, str | None]], headers: Mapping[str, str], keys: list[str]
) -> tuple[float, list[float]]:
    """The shares of the text width of the item column and of the figure columns ``keys`` (in that order).

    The lines table is laid out with ``table-layout: fixed``: WeasyPrint's automatic table layout measures
    every cell's min- and max-content width, laying its text out twice more, which was the largest part of
    a long invoice's render. The widths it found are computed here instead, from a generous estimate of
    the text's width (:func:`_em`): each figure column is as wide as its widest cell (figures never wrap)
    or the longest word of its heading (headings wrap at spaces), and the item column takes 46 % of the
    width while the figures fit in the rest, what is left of it otherwise (at least 25 %). Whatever the
    figures leave is shared among them in proportion."""
    needs = []
    for key in keys:
        cells = max((_text_em(line[key] or "") for line in lines), default=0.0)
        heading = max((_text_em(word.upper()) * HEADER_SCALE for word in headers[key].split()), default=0.0)
        needs.append(max(cells, heading) + PAD_EM)
    figures = sum(needs)
    item = max(ITEM_MIN_SHARE, min(ITEM_SHARE, 1 - figures / PAGE_EM))
    rest = 1 - item
    return item, [rest * need / figures for need in needs]


def _line_table(doc: DocumentOut, labels: Mapping[str, str], fmt: Formatter) -> dict[str, Any]:
    """The lines table: its rows, its columns (key, heading, width in percent) and the item column's
    width in ems, the names and descriptions wrapped to it."""
    lines = _line_rows(doc, fmt)
    gross = doc.prices_include_tax
    headers = {
        "quantity": labels["quantity"],
        "price": labels["price_gross" if gross else "price"],
        "discount": labels["discount"],
        "taxes": labels["tax"],
        "amount": labels["amount_gross" if gross else "amount"],
    }
    keys = ["quantity", "price", *(["discount"] if any(li["discount"] for li in lines) else []), "taxes", "amount"]
    item, widths = _column_widths(lines, headers, keys)
    item_em = item * PAGE_EM - PAD_EM
    for line in lines:
        line["name"] = fmt.wrap(line["name"], item_em)
        line["description"] = fmt.wrap(line["description"], item_em * 9 / 8)  # printed at 8pt
    return {
        "lines": lines,
        "item_width": f"{item * 100:.2f}",
        "columns": [
            {"key": key, "label": headers[key], "width": f"{width * 100:.2f}"}
            for key, width in zip(keys, widths, strict=True)
        ],
    }


def _tax_rows(doc: DocumentOut, fmt: Formatter) -> list[dict[str, str]]:
    return [
        {"name": t.name, "rate": fmt.percent(t.rate), "base": fmt.money(t.base), "amount": fmt.money(t.amount)}
        for t in doc.taxes
    ]


def _adjustment_rows(doc: DocumentOut, fmt: Formatter) -> list[dict[str, str]]:
    """Document-level allowances (shown negative) and charges, each with its reason, percent and tax rate,
    in the terms of the line amounts (gross with prices_include_tax)."""
    rows = []
    for sign, entries in ((-1, doc.allowances), (1, doc.charges)):
        for entry in entries:
            parts = [fmt.percent(entry.percent)] if entry.percent else []
            parts += [f"{t.name} {fmt.percent(t.rate)}" for t in entry.taxes]
            label = f"{entry.reason} ({', '.join(parts)})" if parts else entry.reason
            rows.append({"label": label, "amount": fmt.money(sign * Decimal(entry.amount))})
    return rows


def _advance_rows(doc: DocumentOut, fmt: Formatter) -> list[dict[str, Any]]:
    """A final invoice's deducted advance invoices: number, date, and per rate the net and tax taken off."""
    if not isinstance(doc, InvoiceOut):
        return []
    return [
        {
            "number": d.number,
            "date": fmt.date(d.date),
            "rates": [
                {"name": f"{t.name} {fmt.percent(t.rate)}", "base": fmt.money(t.base), "amount": fmt.money(t.amount)}
                for t in d.taxes
            ],
            "total": fmt.money(d.total_with_tax),
        }
        for d in doc.advances
    ]


def _invoicelike(inp: RenderInput) -> bool:
    """An invoice or an advance invoice: a document that asks for payment (a credit note does not)."""
    return inp.kind in ("invoice", "advance_invoice")


def _payable(inp: RenderInput) -> bool:
    """Whether the document asks for a payment: an issued, unpaid part of an invoice."""
    doc = inp.document
    return _invoicelike(inp) and doc.status not in ("draft", "voided") and Decimal(doc.total_due) > 0


def _asks_for_money(inp: RenderInput) -> bool:
    """Whether the document prints what is to pay and how (bank details, the amount due): a payable
    invoice, or a draft one (a preview of what it will ask). No QR code on a draft (:func:`_qr`)."""
    return _payable(inp) or (inp.kind == "invoice" and inp.document.status == "draft")


def _state(inp: RenderInput, labels: Mapping[str, str], fmt: Formatter) -> dict[str, Any] | None:
    """The stamp of an issued document's current state, from its figures: VOID (with the reason), PAID,
    CREDITED (credit notes brought it to zero) or PARTIALLY PAID (with what was paid and what remains).
    None while it is simply issued (or a draft, which has its own mark)."""
    doc = inp.document
    if doc.status == "voided":
        reason = doc.void_reason if isinstance(doc, (InvoiceOut, AdvanceInvoiceOut)) else None
        return {
            "kind": "voided",
            "label": labels["voided"],
            "details": [fmt.wrap(f"{labels['reason']}: {reason}", EM_WIDE_BOLD)] if reason else [],
        }
    if not _invoicelike(inp) or doc.status == "draft":
        return None
    due, paid, credited = Decimal(doc.total_due), Decimal(doc.total_paid), Decimal(doc.total_credited)
    if due > 0:
        if not paid:
            return None
        details = [
            f"{labels['paid_so_far']}: {fmt.money(doc.total_paid)}",
            f"{labels['remaining']}: {fmt.money(doc.total_due)}",
        ]
        return {"kind": "partially_paid", "label": labels["partially_paid"], "details": details}
    if not (paid or credited):
        return None  # nothing was ever due (a zero invoice)
    kind = "credited" if credited >= Decimal(doc.total_with_tax) or not paid else "paid"
    return {"kind": kind, "label": labels[kind], "details": []}


def _qr(inp: RenderInput, labels: Mapping[str, str]) -> str | None:
    """The EPC (SEPA) payment code for a payable euro invoice with the seller's IBAN."""
    doc, bank = inp.document, inp.settings.bank_account
    if not (_payable(inp) and doc.currency_code == "EUR" and bank.iban):
        return None
    payload = epc_payload(
        name=inp.seller.name,
        iban=bank.iban,
        bic=bank.bic,
        amount=Decimal(doc.total_due),
        text=f"{labels['invoice']} {doc.number}",
    )
    return qr_data_uri(payload) if payload else None


def _parties(inp: RenderInput, fmt: Formatter) -> dict[str, dict[str, Any]]:
    seller, buyer = inp.seller, inp.document.customer
    return {
        "seller": {
            "name": fmt.wrap(seller.name, EM_PARTY),
            "address": _lines(seller.address, fmt, EM_PARTY),
            "city": fmt.wrap(" ".join(p for p in (seller.post_code, seller.city) if p), EM_PARTY),
            "country": fmt.country(seller.country),
            "tax_number": fmt.wrap(seller.tax_number, EM_PARTY),
            "email": fmt.wrap(seller.email, EM_PARTY),
        },
        "buyer": {
            "name": fmt.wrap(buyer.name, EM_PARTY),
            "address": _lines(buyer.address, fmt, EM_PARTY),
            "city": fmt.wrap(" ".join(p for p in (buyer.post_code, buyer.city) if p), EM_PARTY),
            "country": fmt.country(buyer.country),
            "tax_number": fmt.wrap(buyer.tax_number, EM_PARTY),
            "email": fmt.wrap(buyer.email, EM_PARTY),
            "reference": fmt.wrap(buyer.buyer_reference, EM_PARTY),
        },
    }


def _heading(inp: RenderInput, labels: Mapping[str, str], fmt: Formatter) -> dict[str, Any]:
    """Title, mark (DRAFT, VOID), number and dates."""
    doc, is_invoice = inp.document, _invoicelike(inp)
    draft = doc.status == "draft"
    corrects = credit_reason = None
    valid_until = not_invoice = None
    if isinstance(doc, EstimateOut):  # an offer: valid until, and not an invoice (nothing to pay on it)
        valid_until = fmt.date(doc.valid_until)
        not_invoice = fmt.wrap(labels["not_invoice"], EM_WIDE_BOLD)
    elif not is_invoice:
        assert isinstance(doc, CreditNoteOut)  # the kind is the document's type (render_input)
        corrects = fmt.wrap(
            labels["corrects"].format(number=doc.invoice_number or "", date=fmt.date(doc.invoice_date)), EM_WIDE_BOLD
        )
        credit_reason = fmt.wrap(doc.reason, EM_WIDE_BOLD)
    period = None
    if doc.period_start and doc.period_end:  # the service period, printed instead of the date of supply
        period = f"{fmt.date(doc.period_start)} – {fmt.date(doc.period_end)}"
    return {
        "title": labels[inp.kind],
        "mark": labels["draft"] if draft else labels["voided"] if doc.status == "voided" else None,
        "state": _state(inp, labels, fmt),
        "is_invoice": is_invoice,
        "is_credit_note": inp.kind == "credit_note",
        "draft": draft,
        "number": doc.number,
        "date": fmt.date(doc.date),
        "date_due": fmt.date(doc.date_due) if is_invoice else "",
        # the date of supply: the issue date unless given (an offer's only when given)
        "date_service": fmt.date(doc.date_service or (None if valid_until else doc.date)),
        "valid_until": valid_until,
        "not_invoice": not_invoice,
        "period": period,
        "corrects": corrects,
        "credit_reason": credit_reason,
    }


def _figures(inp: RenderInput, fmt: Formatter) -> dict[str, Any]:
    """The totals, what was paid and credited, and the amount due (only while the invoice asks for it)."""
    doc, is_invoice = inp.document, _invoicelike(inp)
    return {
        "total": fmt.money(doc.total),
        "tax_totals": [{"name": t.name, "rate": fmt.percent(t.rate), "amount": fmt.money(t.amount)} for t in doc.taxes],
        "total_tax": fmt.money(doc.total_tax),
        "total_with_tax": fmt.money(doc.total_with_tax),
        "total_paid": fmt.money(doc.total_paid) if Decimal(doc.total_paid) else None,
        "total_credited": fmt.money(doc.total_credited) if is_invoice and Decimal(doc.total_credited) else None,
        "amount_due": fmt.money(doc.total_due) if _asks_for_money(inp) else None,
    }


def _bank(inp: RenderInput) -> dict[str, str | None] | None:
    """The seller's bank details, while the invoice asks for money."""
    bank = inp.settings.bank_account
    if not (_asks_for_money(inp) and bank.iban):
        return None
    return {"iban": _iban(bank.iban), "bic": bank.bic, "name": bank.bank_name}


def _style(settings: Settings) -> tuple[str, str]:
    """The design (a known one, else classic) and the primary colour (a valid hex colour, else the default)."""
    design = settings.pdf_template if settings.pdf_template in DESIGNS else "classic"
    color = settings.branding.primary_color or DEFAULT_COLOR
    return design, color if _COLOR.match(color) else DEFAULT_COLOR


MM_PER_EM = 9 / 72 * 25.4  # an em of the tables' 9pt in mm


def _fit(columns: list[list[float]], pads_mm: list[float], limit_mm: float, least_mm: float = 0.0) -> dict[str, Any]:
    """Fixed widths (mm) for a small table, like WeasyPrint's automatic layout would find them, without it
    (it measures every cell's min- and max-content width, laying its text out again; ~10 % of a one-page
    render for the four small tables): each column as wide as its widest text (``columns``: each cell's
    width in ems of 9pt, :func:`_text_em`) plus its padding. The first column (labels, names: text that
    wraps) gives up what goes past ``limit_mm`` and takes up what is missing to ``least_mm``."""
    widths = [max(cells, default=0.0) * MM_PER_EM + pad for cells, pad in zip(columns, pads_mm, strict=True)]
    total = sum(widths)
    if total > limit_mm:
        widths[0] = max(widths[0] - (total - limit_mm), min(widths[0], 12.0))
    elif total < least_mm:
        widths[0] += least_mm - total
    return {"width": f"{sum(widths):.2f}", "columns": [f"{w:.2f}" for w in widths]}


def _em_of(text: Any, scale: float = 1.0) -> float:
    return _text_em(str(text or "").replace(ZWSP, "")) * scale


def _fitted_tables(ctx: dict[str, Any]) -> dict[str, Any]:
    """The widths of the facts, tax breakdown, totals and bank tables (base.html), from their texts."""
    labels = ctx["L"]
    bold, due = 1.1, 11 / 9 * 1.1  # bold text is ~10 % wider; the amount due is 11pt bold
    facts = [
        (labels["number"], ctx["number"] or ctx["mark"]),
        (labels["date"], ctx["date"]),
        *([(labels["service_period"], ctx["period"])] if ctx["period"] else []),
        *([(labels["date_service"], ctx["date_service"])] if ctx["date_service"] and not ctx["period"] else []),
        *([(labels["date_due"], ctx["date_due"])] if ctx["date_due"] else []),
        *([(labels["valid_until"], ctx["valid_until"])] if ctx["valid_until"] else []),
    ]
    small = 8 / 9  # the tax breakdown's headings
    tax_heads = [labels["tax"], labels["rate"], labels["base"], labels["tax_amount"]]
    taxes = [
        [_em_of(h, small)] + [_em_of(t[k]) for t in ctx["taxes"]]
        for h, k in zip(tax_heads, ["name", "rate", "base", "amount"], strict=True)
    ]
    totals: list[tuple[Any, Any, float]] = [(row["label"], row["amount"], 1.0) for row in ctx["adjustments"]]
    totals += [(labels["total"], ctx["total"], 1.0)]
    totals += [(f"{t['name']} {t['rate']}", t["amount"], 1.0) for t in ctx["tax_totals"]]
    if len(ctx["tax_totals"]) != 1:
        totals.append((labels["total_tax"], ctx["total_tax"], 1.0))
    totals += [(labels["total_with_tax"], ctx["total_with_tax"], bold)]
    totals += [(labels[k], ctx[k], 1.0) for k in ("total_paid", "total_credited") if ctx[k]]
    if ctx["amount_due"] or ctx["is_credit_note"]:
        totals.append(
            (
                labels["amount_due" if ctx["is_invoice"] else "amount_credited"],
                ctx["amount_due"] or ctx["total_with_tax"],
                due,
            )
        )
    bank = ctx["bank"] or {}
    bank_rows = [
        (labels["iban"], bank.get("iban")),
        (labels["bic"], bank.get("bic")),
        (labels["bank"], bank.get("name")),
    ]
    bank_rows += [(labels["reference"], ctx["reference"]), (labels["amount_due"], ctx["amount_due"])]
    fitted_taxes: dict[str, Any] = _fit(taxes, [4.0] * 4, 104.0) if ctx["taxes"] else {"width": "0", "columns": []}
    room = 178.0 - float(fitted_taxes["width"]) - 4.0  # beside the tax breakdown, 4 mm apart
    return {
        "facts": _fit([[_em_of(k) for k, _ in facts], [_em_of(v) for _, v in facts]], [3.0, 0.0], 70.0),
        "taxes": fitted_taxes,
        "totals": _fit(
            [[_em_of(k, s) for k, _, s in totals], [_em_of(v, s) for _, v, s in totals]], [4.0, 0.0], room, 70.0
        ),
        "bank": _fit(
            [[_em_of(k) for k, v in bank_rows if v], [_em_of(v) for _, v in bank_rows if v]], [4.0, 0.0], 120.0
        ),
    }


def build_context(inp: RenderInput, *, soft_breaks: bool = False) -> dict[str, Any]:
    """Everything the template prints, formatted for the document's locale and currency; with
    ``soft_breaks`` (the PDF), words too wide for their box get zero-width spaces to wrap at."""
    doc = inp.document
    lang = language_of(doc.locale)
    labels = LABELS[lang]
    fmt = Formatter(doc.locale, doc.currency_code, soft_breaks=soft_breaks)
    design, primary = _style(inp.settings)
    context = {
        "lang": lang,
        "dir": "ltr",
        "L": labels,
        "design": design,
        "primary": primary,
        **_heading(inp, labels, fmt),
        **_parties(inp, fmt),
        **_figures(inp, fmt),
        "logo": inp.logo.data_uri() if inp.logo else None,
        **_line_table(doc, labels, fmt),
        "gross": doc.prices_include_tax,
        "taxes": _tax_rows(doc, fmt),
        "adjustments": _adjustment_rows(doc, fmt),
        "bank": _bank(inp),
        "reference": doc.number if _invoicelike(inp) else None,
        "advances": _advance_rows(doc, fmt),
        "advance_note": labels["advance_note"] if inp.kind == "advance_invoice" else None,
        "qr": _qr(inp, labels),
        "payment_terms": _lines(doc.payment_terms, fmt),
        "note": _lines(doc.note, fmt),
        "legal_note": _lines(doc.tax_treatment.legal_note if doc.tax_treatment else None, fmt),
        "footer": _lines(doc.footer, fmt, EM_FOOTER),
    }
    context["fit"] = _fitted_tables(context)
    return context


def render_html(inp: RenderInput, *, preview: bool = True) -> str:
    """The document as one self-contained HTML page (styles inline, images as ``data:`` URLs)."""
    context = build_context(inp)
    css_text, _ = _stylesheet(context["design"])
    return (
        _env()
        .get_template(f"documents/{context['design']}.html")
        .render(**context, inline_css=css_text + PREVIEW_WRAP if preview else None, csp=PREVIEW_CSP)
    )


_fetcher = URLFetcher(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
_gc_lock = threading.Lock()
_gc_holds = 0
_gc_was_enabled = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a render runs, back as it was when the last running render
    ends. A render allocates a few hundred thousand objects that live until it ends (boxes, styles, text
    layouts), so the collector ran again and again over a growing heap, to find nothing: a third of a long
    invoice's time. Their garbage is collected after the render, in one pass instead of many (in a render
    worker, after the answer is sent: :func:`invoicing.rendering.pool._work`)."""
    global _gc_holds, _gc_was_enabled
    with _gc_lock:
        if not _gc_holds:
            _gc_was_enabled = gc.isenabled()
        _gc_holds += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holds -= 1
            if not _gc_holds and _gc_was_enabled:
                gc.enable()


def _page(html: str) -> _Page:
    """The document's HTML as WeasyPrint's ``HTML``, read by the XML parser (expat, in C) when it is well
    formed, which the templates are (void elements closed, every table's ``tbody`` written): WeasyPrint's
    HTML5 parser (tinyhtml5, pure Python) took ~8 % of a one-page render and ~12 % of a 200-line one. Text
    XML does not allow (control characters) falls back to the HTML5 parser. Both give the same tree
    (tests/unit/test_pdf_perf_boxes.py); the attributes set are those ``HTML.__init__`` sets."""
    try:
        root = ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return _Page(string=html, url_fetcher=_fetcher)
    page = _Page.__new__(_Page)
    page.base_url = None
    page.url_fetcher = _fetcher
    page.media_type = "print"
    page.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    page.etree_element = page.wrapper_element.etree_element
    return page


def layout(inp: RenderInput) -> Any:
    """The document laid out in pages (a WeasyPrint ``Document``): what :func:`render_pdf` writes."""
    context = build_context(inp, soft_breaks=True)
    if inp.logo:
        context["logo"] = inp.logo.pdf_data_uri()
    _, css = _stylesheet(context["design"])
    html = (
        _env().get_template(f"documents/{context['design']}.html").render(**context, inline_css=None, csp=PREVIEW_CSP)
    )
    with _collector_paused():
        return _page(html).render(stylesheets=[css], font_config=_fonts)


def render_pdf(
    inp: RenderInput, pdf_variant: str | None = None, prepare: Callable[[Any], Callable[..., None]] | None = None
) -> bytes:
    """The document as PDF (``pdf_variant``: WeasyPrint's, e.g. ``pdf/a-3b``). ``prepare`` may set the laid-out
    document's metadata (attachments, XMP) and answers a finisher that ``write_pdf`` calls on the PDF before
    it is written (:func:`invoicing.einvoice.facturx.document`). CPU-bound and synchronous: call it from a
    worker thread."""
    with _collector_paused():  # one pause for layout and writing, the laid-out document dropped inside it:
        # re-enabled between the two, the collector walked every box of the live document (~5 % of a page)
        document = layout(inp)
        finisher = prepare(document) if prepare is not None else None
        pdf = bytes(document.write_pdf(pdf_variant=pdf_variant, finisher=finisher))
        del document, finisher
    return pdf
