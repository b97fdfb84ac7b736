"""Payment reminders: ``settings.reminders``, the job (run here with an explicit "today", so time moves without
waiting), the e-mails it records, never twice per (invoice, day), events and audit, and the invoice's record.

Invoices here fall due in the future, so the server's own job (hourly, at the real today) never reaches them.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from invoicing.db import Database
from invoicing.reminders import ReminderRun, send_reminders
from tests.integration.conftest import INVOICE, assert_problem

DUE = date.today() + timedelta(days=40)


def run_job(server, today: date, *, runs: int = 1) -> list[ReminderRun]:
    """The job at ``today``: ``runs`` of it at once, each with its own database connections (as processes)."""

    async def go() -> list[ReminderRun]:
        dbs = [Database(server.database_url) for _ in range(runs)]
        try:
            return list(await asyncio.gather(*(send_reminders(db, today=today) for db in dbs)))
        finally:
            for db in dbs:
                await db.dispose()

    return asyncio.run(go())


def mine(pairs: list[tuple[str, int]], *invoices: dict) -> list[tuple[str, int]]:
    """The entries of ``invoices`` (the database is shared with other tests' entities)."""
    ids = {inv["id"] for inv in invoices}
    return sorted(pair for pair in pairs if pair[0] in ids)


def enable(tenant, days=(7, 14, 30)) -> dict:
    r = tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"reminders": {"enabled": True, "days_after_due": days}}}
    )
    assert r.status_code == 200, r.text
    return r.json()["settings"]["reminders"]


def invoice(api, **extra) -> dict:
    body = {**INVOICE, "locale": "en", "date": date.today().isoformat(), "date_due": DUE.isoformat(), **extra}
    r = api.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def reminders_of(api, inv: dict) -> list[tuple[int, str]]:
    r = api.get(f"/v1/invoices/{inv['id']}/reminders")
    assert r.status_code == 200, r.text
    return [(x["days_after_due"], x["status"]) for x in r.json()]


def emails_of(api, inv: dict) -> list[dict]:
    return api.get("/v1/emails", params={"document_id": inv["id"]}).json()["data"]


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def test_settings_default_merge_and_are_stored_sorted(server, tenant):
    entity = tenant.account.get(f"/v1/entities/{tenant.entity_id}").json()
    assert entity["settings"]["reminders"] == {"enabled": False, "days_after_due": [7, 14, 30]}
    path = f"/v1/entities/{tenant.entity_id}"
    r = tenant.account.patch(path, json={"settings": {"reminders": {"days_after_due": [30, 3, 10]}}})
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["reminders"] == {"enabled": False, "days_after_due": [3, 10, 30]}
    r = tenant.account.patch(path, json={"settings": {"reminders": {"enabled": True}}})
    assert r.json()["settings"]["reminders"] == {"enabled": True, "days_after_due": [3, 10, 30]}
    assert tenant.account.get(path).json()["settings"]["reminders"]["days_after_due"] == [3, 10, 30]


@pytest.mark.parametrize(
    ("reminders", "field"),
    [
        ({"days_after_due": [0]}, "settings.reminders.days_after_due[0]"),
        ({"days_after_due": [7, 366]}, "settings.reminders.days_after_due[1]"),
        ({"days_after_due": [7, 14, 7]}, "settings.reminders.days_after_due[2]"),
        ({"days_after_due": list(range(1, 12))}, "settings.reminders.days_after_due"),
        ({"days_after_due": ["7"]}, "settings.reminders.days_after_due[0]"),
        ({"days_after_due": 7}, "settings.reminders.days_after_due"),
        ({"enabled": "yes"}, "settings.reminders.enabled"),
        ({"when": "often"}, "settings.reminders.when"),
    ],
)
def test_bad_settings_are_422_naming_the_field(server, tenant, reminders, field):
    r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"reminders": reminders}})
    body = assert_problem(r, 422)
    assert body["errors"][0]["field"] == field, body
    assert tenant.account.get(f"/v1/entities/{tenant.entity_id}").json()["settings"]["reminders"]["enabled"] is False


def test_one_reminder_per_threshold_never_twice(server, tenant):
    api = tenant.api
    enable(tenant)
    inv = invoice(api)
    assert mine(run_job(server, day(6))[0].sent, inv) == []
    assert mine(run_job(server, day(7))[0].sent, inv) == [(inv["id"], 7)]
    assert mine(run_job(server, day(7))[0].sent, inv) == []
    assert mine(run_job(server, day(8))[0].sent, inv) == []
    assert reminders_of(api, inv) == [(7, "sent")]
    assert mine(run_job(server, day(14))[0].sent, inv) == [(inv["id"], 14)]
    assert reminders_of(api, inv) == [(7, "sent"), (14, "sent")]

    mails = emails_of(api, inv)
    assert len(mails) == 2
    first = next(m for m in mails if "7 days" in m["text"])
    assert first["to"] == ["buyer@example.com"] and first["status"] == "captured"
    assert first["subject"] == f"Reminder: invoice {inv['number']} from {tenant_name(tenant)} is overdue"
    assert "€120.78" in first["text"] and inv["number"] in first["text"]
    assert first["attachments"] == [f"invoice-{inv['number']}.pdf"]
    listed = api.get(f"/v1/invoices/{inv['id']}/reminders").json()
    assert {x["email_id"] for x in listed} == {m["id"] for m in mails}
    assert all(x["object"] == "invoice_reminder" and x["invoice_id"] == inv["id"] for x in listed)

    # the events, with the invoice as GET answers it, and the audit log's actor
    events = api.get("/v1/events", params={"type": "invoice.reminder_sent", "limit": 100}).json()["data"]
    assert len(events) == 2
    assert all(e["data"]["object"]["id"] == inv["id"] for e in events)
    assert events[0]["data"]["object"] == api.get(f"/v1/invoices/{inv['id']}").json()
    log = api.get("/v1/audit-log", params={"action": "invoice.reminder_sent"}).json()["data"]
    assert len(log) == 2 and {e["actor"]["type"] for e in log} == {"system"}
    assert {e["actor"]["id"] for e in log} == {"reminders"} and {e["object_id"] for e in log} == {inv["id"]}
    queued = api.get("/v1/audit-log", params={"action": "email.captured"}).json()["data"]
    assert {e["actor"]["id"] for e in queued} == {"reminders"}


