"""Home, Reports and Exports in the embedded dashboard (issue 14, point 4), in German: what the screens show is
what ``/v1/reports/summary``, ``/v1/reports/vat``, ``/v1/invoices`` and ``/v1/exports`` answer for the same entity,
each amount formatted as the locale writes it (Babel's ``format_currency``: the PDF's rules, which the dashboard's
one money formatter follows). Each test has its own business, so its figures are only its own documents."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency
from playwright.sync_api import FrameLocator, Page, expect

from e2e.conftest import Folio, Host, create_invoice, open_dashboard

LOCALE = "de"
_tenants = itertools.count()


def money(amount: str, currency: str) -> str:
    return format_currency(Decimal(amount), currency, locale=LOCALE)


def today() -> date:
    return datetime.now(UTC).date()


def month_start(day: date, back: int = 0) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(year, month + 1, 1)


def month_end(day: date) -> date:
    return month_start(day, -1) - timedelta(days=1)


def _tenant(folio: Folio, **entity) -> str:
    key = f"REP{next(_tenants)}"
    with folio.api() as client:
        r = client.post("/v1/entities", json={"name": f"Bericht {key} GmbH", "locale": "de", **entity})
        assert r.status_code == 201, r.text
        folio.entities[key] = r.json()
    with folio.api(key) as client:
        r = client.post("/v1/entity-users", json={"email": f"{key.lower()}@example.com", "role": "admin"})
        assert r.status_code == 201, r.text
        folio.users[f"{key}-admin"] = r.json()
    return key


@pytest.fixture
def tenant(folio: Folio) -> str:
    """A fresh German business with an admin (``<key>-admin``)."""
    return _tenant(folio, country="DE")


@pytest.fixture
def oss_tenant(folio: Folio) -> str:
    """A fresh Slovenian business registered for OSS (its VAT number as e2e/test_tax.py's sellers have it)."""
    return _tenant(folio, country="SI", tax_number="SI50223054", settings={"tax": {"oss_registered": True}})


def _api(folio: Folio, tenant: str, method: str, path: str, body: dict | None = None, **params) -> dict:
    with folio.api(tenant) as client:
        r = client.request(method, path, json=body, params=params or None)
    assert r.status_code in (200, 201, 202), r.text
    return r.json()


def _documents(folio: Folio, tenant: str) -> dict[str, dict]:
    """Invoices in EUR this month and last month (one overdue), one in USD, a payment and a credit note, and a
    draft."""
    day = today()
    last = month_start(day, 1)
    # last month's first: numbers follow the dates
    old = create_invoice(
        folio,
        tenant,
        customer={"name": "Altkunde KG"},
        date=(last + timedelta(days=9)).isoformat(),
        date_due=(last + timedelta(days=19)).isoformat(),
        items=[{"name": "Wartung", "quantity": 2, "price": "250.00", "taxes": [{"rate": 19}]}],
    )
    big = create_invoice(
        folio,
        tenant,
        customer={"name": "Großkunde AG"},
        items=[{"name": "Montage", "quantity": 3, "price": "800.00", "taxes": [{"rate": 19}]}],
    )
    small = create_invoice(
        folio,
        tenant,
        customer={"name": "Kleinkunde GmbH"},
        items=[{"name": "Buch", "quantity": 1, "price": "120.00", "taxes": [{"rate": 7}]}],
    )
    usd = create_invoice(
        folio,
        tenant,
        currency_code="USD",
        customer={"name": "Dollar Handel GmbH"},
        items=[{"name": "Lizenz", "quantity": 1, "price": "300.00", "taxes": [{"rate": 19}]}],
    )
    # a draft larger than any of them: it asks nobody for money yet
    create_invoice(
        folio,
        tenant,
        is_draft=True,
        customer={"name": "Entwurfskunde GmbH"},
        items=[{"name": "Angebot", "quantity": 1, "price": "9000.00", "taxes": [{"rate": 19}]}],
    )
    _api(folio, tenant, "POST", "/v1/payments", {"invoice_id": big["id"], "amount": "1000.00"})
    _api(folio, tenant, "POST", "/v1/payments", {"invoice_id": small["id"], "amount": small["total_due"]})
    note = _api(
        folio,
        tenant,
        "POST",
        "/v1/credit-notes",
        {"invoice_id": big["id"], "items": [{"name": "Nachlass", "price": "100.00", "taxes": [{"rate": 19}]}]},
    )
    return {"big": big, "small": small, "old": old, "usd": usd, "note": note}


def _rows(frame: FrameLocator, table_name: str) -> list[str]:
    return frame.get_by_role("table", name=table_name).locator("tbody tr td:first-child").all_inner_texts()


def test_home_shows_the_months_figures_the_chart_and_the_invoices_to_look_at(
    page: Page, host: Host, folio: Folio, tenant
):
    docs = _documents(folio, tenant)
    day = today()
    this_month, last_month = day.strftime("%Y-%m"), month_start(day, 1).strftime("%Y-%m")
    summary = _api(
        folio,
        tenant,
        "GET",
        "/v1/reports/summary",
        date_from=month_start(day, 11).isoformat(),
        date_to=month_end(day).isoformat(),
        group_by="month",
    )
    groups = {g["key"]: {f["currency_code"]: f for f in g["figures"]} for g in summary["groups"]}
    assert len(summary["groups"]) == 12 and summary["groups"][-1]["key"] == this_month
    # the API's figures are this business's documents (a fresh entity)
    eur = groups[this_month]["EUR"]
    assert Decimal(eur["issued"]) == Decimal(docs["big"]["total_with_tax"]) + Decimal(docs["small"]["total_with_tax"])
    assert groups[last_month]["EUR"]["overdue"] == docs["old"]["total_due"]

    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", locale=LOCALE)
    expect(frame.get_by_role("heading", name="Übersicht", level=1)).to_be_visible()
    expect(frame.locator("header nav").get_by_role("link").first).to_have_text("Übersicht")

    # this month against the month before, per currency, every figure as the API has it
    for currency in ("EUR", "USD"):
        now, before = groups[this_month].get(currency), groups[last_month].get(currency)
        for metric in ("issued", "paid", "outstanding", "overdue"):
            stat = frame.get_by_test_id(f"stat-{metric}-{currency}")
            expect(stat.get_by_test_id("this-month")).to_have_text(money(now[metric] if now else "0", currency))
            expect(stat.get_by_test_id("last-month")).to_have_text(
                f"Vormonat: {money(before[metric] if before else '0', currency)}"
            )
        expect(frame.get_by_test_id(f"stat-outstanding-{currency}").get_by_test_id("this-month-count")).to_have_text(
            f"Rechnungen: {now['outstanding_count']}"
        )

    # revenue by month: one chart per currency, its twelve months' net amounts (the chart's table)
    for currency in ("EUR", "USD"):
        chart = frame.get_by_test_id(f"revenue-{currency}")
        expect(chart.locator("canvas")).to_be_visible()
        for key, figures in groups.items():
            net = figures[currency]["net"] if currency in figures else "0"
            expect(chart.locator(f"tr[data-month='{key}'] td")).to_have_text(money(net, currency))

    # the largest open invoices (issued or partly paid: not the draft, which is larger) and the overdue ones, in
    # the API's order, each a link to the invoice
    with folio.api(tenant) as client:
        everything = client.get("/v1/invoices", params={"sort": "-total_due", "limit": 5}).json()["data"]
        largest = client.get(
            "/v1/invoices",
            params=[("status", "issued"), ("status", "partially_paid"), ("sort", "-total_due"), ("limit", "5")],
        ).json()["data"]
        overdue = client.get("/v1/invoices", params={"overdue": "true", "limit": 10}).json()["data"]
    assert everything[0]["status"] == "draft"
    assert {i["status"] for i in largest} == {"issued", "partially_paid"}
    assert all(Decimal(i["total_due"]) > 0 for i in largest)
    assert [i["id"] for i in overdue] == [docs["old"]["id"]]
    expect(frame.get_by_role("table", name="Größte offene Rechnungen").locator("tbody tr")).to_have_count(len(largest))
    assert _rows(frame, "Größte offene Rechnungen") == [i["number"] for i in largest]
    due = frame.get_by_role("table", name="Größte offene Rechnungen").locator("tbody tr td.num").all_inner_texts()
    assert due == [money(i["total_due"], i["currency_code"]) for i in largest]
    chase = frame.get_by_role("table", name="Überfällige Rechnungen zum Nachfassen")
    expect(chase.locator("tbody tr")).to_have_count(1)
    expect(chase.locator("tbody tr td.num")).to_have_text(money(docs["old"]["total_due"], "EUR"))
    chase.get_by_role("link", name=docs["old"]["number"]).click()
    expect(frame.get_by_role("heading", name=f"Rechnung {docs['old']['number']}")).to_be_visible()


def test_home_without_documents_says_what_to_do(page: Page, host: Host, folio: Folio, tenant):
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", locale=LOCALE)
    expect(frame.get_by_text(re.compile("Erstellen Sie Ihre erste Rechnung mit „Neue Rechnung“"))).to_be_visible()
    expect(frame.get_by_text(re.compile("^Keine Rechnung ist offen"))).to_be_visible()
    expect(frame.get_by_text(re.compile("^Nichts ist überfällig"))).to_be_visible()
    expect(frame.get_by_role("button", name="Neue Rechnung")).to_be_visible()


def _check_vat(frame: FrameLocator, report: dict) -> None:
    """Every row and total of the VAT report, in the table of its currency."""
    assert report["rows"], report
    for row in report["rows"]:
        table = frame.locator(f"table[data-currency='{row['currency_code']}']")
        key = "|".join([row["tax_treatment"] or "", row["category"] or "", row["rate"], row["buyer_country"] or ""])
        cells = table.locator(f"tr[data-row='{key}'] td")
        expect(cells.nth(3)).to_have_text(str(row["documents"]))
        expect(cells.nth(4)).to_have_text(money(row["net"], row["currency_code"]))
        expect(cells.nth(5)).to_have_text(money(row["tax"], row["currency_code"]))
    for total in report["totals"]:
        cells = frame.locator(f"table[data-currency='{total['currency_code']}'] tfoot td")
        expect(cells).to_have_text(
            [money(total["net"], total["currency_code"]), money(total["tax"], total["currency_code"])]
        )
    expect(frame.locator("table[data-currency]")).to_have_count(len(report["totals"]))


def test_reports_show_the_vat_summary_of_a_period(page: Page, host: Host, folio: Folio, oss_tenant):
    tenant = oss_tenant
    _documents(folio, tenant)
    # a reverse charge for a German business (VIES: the stand-in's valid number) and OSS for a French consumer
    reverse = create_invoice(
        folio,
        tenant,
        customer={"name": "Muster Maschinenbau GmbH", "country": "DE", "tax_number": "DE811569869"},
        items=[{"name": "Beratung", "price": "1000", "kind": "services"}],
    )
    oss = create_invoice(
        folio,
        tenant,
        customer={"name": "Camille Martin", "country": "FR"},
        items=[{"name": "E-Book-Abo", "price": "100", "kind": "digital"}],
    )
    assert (reverse["tax_treatment"]["code"], oss["tax_treatment"]["code"]) == ("reverse_charge", "oss")
    day = today()
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", locale=LOCALE)
    frame.locator("header nav").get_by_role("link", name="Berichte").click()
    expect(frame.get_by_role("heading", name="USt.-Übersicht")).to_be_visible()

    # this month by default
    this_month = _api(
        folio,
        tenant,
        "GET",
        "/v1/reports/vat",
        date_from=month_start(day).isoformat(),
        date_to=month_end(day).isoformat(),
    )
    expect(frame.get_by_role("button", name="Dieser Monat")).to_have_attribute("aria-pressed", "true")
    _check_vat(frame, this_month)
    treatments = {(r["tax_treatment"], r["buyer_country"]) for r in this_month["rows"]}
    assert {("reverse_charge", None), ("oss", "FR")} <= treatments, treatments
    # the OSS row names its buyer country in German, under its treatment's heading
    eur = frame.locator("table[data-currency='EUR']")
    expect(eur.locator("tbody[data-treatment='oss'] th")).to_have_text("OSS: Umsatzsteuer des Bestimmungslandes")
    expect(eur.locator("tbody[data-treatment='oss'] tr[data-row^='oss|'] td").nth(2)).to_have_text("Frankreich")
    # the period in the locale's date format (as the browser's Intl writes it for German)
    written = page.evaluate(
        """([a, b]) => [a, b].map((d) => new Intl.DateTimeFormat("de", {dateStyle: "medium", timeZone: "UTC"})
            .format(new Date(d + "T00:00:00Z"))).join(" – ")""",
        [month_start(day).isoformat(), month_end(day).isoformat()],
    )
    expect(frame.get_by_test_id("report-period")).to_have_text(written)

    # last month: the overdue invoice's 19 % only
    frame.get_by_role("button", name="Letzter Monat").click()
    last = month_start(day, 1)
    last_month = _api(
        folio, tenant, "GET", "/v1/reports/vat", date_from=last.isoformat(), date_to=month_end(last).isoformat()
    )
    _check_vat(frame, last_month)
    assert {(r["currency_code"], r["rate"]) for r in last_month["rows"]} == {("EUR", "19")}

    # a period that ends before it starts: the API's 422 is shown at the field it names
    form = frame.get_by_role("form", name="Zeitraum")
    form.get_by_role("textbox", name="Von Datum").fill("31.12.2026")
    form.get_by_role("textbox", name="Bis Datum").fill("01.01.2026")
    form.get_by_role("button", name="Anzeigen").click()
    with folio.api(tenant) as client:
        refused = client.get("/v1/reports/vat", params={"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert refused.status_code == 422
    messages = [e["message"] for e in refused.json()["errors"] if e["field"] == "date_from"]
    assert messages, refused.json()
    expect(
        frame.locator(".date-field").filter(has=frame.get_by_role("textbox", name="Von Datum")).get_by_role("alert")
    ).to_have_text("; ".join(messages))

    # printable: the print stylesheet hides the navigation and the form, and keeps the table
    frame.get_by_role("button", name="Dieses Jahr").click()
    page.emulate_media(media="print")
    expect(frame.locator("header nav")).to_be_hidden()
    expect(frame.get_by_role("form", name="Zeitraum")).to_be_hidden()
    expect(frame.locator("table[data-currency='EUR']")).to_be_visible()


def test_an_export_runs_to_done_and_downloads(page: Page, host: Host, folio: Folio, tenant):
    docs = _documents(folio, tenant)
    day = today()
    frame = open_dashboard(page, host, entity=tenant, user=f"{tenant}-admin", locale=LOCALE)
    frame.locator("header nav").get_by_role("link", name="Exporte").click()
    expect(frame.get_by_role("heading", name="Exporte", level=1)).to_be_visible()
    expect(frame.get_by_text(re.compile("^Noch keine Exporte"))).to_be_visible()

    form = frame.get_by_role("form", name="Neuer Export")
    form.get_by_label("Inhalt").select_option(label="Rechnungen und Gutschriften")
    form.get_by_label("Format").select_option(label="CSV-Datei")
    form.get_by_role("textbox", name="Von Datum").fill(month_start(day).isoformat())
    form.get_by_role("textbox", name="Bis Datum").fill(month_end(day).isoformat())
    form.get_by_role("button", name="Export starten").click()

    # the job the API has, in the list; followed until done
    row = frame.locator("tr[data-export]").first
    expect(row).to_have_attribute("data-status", "done", timeout=60_000)
    [job] = _api(folio, tenant, "GET", "/v1/exports")["data"]
    assert job["status"] == "done" and job["type"] == "documents" and job["format"] == "csv"
    assert job["filters"]["date_from"] == month_start(day).isoformat()
    expect(row).to_have_attribute("data-export", job["id"])
    expect(row).to_contain_text("Fertig")

    with page.expect_download() as download:
        row.get_by_role("button", name=f"{job['file']['name']} herunterladen").click()
    assert download.value.suggested_filename == job["file"]["name"]
    content = Path(download.value.path()).read_bytes()
    assert len(content) == job["file"]["size"]
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    # this month's documents: three invoices and the credit note, none from last month
    numbers = {r["number"] for r in rows}
    assert numbers == {docs[k]["number"] for k in ("big", "small", "usd", "note")}, rows
