"""Exports: every type and format with the cells checked, formula neutralisation, account-level and
entity-level scope, progress, the file's 409/410, a job left running by a dead worker, bad input and
permissions. Each test runs on SQLite and PostgreSQL (the ``server`` fixture); the server's own export
worker makes the files."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import zipfile
from datetime import UTC, date, datetime, timedelta

import openpyxl
from sqlalchemy import func, select, update

from invoicing.core.ids import new_id
from invoicing.db import Database
from invoicing.db.models import Export, ExportChunk
from invoicing.exports.worker import purge_exports
from tests.integration.conftest import INVOICE, assert_problem, make_entity
from tests.integration.pdf_helpers import pdf_text

TODAY = date.today()
YEAR_START = date(TODAY.year, 1, 1)


def _db(server, fn):
    async def run():
        db = Database(server.database_url)
        try:
            return await fn(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


def _invoice(api, **extra) -> dict:
    r = api.post("/v1/invoices", json={**INVOICE, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _finished(client, export_id: str, base: str = "/v1") -> dict:
    """Ask until the worker finished the export (each ask is a round trip; the worker was woken)."""
    for _ in range(1200):
        body = client.get(f"{base}/exports/{export_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"export {export_id} is still {body['status']}: {body}")


def _export(client, base: str = "/v1", **body) -> tuple[dict, bytes, dict]:
    """Ask for an export (``base``: ``/v1``, or ``""`` through the dashboard's proxy), wait, fetch the file."""
    r = client.post(f"{base}/exports", json=body)
    assert r.status_code == 202, r.text
    created = r.json()
    assert created["id"].startswith("exp_") and created["object"] == "export"
    assert created["status"] in ("queued", "running", "done")
    done = _finished(client, created["id"], base)
    assert done["status"] == "done", done
    f = client.get(f"{base}/exports/{created['id']}/file")
    assert f.status_code == 200, f.text
    assert f.headers["content-type"].startswith(done["file"]["content_type"].split(";")[0])
    assert f'attachment; filename="{done["file"]["name"]}"' in f.headers["content-disposition"]
    assert len(f.content) == done["file"]["size"]
    return done, f.content, dict(f.headers)


def _csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_documents_as_csv_rows_cells_and_formula_neutralised(server, tenant):
    api = tenant.api
    a = _invoice(
        api,
        customer={"name": '=HYPERLINK("http://evil")', "country": "SI", "tax_number": "SI50223054"},
        metadata={"order": "42"},
    )
    b = _invoice(api, customer={"name": "+Plain Buyer", "country": "DE"})
    api.post("/v1/payments", json={"invoice_id": b["id"], "amount": "20.78"}).raise_for_status()
    _invoice(api, is_draft=True)  # drafts only when asked for

    done, content, _ = _export(api, type="documents", format="csv")
    assert done["entity_id"] == tenant.entity_id
    assert done["filters"] == {
        "date_from": YEAR_START.isoformat(),
        "date_to": TODAY.isoformat(),
        "status": None,
        "entity_ids": None,
        "metadata": {},
    }
    assert done["progress"] == {"done": 2, "total": 2}
    assert done["file"]["name"] == f"documents-{YEAR_START.isoformat()}-{TODAY.isoformat()}.csv"
    assert done["file"]["content_type"] == "text/csv; charset=utf-8"
    rows = _csv(content)
    assert list(rows[0]) == [
        "entity_id", "entity_name", "id", "type", "number", "status", "date", "date_due", "customer_name",
        "customer_tax_number", "customer_country", "currency_code", "total", "total_tax", "total_with_tax",
        "total_paid", "total_credited", "total_refunded", "total_due", "invoice_number",
    ]  # fmt: skip
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {a["id"], b["id"]}
    first, second = by_id[a["id"]], by_id[b["id"]]
    entity_name = api.get(f"/v1/entities/{tenant.entity_id}").json()["name"]
    assert first["entity_id"] == tenant.entity_id and first["entity_name"] == entity_name
    assert first["number"] == a["number"] and first["type"] == "invoice" and first["status"] == "issued"
    assert first["date"] == a["date"] and first["date_due"] == (a["date_due"] or "")
    assert first["customer_name"] == '\'=HYPERLINK("http://evil")'
    assert first["customer_tax_number"] == "SI50223054" and first["customer_country"] == "SI"
    assert (first["currency_code"], first["total"], first["total_tax"], first["total_with_tax"]) == (
        "EUR", "99.00", "21.78", "120.78",
    )  # fmt: skip
    assert first["total_due"] == "120.78" and first["total_paid"] == "0.00"
    assert second["customer_name"] == "'+Plain Buyer"
    assert (second["status"], second["total_paid"], second["total_due"]) == ("partially_paid", "20.78", "100.00")

    # metadata and status filters
    _, content, _ = _export(api, type="documents", format="csv", filters={"metadata": {"order": "42"}})
    assert [r["id"] for r in _csv(content)] == [a["id"]]
    _, content, _ = _export(api, type="documents", format="csv", filters={"status": "draft"})
    assert [r["status"] for r in _csv(content)] == ["draft"]


def test_lines_as_xlsx_numbers_dates_formats_and_a_frozen_header(server, tenant):
    api = tenant.api
    inv = _invoice(
        api,
        items=[
            {"name": "@SUM(A1:A9)", "quantity": 2, "price": "10.50", "taxes": [{"rate": 22}]},
            {"name": "Support", "description": "-1 day", "quantity": "1.5", "unit": "h", "price": "40.00"},
        ],
    )
    done, content, _ = _export(api, type="lines", format="xlsx")
    assert done["progress"] == {"done": 2, "total": 2}
    assert done["file"]["name"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[:9] == [
        "entity_id", "entity_name", "document_id", "document_type", "document_number", "document_date",
        "document_status", "currency_code", "line",
    ]  # fmt: skip
    cells = [{h: c for h, c in zip(header, row, strict=True)} for row in rows[1:]]
    assert len(cells) == 2
    one, two = cells
    assert one["document_id"].value == inv["id"] and one["document_number"].value == inv["number"]
    assert one["line"].value == 1 and two["line"].value == 2
    assert one["name"].value == "'@SUM(A1:A9)"
    assert two["description"].value == "'-1 day"
    assert one["quantity"].value == 2 and two["quantity"].value == 1.5 and two["unit"].value == "h"
    assert one["price"].value == 10.5 and one["tax_rates"].value == "22"
    assert one["total"].value == 21 and isinstance(one["total"].value, (int, float))
    assert '"EUR"' in one["total"].number_format and "0.00" in one["total"].number_format
    assert one["total_with_tax"].value == 25.62
    assert isinstance(one["document_date"].value, datetime)
    assert one["document_date"].value.date().isoformat() == inv["date"]
    assert one["document_date"].number_format == "yyyy-mm-dd"


def test_payments_and_refunds_csv_and_xlsx_negative_amounts_stay_numbers(server, tenant):
    api = tenant.api
    inv = _invoice(api)
    pay = api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "120.78", "reference": "=cmd"}).json()
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    refund = api.post("/v1/refunds", json={"credit_note_id": cn["id"], "amount": "20.78", "note": "-back"}).json()

    done, content, _ = _export(api, type="payments", format="csv")
    assert done["progress"] == {"done": 2, "total": 2}
    rows = _csv(content)
    assert list(rows[0]) == [
        "entity_id", "entity_name", "kind", "id", "date", "amount", "currency_code", "method", "reference",
        "invoice_id", "invoice_number", "credit_note_id", "note",
    ]  # fmt: skip
    p, r = rows
    assert (p["kind"], p["id"], p["amount"], p["reference"], p["invoice_number"]) == (
        "payment", pay["id"], "120.78", "'=cmd", inv["number"],
    )  # fmt: skip
    assert p["date"] == pay["date"] and p["credit_note_id"] == "" and p["method"] == pay["type"]
    assert (r["kind"], r["id"], r["amount"], r["credit_note_id"], r["note"]) == (
        "refund", refund["id"], "-20.78", cn["id"], "'-back",
    )  # fmt: skip

    _, content, _ = _export(api, type="payments", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[5] for v in values] == [120.78, -20.78]
    assert values[1][12] == "'-back"


