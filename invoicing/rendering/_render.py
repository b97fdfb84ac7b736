"""Documents as HTML and PDF (WeasyPrint), from Jinja2 templates in ``templates/documents/``.

Everything a render needs is gathered first (:class:`RenderInput`: the API's own figures, the
seller, the settings, the logo as bytes); the render itself does no I/O. WeasyPrint may fetch only
``data:`` URLs, so a hostile SVG or a template mistake cannot reach the network or the disk. Parsed
templates, stylesheets and the font configuration are built once per process and reused.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from invoicing.config import ROOT
from invoicing.rendering._epc import epc_payload, qr_data_uri
from invoicing.rendering._format import Formatter
from invoicing.rendering._labels import LABELS, language_of

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per layout step otherwise

TEMPLATES = ROOT / "templates"
DESIGNS = ("classic", "modern")
DEFAULT_COLOR = "#1d4ed8"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The HTML preview is shown inside the dashboard: nothing may run, load or submit.
PREVIEW_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; "
               "script-src 'none'; form-action 'none'; base-uri 'none'; sandbox")


@dataclass(frozen=True)
class Logo:
    content: bytes
    content_type: str  # image/png, image/jpeg, image/svg+xml

    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.content).decode()}"


@dataclass
class RenderInput:
    """One document to render. ``document`` is the API's own output (``invoice_out``/``credit_note_out``):
    the PDF prints the very figures the API returns."""

    document: Any
    kind: str  # "invoice" | "credit_note"
    seller: dict[str, Any]
    settings: dict[str, Any]
    logo: Logo | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined, auto_reload=False, trim_blocks=True, lstrip_blocks=True,
    )


_lock = threading.Lock()
_fonts: FontConfiguration | None = None
_css: dict[str, tuple[str, CSS]] = {}


def _stylesheet(design: str) -> tuple[str, CSS]:
    """The design's CSS text (for the HTML preview) and its parsed form (for WeasyPrint), built once."""
    global _fonts
    with _lock:
        if design not in _css:
            if _fonts is None:
                _fonts = FontConfiguration()
            text = (TEMPLATES / "documents" / "base.css").read_text() + (TEMPLATES / "documents" / f"{design}.css").read_text()
            _css[design] = (text, CSS(string=text, font_config=_fonts))
        return _css[design]


def _iban(value: str | None) -> str:
    compact = "".join((value or "").split()).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def build_context(inp: RenderInput) -> dict[str, Any]:
    doc, settings = inp.document, inp.settings
    lang = language_of(doc.locale)
    labels = LABELS[lang]
    fmt = Formatter(doc.locale, doc.currency_code)
    design = settings.get("pdf_template") if settings.get("pdf_template") in DESIGNS else "classic"
    color = (settings.get("branding") or {}).get("primary_color") or DEFAULT_COLOR
    bank = settings.get("bank_account") or {}
    is_invoice = inp.kind == "invoice"
    draft = doc.status == "draft"
    mark = labels["draft"] if draft else labels["voided"] if doc.status == "voided" else None
    title = labels["invoice" if is_invoice else "credit_note"]
    gross = doc.prices_include_tax

    lines = [{
        "name": li.name, "description": li.description, "unit": li.unit,
        "quantity": fmt.number(li.quantity), "price": fmt.price(li.price),
        "discount": fmt.percent(li.discount) if Decimal(li.discount) else "",
        "taxes": ", ".join(fmt.percent(t.rate) for t in li.taxes) or "–",
        "amount": fmt.money(li.total_with_tax if gross else li.total),
    } for li in doc.items]
    taxes = [{"name": t.name, "rate": fmt.percent(t.rate), "base": fmt.money(t.base), "amount": fmt.money(t.amount)}
             for t in doc.taxes]

    due = Decimal(doc.total_due)
    qr = None
    if (is_invoice and not draft and doc.status != "voided" and doc.currency_code == "EUR" and bank.get("iban")
            and due > 0):
        payload = epc_payload(name=inp.seller["name"], iban=bank["iban"], bic=bank.get("bic"), amount=due,
                              text=f"{labels['invoice']} {doc.number}")
        qr = qr_data_uri(payload) if payload else None

    customer = doc.customer
    return {
        "lang": lang, "dir": "ltr", "L": labels, "design": design, "primary": color if _COLOR.match(color) else DEFAULT_COLOR,
        "title": title, "mark": mark, "is_invoice": is_invoice, "draft": draft,
        "number": doc.number, "date": fmt.date(doc.date), "date_due": fmt.date(doc.date_due) if is_invoice else "",
        "date_service": fmt.date(doc.date_service),
        "corrects": labels["corrects"].format(number=doc.invoice_number or "", date=fmt.date(doc.invoice_date))
        if not is_invoice else None,
        "seller": {
            "name": inp.seller["name"], "address": _lines(inp.seller.get("address")),
            "city": " ".join(p for p in (inp.seller.get("post_code"), inp.seller.get("city")) if p),
            "country": fmt.country(inp.seller.get("country")), "tax_number": inp.seller.get("tax_number"),
            "email": inp.seller.get("email"),
        },
        "buyer": {
            "name": customer.name, "address": _lines(customer.address),
            "city": " ".join(p for p in (customer.post_code, customer.city) if p),
            "country": fmt.country(customer.country), "tax_number": customer.tax_number, "email": customer.email,
        },
        "logo": inp.logo.data_uri() if inp.logo else None,
        "lines": lines, "has_discount": any(li["discount"] for li in lines), "gross": gross, "taxes": taxes,
        "total": fmt.money(doc.total), "total_tax": fmt.money(doc.total_tax), "total_with_tax": fmt.money(doc.total_with_tax),
        "total_paid": fmt.money(doc.total_paid) if Decimal(doc.total_paid) else None,
        "total_credited": fmt.money(doc.total_credited) if is_invoice and Decimal(doc.total_credited) else None,
        "amount_due": fmt.money(doc.total_due),
        "bank": {"iban": _iban(bank.get("iban")), "bic": bank.get("bic"), "name": bank.get("bank_name")}
        if is_invoice and bank.get("iban") else None,
        "reference": doc.number if is_invoice else None,
        "qr": qr, "note": _lines(doc.note), "footer": _lines(doc.footer),
    }


def render_html(inp: RenderInput, *, preview: bool = True) -> str:
    """The document as one self-contained HTML page (styles inline, images as ``data:`` URLs)."""
    context = build_context(inp)
    css_text, _ = _stylesheet(context["design"])
    return _env().get_template(f"documents/{context['design']}.html").render(
        **context, inline_css=css_text if preview else None, csp=PREVIEW_CSP)


_fetcher = URLFetcher(timeout=1, allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(inp: RenderInput) -> bytes:
    """The document as PDF. CPU-bound and synchronous: call it from a worker thread."""
    context = build_context(inp)
    _, css = _stylesheet(context["design"])
    html = _env().get_template(f"documents/{context['design']}.html").render(**context, inline_css=None, csp=PREVIEW_CSP)
    return HTML(string=html, url_fetcher=_fetcher).write_pdf(stylesheets=[css], font_config=_fonts)