def tenant_name(tenant) -> str:
    return tenant.account.get(f"/v1/entities/{tenant.entity_id}").json()["name"]


def test_paid_credited_voided_and_disabled_get_none(server, tenant):
    api = tenant.api
    enable(tenant)
    paid = invoice(api)
    api.post("/v1/payments", json={"invoice_id": paid["id"], "amount": "120.78"}).raise_for_status()
    credited = invoice(api)
    api.post("/v1/credit-notes", json={"invoice_id": credited["id"]}).raise_for_status()
    voided = invoice(api)
    api.post(f"/v1/invoices/{voided['id']}/void", json={"reason": "Wrong buyer"}).raise_for_status()
    draft = invoice(api, is_draft=True)
    assert mine(run_job(server, day(40))[0].sent, paid, credited, voided, draft) == []
    for inv in (paid, credited, voided, draft):
        assert reminders_of(api, inv) == [] and emails_of(api, inv) == []

    open_one = invoice(api)
    r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"reminders": {"enabled": False}}})
    assert r.status_code == 200, r.text
    assert mine(run_job(server, day(40))[0].sent, open_one) == []
    assert reminders_of(api, open_one) == []


def test_a_partially_paid_invoice_is_reminded_of_what_is_left(server, tenant):
    api = tenant.api
    enable(tenant)
    inv = invoice(api)
    api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "20.78"}).raise_for_status()
    assert mine(run_job(server, day(7))[0].sent, inv) == [(inv["id"], 7)]
    (mail,) = emails_of(api, inv)
    assert "€100.00" in mail["text"] and "€120.78" not in mail["text"]
    # paid in full afterwards: no more reminders
    api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "100.00"}).raise_for_status()
    assert mine(run_job(server, day(30))[0].sent, inv) == []
    assert reminders_of(api, inv) == [(7, "sent")]


def test_the_invoice_language(server, tenant):
    api = tenant.api
    enable(tenant)
    inv = invoice(api, locale="de")
    run_job(server, day(14))
    (mail,) = emails_of(api, inv)
    assert mail["subject"] == f"Zahlungserinnerung: Rechnung {inv['number']} von {tenant_name(tenant)} ist überfällig"
    assert "120,78\xa0€" in mail["text"] and "seit 14 Tagen" in mail["text"]
    assert DUE.strftime("%d.%m.%Y") in mail["text"]


def test_after_downtime_only_the_latest_threshold_is_sent(server, tenant):
    api = tenant.api
    enable(tenant)
    inv = invoice(api)
    assert mine(run_job(server, day(31))[0].sent, inv) == [(inv["id"], 30)]
    assert reminders_of(api, inv) == [(7, "passed"), (14, "passed"), (30, "sent")]
    (mail,) = emails_of(api, inv)
    assert "31 days overdue" in mail["text"]
    assert mine(run_job(server, day(60))[0].sent, inv) == []


def test_no_address_is_recorded_as_skipped(server, tenant):
    api = tenant.api
    enable(tenant)
    inv = invoice(api, customer={"name": "No Mail Ltd", "country": "SI"})
    result = run_job(server, day(7))[0]
    assert mine(result.sent, inv) == [] and mine(result.skipped, inv) == [(inv["id"], 7)]
    assert result.failed == []
    assert reminders_of(api, inv) == [(7, "skipped")]
    assert emails_of(api, inv) == []
    assert mine(run_job(server, day(7))[0].skipped, inv) == []


def test_concurrent_jobs_send_one_email_per_invoice_and_day(server, tenant):
    if server.engine != "postgresql":
        pytest.skip("SQLite serialises writers in one process; concurrency is PostgreSQL's case")
    api = tenant.api
    enable(tenant)
    invoices = [invoice(api) for _ in range(4)]
    results = run_job(server, day(7), runs=3)
    sent = mine([s for r in results for s in r.sent], *invoices)
    assert sent == sorted((inv["id"], 7) for inv in invoices)
    assert all(r.failed == [] for r in results)
    for inv in invoices:
        assert len(emails_of(api, inv)) == 1
        assert reminders_of(api, inv) == [(7, "sent")]
    events = api.get("/v1/events", params={"type": "invoice.reminder_sent", "limit": 100}).json()["data"]
    assert len(events) == 4
