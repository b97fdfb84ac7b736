"""Rendering without HTTP or a database: formatting, labels, the EPC payload, logos, e-mail pieces."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from decimal import Decimal

import httpx
import pypdf
import pytest
import zxingcpp
from PIL import Image

from contract.addresses import check_address
from contract.errors import ValidationFailed
from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.db.models import Document, Email
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.emails.delivery import SmtpTarget, build_message
from invoicing.emails.service import recipients
from invoicing.entities.settings import effective
from invoicing.rendering import (
    Formatter,
    LogoFetcher,
    RenderInput,
    Seller,
    build_context,
    epc_payload,
    qr_png,
    render_html,
    render_pdf,
    sniff,
)
from tests.unit.builders import issued_invoice

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.mark.parametrize(
    "locale,money,rate,day",
    [
        ("en", "€1,234.56", "9.5%", "Mar 1, 2025"),
        ("de", "1.234,56\xa0€", "9,5\xa0%", "01.03.2025"),
        ("sl", "1.234,56\xa0€", "9,5\xa0%", "1. mar. 2025"),
        ("fr", "1\u202f234,56\xa0€", "9,5\xa0%", "1 mars 2025"),
        ("hr", "1.234,56\xa0€", "9,5\xa0%", "1. ožu 2025."),
    ],
)
def test_formatting_per_locale(locale, money, rate, day):
    fmt = Formatter(locale, "EUR")
    assert fmt.money(Decimal("1234.56")) == money
    assert fmt.percent("9.5") == rate
    assert fmt.date(date(2025, 3, 1)) == day


def test_unit_prices_keep_their_decimals_and_unknown_locales_fall_back():
    assert Formatter("en", "EUR").price("12.3456") == "€12.3456"
    assert Formatter("en", "EUR").price("12") == "€12.00"
    assert Formatter("xx-nope", "EUR").money("1") == "€1.00"
    assert Formatter("en", "JPY").money("1500") == "¥1,500"


def test_epc_payload():
    payload = epc_payload(
        name="  Sončnica   d.o.o. ",
        iban="SI56 1910 0000 0123 438",
        bic="ljbasi2x",
        amount=Decimal("1615.66"),
        text="Invoice 2025-00001",
    )
    assert (
        payload
        == "BCD\n002\n1\nSCT\nLJBASI2X\nSončnica d.o.o.\nSI56191000000123438\nEUR1615.66\n\n\nInvoice 2025-00001"
    )
    no_bic = epc_payload(name="A", iban="DE89370400440532013000", amount=Decimal("5"))
    assert no_bic == "BCD\n002\n1\nSCT\n\nA\nDE89370400440532013000\nEUR5.00"
    assert epc_payload(name="A", iban="DE89370400440532013000", amount=Decimal("0")) is None
    assert epc_payload(name="A", iban="DE89370400440532013000", amount=Decimal("1000000000")) is None
    assert epc_payload(name="A", iban="", amount=Decimal("1")) is None
    assert epc_payload(name="A", iban="DE89370400440532013000", bic="SHORT", amount=Decimal("1")) is None
    long = epc_payload(name="Ž" * 100, iban="DE89370400440532013000", amount=Decimal("1"), text="ž" * 200)
    assert len(long.encode()) <= 331 and long.split("\n")[5] == "Ž" * 70


def test_qr_png_decodes_to_the_payload():
    payload = epc_payload(name="Seller", iban="DE89370400440532013000", amount=Decimal("10.5"), text="Invoice 1")
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(payload))))
    assert found.text == payload


def test_sniff():
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>') == "image/svg+xml"
    assert sniff(b"<html><svg") is None and sniff(b"GIF89a") is None


def _fetch(handler, url="https://cdn.example/logo.png", **kw):
    async def run():
        fetcher = LogoFetcher(
            timeout=1,
            max_bytes=kw.pop("max_bytes", 1000),
            allow_private=kw.pop("allow_private", True),
            transport=httpx.MockTransport(handler),
        )
        try:
            return await fetcher.get(url), await fetcher.get(url)
        finally:
            await fetcher.close()

    return asyncio.run(run())


def test_logo_fetcher_caches_and_caps():
    calls = []

    def handler(request):
        calls.append(request.url)
        return httpx.Response(200, content=PNG)

    first, second = _fetch(handler)
    assert first is second and first.content_type == "image/png" and len(calls) == 1  # cached
    assert _fetch(lambda r: httpx.Response(200, content=PNG + b"\0" * 2000)) == (None, None)  # over the cap
    assert _fetch(lambda r: httpx.Response(200, content=b"<html>not an image</html>")) == (None, None)
    assert _fetch(lambda r: httpx.Response(302, headers={"Location": "http://169.254.169.254/"})) == (None, None)
    assert _fetch(lambda r: httpx.Response(500)) == (None, None)

    def slow(request):
        raise httpx.ReadTimeout("slow", request=request)

    assert _fetch(slow) == (None, None)


def test_logo_fetcher_refuses_private_hosts():
    calls = []
    assert _fetch(
        lambda r: calls.append(r) or httpx.Response(200, content=PNG),
        url="http://127.0.0.1/logo.png",
        allow_private=False,
    ) == (None, None)
    assert calls == []


def test_addresses():
    assert recipients(None, "a@b.example") == ["a@b.example"]
    assert recipients(["a@b.example", "A@b.example", "c@d.example"], None) == ["a@b.example", "c@d.example"]
    for bad in ("a@b", "a b@c.example", "a@b.example\nBcc: x@y.example", "<a@b.example>", "a@b.example, c@d.example"):
        with pytest.raises(ValidationFailed):
            check_address(bad, "to")


def test_smtp_url():
    t = SmtpTarget.parse("smtp://user%40x:p%3Ass@mail.example:2525")
    assert (t.hostname, t.port, t.use_tls, t.username, t.password) == ("mail.example", 2525, False, "user@x", "p:ss")
    assert SmtpTarget.parse("smtps://mail.example").port == 465
    with pytest.raises(ValueError):
        SmtpTarget.parse("http://mail.example")


def test_message_has_the_attachment_and_headers():
    from invoicing.db.types import utcnow

    email = Email(
        id="eml_1",
        entity_id="ent_1",
        document_id="inv_1",
        to=["a@b.example"],
        subject="Invoice 1",
        text="Hello",
        sender_name="Seller, Inc.",
        reply_to="r@s.example",
        attachments=["invoice-1.pdf"],
        created_at=utcnow(),
    )
    message = build_message(email, "invoices@folio.example", b"%PDF-1.7 ...")
    assert message["From"] == '"Seller, Inc." <invoices@folio.example>' and message["Reply-To"] == "r@s.example"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "invoice-1.pdf" and part.get_content() == b"%PDF-1.7 ..."


def _document(**overrides) -> Document:
    doc = issued_invoice(**overrides)
    apply_totals(
        doc,
        [
            DocumentLine(
                name="Work",
                quantity=Decimal(3),
                unit="h",
                price=Decimal("33.333"),
                discount=Decimal(10),
                taxes=(Tax(Decimal(20)),),
            )
        ],
    )
    return doc


SELLER = Seller(name="Seller", country="DE")


def test_context_prints_the_stored_totals():
    doc = _document()
    out = invoice_out(doc)
    ctx = build_context(RenderInput(out, "invoice", SELLER, effective({})))
    assert ctx["total_with_tax"] == Formatter("en", "EUR").money(out.total_with_tax)
    assert ctx["lines"][0]["price"] == "€33.333" and ctx["lines"][0]["discount"] == "10%"
    assert ctx["qr"] is None and ctx["bank"] is None  # no IBAN in the settings
    assert ctx["mark"] is None


def test_pdf_of_a_draft_is_marked_and_of_a_void_too():
    for status, word in (("draft", "DRAFT"), ("voided", "VOID")):
        doc = _document(status=status, number=None if status == "draft" else "2025-00007")
        pdf = render_pdf(RenderInput(invoice_out(doc), "invoice", SELLER, effective({})))
        text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert word in text


def test_html_never_runs_or_loads_anything():
    doc = _document(customer={"id": None, "name": '"><script>alert(1)</script><img src="http://evil.example/x">'})
    html = render_html(
        RenderInput(
            invoice_out(doc), "invoice", SELLER, effective({"branding": {"primary_color": "red;}</style><script>"}})
        )
    )
    assert "<script>" not in html and 'evil.example/x">' not in html
    assert "--primary: #1d4ed8" in html  # an invalid colour falls back
    assert 'http-equiv="Content-Security-Policy"' in html