def test_documents_pdf_zip_of_kept_and_newly_rendered_pdfs(server, tenant):
    api = tenant.api
    kept = _invoice(api)
    kept_pdf = api.get(f"/v1/invoices/{kept['id']}/pdf", params={"original": "true"})
    assert kept_pdf.status_code == 200
    fresh = _invoice(api, customer={"name": "Fresh Buyer", "country": "SI"})
    done, content, _ = _export(api, type="documents", format="pdf_zip")
    assert done["progress"] == {"done": 2, "total": 2}
    assert done["file"]["content_type"] == "application/zip" and done["file"]["name"].endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = sorted(z.namelist())
        assert names == sorted(f"invoice-{d['number']}.pdf" for d in (kept, fresh))
        assert z.read(f"invoice-{kept['number']}.pdf") == kept_pdf.content
        text = pdf_text(z.read(f"invoice-{fresh['number']}.pdf"))
    assert fresh["number"] in text and "Fresh Buyer" in text
    # rendered for the zip, so now kept: the original served is those bytes
    again = api.get(f"/v1/invoices/{fresh['id']}/pdf", params={"original": "true"}).content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.read(f"invoice-{fresh['number']}.pdf") == again


def test_an_account_key_exports_every_entity_and_an_entity_credential_its_own(server, tenant):
    other = make_entity(tenant.account, name="Other Seller GmbH", country="DE")
    mine = _invoice(tenant.api)
    theirs = _invoice(server.client(tenant.sandbox_key, other["id"]))

    done, content, _ = _export(tenant.account, type="documents", format="csv")
    assert done["entity_id"] is None
    rows = {r["id"]: r for r in _csv(content)}
    assert {mine["id"], theirs["id"]} <= set(rows)
    assert (rows[theirs["id"]]["entity_id"], rows[theirs["id"]]["entity_name"]) == (other["id"], "Other Seller GmbH")
    assert rows[mine["id"]]["entity_id"] == tenant.entity_id

    done, content, _ = _export(
        tenant.account, type="documents", format="csv", filters={"entity_ids": [other["id"], other["id"]]}
    )
    assert done["filters"]["entity_ids"] == [other["id"]]
    assert [r["id"] for r in _csv(content)] == [theirs["id"]]

    # an account-level zip puts each entity's PDFs in a folder of its own
    _, content, _ = _export(tenant.account, type="documents", format="pdf_zip", filters={"entity_ids": [other["id"]]})
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.namelist() == [f"{other['id']}/invoice-{theirs['number']}.pdf"]

    key = tenant.account.post(f"/v1/entities/{other['id']}/api-keys", json={}).json()["key"]
    entity_client = server.client(key)
    done, content, _ = _export(entity_client, type="documents", format="csv")
    assert done["entity_id"] == other["id"]
    assert [r["id"] for r in _csv(content)] == [theirs["id"]]
    assert_problem(
        entity_client.post("/v1/exports", json={"type": "documents", "filters": {"entity_ids": [other["id"]]}}), 422
    )
    # the entity key sees its entity's exports only; the account key all of them
    listed = {e["id"] for e in entity_client.get("/v1/exports", params={"limit": 100}).json()["data"]}
    assert listed == {done["id"]}
    assert done["id"] in {e["id"] for e in tenant.account.get("/v1/exports", params={"limit": 100}).json()["data"]}

    # another account's entity is refused, naming the field
    stranger = make_entity(server.client(_other_account_key(server)))
    body = assert_problem(
        tenant.account.post("/v1/exports", json={"type": "documents", "filters": {"entity_ids": [stranger["id"]]}}),
        422,
    )
    assert body["errors"][0]["field"] == "filters.entity_ids"
    r = entity_client.get(f"/v1/exports/{_export_ids(tenant.account)[-1]}")
    assert r.status_code == 404

    # exports are in the events (the audit trail): created and completed
    events = tenant.account.get("/v1/events", params={"type": "export.*", "limit": 100}).json()["data"]
    mine_events = [e["type"] for e in events if e["data"]["object"]["id"] == done["id"]]
    assert sorted(mine_events) == ["export.completed", "export.created"]
    completed = next(e for e in events if e["type"] == "export.completed" and e["data"]["object"]["id"] == done["id"])
    assert completed["entity_id"] == other["id"] and completed["data"]["object"]["status"] == "done"


