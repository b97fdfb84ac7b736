"""A person downloads an issued invoice's e-invoice from the dashboard (through the BFF proxy, like the PDF): the
menu lists every format, a format the invoice lacks data for is disabled with what is missing, and the CII
download is the invoice's XML."""

# ruff: noqa: F811 (the tests take the imported `tenant` fixture)
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard
from e2e.test_first_week_dashboard import _api, tenant  # noqa: F401 (tenant: a fresh business per test)


def test_the_einvoice_menu_explains_and_downloads(page: Page, host: Host, folio: Folio, tenant: str):
    entity = folio.entities[tenant]["id"]
    seller = {"tax_number": "SI50223054", "settings": {"bank_account": {"iban": "SI56192001234567892"}}}
    _api(folio, tenant, "PATCH", f"/v1/entities/{entity}", seller)
    invoice = create_invoice(
        folio,
        tenant,
        customer={"name": "Kupec d.o.o.", "country": "SI", "einvoice_format": "cii"},
        items=[{"name": "Svetovanje", "quantity": 2, "price": "100.00", "taxes": [{"rate": 22}]}],
    )
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", view=f"invoice/{invoice['id']}")
    expect(frame.get_by_role("heading", name=f"Invoice {invoice['number']}")).to_be_visible()
    frame.get_by_role("button", name="E-invoice").click()
    menu = frame.get_by_role("list", name="E-invoice")

    xrechnung = menu.get_by_role("button", name="XRechnung")
    expect(xrechnung).to_be_disabled()
    reason = menu.get_by_role("listitem").filter(has_text="XRechnung")
    expect(reason).to_contain_text("Not available, missing: customer.buyer_reference (BT-10)")
    peppol = menu.get_by_role("button", name="Peppol BIS Billing 3.0")
    expect(peppol).to_be_disabled()
    expect(menu.get_by_role("listitem").filter(has_text="Peppol BIS")).to_contain_text("customer.peppol_id (BT-49)")
    cii = menu.get_by_role("button", name="CII (XML)")
    expect(cii).to_be_enabled()
    expect(menu.get_by_role("listitem").filter(has_text="CII (XML)")).to_contain_text("the customer's format")

    with page.expect_download() as download:
        cii.click()
    assert download.value.suggested_filename == f"{invoice['number']}-cii.xml"
    xml = Path(download.value.path()).read_bytes()
    assert xml.startswith(b"<?xml") and invoice["number"].encode() in xml
    assert b"<ram:GrandTotalAmount>244.00</ram:GrandTotalAmount>" in xml  # 2 x 100.00 + 22 %