def _other_account_key(server) -> str:
    from tests.integration.conftest import make_account

    return make_account(server, "Stranger")[1]["sandbox"]


def _export_ids(client) -> list[str]:
    """The account's exports, newest first."""
    return [e["id"] for e in client.get("/v1/exports", params={"limit": 100}).json()["data"]]


def test_a_viewer_session_exports_its_entity(server, tenant, embed):
    _invoice(tenant.api)
    viewer = embed.dashboard(embed.session("viewer"))
    done, content, _ = _export(viewer, "", type="documents", format="csv")
    assert done["entity_id"] == tenant.entity_id
    assert {r["entity_id"] for r in _csv(content)} == {tenant.entity_id}
    listed = viewer.get("/exports").json()["data"]
    assert [e["id"] for e in listed] == [done["id"]]


def test_bad_input_is_a_422_naming_the_field(server, tenant):
    api = tenant.api
    cases = [
        ({"type": "receipts"}, "type"),
        ({"type": "documents", "format": "pdf"}, "format"),
        ({"type": "lines", "format": "pdf_zip"}, "format"),
        ({"type": "payments", "format": "pdf_zip"}, "format"),
        ({"type": "documents", "filters": {"date_from": "2026-05-02", "date_to": "2026-05-01"}}, "filters.date_from"),
        ({"type": "documents", "filters": {"date_from": "2020-01-01", "date_to": "2025-01-01"}}, "filters.date_to"),
        ({"type": "payments", "filters": {"status": "paid"}}, "filters.status"),
        ({"type": "documents", "filters": {"status": "lost"}}, "filters.status"),
        ({"type": "documents", "filters": {"date_from": "yesterday"}}, "filters.date_from"),
        ({"type": "documents", "filters": {"colour": "red"}}, "filters.colour"),
        ({"type": "documents", "filters": {"metadata": {"bad key!": "x"}}}, "filters.metadata"),
    ]
    for body, field in cases:
        problem = assert_problem(api.post("/v1/exports", json=body), 422)
        assert problem["errors"][0]["field"] == field, (body, problem)
    # exactly five years less a day is fine
    ok = api.post(
        "/v1/exports", json={"type": "documents", "filters": {"date_from": "2020-01-01", "date_to": "2024-12-31"}}
    )
    assert ok.status_code == 202, ok.text
    assert_problem(api.get("/v1/exports/exp_00000000000000000000000000"), 404)


def _insert_export(server, tenant, **fields) -> str:
    export_id = new_id("export")

    async def run(db: Database) -> None:
        async with db.transaction() as session:
            session.add(
                Export(
                    id=export_id,
                    account_id=tenant.account_id,
                    environment="sandbox",
                    entity_id=tenant.entity_id,
                    type="documents",
                    format="csv",
                    filters={"date_from": YEAR_START.isoformat(), "date_to": TODAY.isoformat(), "metadata": {}},
                    **fields,
                )
            )

    _db(server, run)
    return export_id


def test_the_file_is_409_until_done_and_410_once_purged(server, tenant):
    api = tenant.api
    running = _insert_export(
        server, tenant, status="running", attempts=1, lease_until=datetime.now(UTC) + timedelta(hours=1)
    )
    body = assert_problem(api.get(f"/v1/exports/{running}/file"), 409)
    assert "running" in body["detail"]
    assert api.get(f"/v1/exports/{running}").json()["file"] is None

    _invoice(api)
    done, _, _ = _export(api, type="documents", format="csv")
    expires = datetime.fromisoformat(done["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.fromisoformat(done["finished_at"]) <= timedelta(days=7)

    async def chunks(db: Database) -> int:
        async with db.transaction(write=False) as session:
            q = select(func.count()).select_from(ExportChunk).where(ExportChunk.export_id == done["id"])
            return (await session.execute(q)).scalar_one()

    assert _db(server, chunks) >= 1
    # the purge with a clock moved past the expiry deletes the file
    _db(server, lambda db: purge_exports(db, expires - timedelta(seconds=1)))  # (earlier tests' exports may go)
    assert _db(server, chunks) >= 1
    assert _db(server, lambda db: purge_exports(db, expires + timedelta(seconds=1))) >= 1
    assert _db(server, chunks) == 0

    async def expire(db: Database) -> None:
        async with db.transaction() as session:
            await session.execute(
                update(Export).where(Export.id == done["id"]).values(expires_at=datetime.now(UTC) - timedelta(1))
            )

    _db(server, expire)
    assert_problem(api.get(f"/v1/exports/{done['id']}/file"), 410)
    assert api.get(f"/v1/exports/{done['id']}").json()["file"] is None


def test_an_export_left_running_by_a_dead_worker_is_taken_up_and_finished(server, tenant):
    api = tenant.api
    invoices = [_invoice(api) for _ in range(3)]
    stale = _insert_export(
        server,
        tenant,
        status="running",
        attempts=1,
        progress_done=1,
        progress_total=3,
        started_at=datetime.now(UTC) - timedelta(minutes=10),
        lease_until=datetime.now(UTC) - timedelta(minutes=5),
    )
    done = _finished(api, stale)
    assert done["status"] == "done" and done["progress"] == {"done": 3, "total": 3}
    content = api.get(f"/v1/exports/{stale}/file").content
    assert sorted(r["id"] for r in _csv(content)) == sorted(i["id"] for i in invoices)

    async def attempts(db: Database) -> int:
        async with db.transaction(write=False) as session:
            return (await session.execute(select(Export.attempts).where(Export.id == stale))).scalar_one()

    assert _db(server, attempts) == 2

    # one interrupted too often fails instead of running for ever
    hopeless = _insert_export(
        server, tenant, status="running", attempts=3, lease_until=datetime.now(UTC) - timedelta(minutes=5)
    )
    failed = _finished(api, hopeless)
    assert failed["status"] == "failed" and "interrupted 3 times" in failed["error"]
    assert_problem(api.get(f"/v1/exports/{hopeless}/file"), 409)


def test_without_a_credential_exports_are_401(server):
    assert_problem(server.client().post("/v1/exports", json={"type": "documents"}), 401)
    assert_problem(server.client().get("/v1/exports"), 401)
