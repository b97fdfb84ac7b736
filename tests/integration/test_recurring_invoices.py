"""Recurring invoices over HTTP on SQLite and PostgreSQL (the ``server`` fixture, whose own scheduler is off):
the scheduler is run here with an explicit "now" (:meth:`Scheduler.run_due`, the job its lifespan runs), so
time moves without waiting."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from folio.server import create_server_app
from invoicing.db import Database
from invoicing.recurring.scheduler import RunResult, Scheduler
from tests.conftest import running, server_settings
from tests.integration.conftest import assert_problem

CUSTOMER = {"name": "Buyer Ltd", "email": "buyer@example.com", "country": "SI"}
LINE = {"name": "Monthly subscription", "quantity": 1, "price": "99.00", "taxes": [{"rate": 22}]}
SCHEDULE = {"frequency": "monthly", "interval": 1, "start_date": "2026-01-31", "timezone": "Europe/Ljubljana"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(server, now: datetime, *, retry_seconds: float | None = None) -> RunResult:
    """One scheduler tick at ``now``, as the lifespan's periodic job runs it."""

    async def go():
        db = Database(server.database_url)
        try:
            settings = server.settings
            if retry_seconds is not None:
                import copy

                settings = copy.deepcopy(settings)
                settings.recurring.retry_seconds = retry_seconds
            return await Scheduler(db, settings).run_due(now)
        finally:
            await db.dispose()

    return asyncio.run(go())


def create(api, **body) -> dict:
    payload = {"template": {"customer": CUSTOMER, "items": [LINE]}, "schedule": SCHEDULE, "action": "issue", **body}
    r = api.post("/v1/recurring-invoices", json=payload)
    assert r.status_code == 201, r.text
    return r.json()


def ours(made: list[str], api, recurring_id: str) -> list[str]:
    """The invoices of ``made`` that ``recurring_id`` made (the scheduler runs every entity's schedules)."""
    mine = {i["id"] for i in invoices_of(api, recurring_id)}
    return [i for i in made if i in mine]


def invoices_of(api, recurring_id: str) -> list[dict]:
    r = api.get("/v1/invoices", params={"recurring_invoice_id": recurring_id, "limit": 100})
    assert r.status_code == 200, r.text
    return sorted(r.json()["data"], key=lambda i: i["period_start"])


def test_create_answers_the_schedule_and_its_next_runs(server, tenant):
    rec = create(tenant.api, metadata={"plan": "pro"})
    assert rec["id"].startswith("rin_") and rec["status"] == "active" and rec["action"] == "issue"
    assert rec["next_period_start"] == "2026-01-31" and rec["next_period_end"] == "2026-02-27"
    assert rec["next_run_at"].startswith("2026-01-30T23:00:00")  # 00:00 in Ljubljana (CET)
    assert rec["upcoming"] == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    assert rec["customer_name"] == "Buyer Ltd" and rec["last_invoice_id"] is None and rec["failure"] is None
    assert tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()["id"] == rec["id"]
    listed = tenant.api.get("/v1/recurring-invoices", params={"metadata[plan]": "pro"}).json()["data"]
    assert [r["id"] for r in listed] == [rec["id"]]
    assert tenant.api.get("/v1/recurring-invoices", params={"status": "paused"}).json()["data"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schedule": {**SCHEDULE, "day_of_month": 0}}, "schedule.day_of_month"),
        ({"schedule": {**SCHEDULE, "day_of_month": 32}}, "schedule.day_of_month"),
        ({"schedule": {**SCHEDULE, "timezone": "Mars/Olympus"}}, "schedule.timezone"),
        ({"schedule": {**SCHEDULE, "interval": 0}}, "schedule.interval"),
        ({"schedule": {**SCHEDULE, "end_date": "2025-01-01"}}, "schedule.end_date"),
        ({"schedule": {**SCHEDULE, "start_date": "9999-12-31"}}, "schedule.start_date"),
        ({"schedule": {**SCHEDULE, "frequency": "weekly", "day_of_month": 5}}, "schedule.day_of_month"),
        ({"template": {"customer": CUSTOMER, "items": [{**LINE, "quantity": "x"}]}}, "template.items[0].quantity"),
        (
            {"template": {"customer": CUSTOMER, "items": [{"item_id": "itm_nope", "quantity": 1}]}},
            "template.items[0].item_id",
        ),
        ({"template": {"customer_id": "cus_nope", "items": [LINE]}}, "template.customer_id"),
        ({"template": {"customer": CUSTOMER, "items": [LINE], "date": "2026-01-01"}}, "template.date"),
        ({"action": "email"}, "action"),
    ],
)
def test_bad_input_names_the_field(server, tenant, change, field):
    payload = {"template": {"customer": CUSTOMER, "items": [LINE]}, "schedule": SCHEDULE, **change}
    body = assert_problem(tenant.api.post("/v1/recurring-invoices", json=payload), 422)
    assert field in [e["field"] for e in body["errors"]], body


def test_catch_up_makes_one_invoice_per_period_in_order_and_never_doubles(server, tenant):
    rec = create(tenant.api)
    run(server, at("2026-01-30T22:59:59"))  # before 00:00 local on 31 January
    assert invoices_of(tenant.api, rec["id"]) == []
    made = ours(run(server, at("2026-04-15T12:00:00")).invoices, tenant.api, rec["id"])  # January to March
    assert len(made) == 3
    invoices = invoices_of(tenant.api, rec["id"])
    assert [(i["period_start"], i["period_end"], i["date"]) for i in invoices] == [
        ("2026-01-31", "2026-02-27", "2026-01-31"),
        ("2026-02-28", "2026-03-30", "2026-02-28"),
        ("2026-03-31", "2026-04-29", "2026-03-31"),
    ]
    assert [i["id"] for i in invoices] == made  # made in order
    numbers = [i["number"] for i in invoices]
    assert numbers == sorted(numbers) and all(i["status"] == "issued" for i in invoices)
    assert all(i["recurring_invoice_id"] == rec["id"] for i in invoices)
    run(server, at("2026-04-15T12:00:00"))  # the same now again: nothing more
    assert len(invoices_of(tenant.api, rec["id"])) == 3
    got = tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()
    assert got["last_invoice_id"] == made[-1] and got["next_period_start"] == "2026-04-30"
    assert got["next_run_at"].startswith("2026-04-29T22:00:00")  # CEST
    events = tenant.api.get("/v1/events", params={"type": "recurring_invoice.run", "limit": 100}).json()["data"]
    runs = [e for e in events if e["data"]["object"]["id"] == rec["id"]]
    assert len(runs) == 3 and {e["data"]["object"]["last_invoice_id"] for e in runs} == set(made)


def test_pause_skips_its_periods_and_resume_goes_on(server, tenant):
    rec = create(tenant.api, schedule={**SCHEDULE, "start_date": "2026-01-01", "day_of_month": 1})
    run(server, at("2026-01-15T00:00:00"))
    r = tenant.api.post(f"/v1/recurring-invoices/{rec['id']}/pause")
    assert r.status_code == 200 and r.json()["status"] == "paused"
    run(server, at("2026-03-15T00:00:00"))
    resumed = tenant.api.post(f"/v1/recurring-invoices/{rec['id']}/resume").json()
    assert resumed["status"] == "active"
    # resumed now (December 2026): the periods of February to December passed while paused and are skipped
    assert resumed["next_period_start"] > date.today().replace(day=1).isoformat()
    assert_problem(tenant.api.post(f"/v1/recurring-invoices/{rec['id']}/resume"), 409)
    assert [i["period_start"] for i in invoices_of(tenant.api, rec["id"])] == ["2026-01-01"]


def test_end_date_ends_the_schedule(server, tenant):
    schedule = {**SCHEDULE, "frequency": "weekly", "start_date": "2026-03-02", "end_date": "2026-03-20"}
    rec = create(tenant.api, schedule=schedule)
    assert rec["upcoming"] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    run(server, at("2026-05-01T00:00:00"))
    invoices = invoices_of(tenant.api, rec["id"])
    assert len(invoices) == 3
    assert invoices[-1]["period_start"] == "2026-03-16" and invoices[-1]["period_end"] == "2026-03-20"
    got = tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()
    assert got["status"] == "ended" and got["next_run_at"] is None and got["upcoming"] == []


def test_a_failed_run_is_recorded_retried_and_then_succeeds(server, tenant):
    customer = tenant.api.post("/v1/customers", json={"name": "No Mail d.o.o.", "country": "SI"}).json()
    rec = create(
        tenant.api,
        template={"customer_id": customer["id"], "items": [LINE]},
        schedule={**SCHEDULE, "start_date": "2026-02-01", "day_of_month": 1},
        action="issue_and_send",
    )
    result = run(server, at("2026-02-10T00:00:00"), retry_seconds=3600)
    assert rec["id"] in result.failed
    got = tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()
    assert got["failure"]["code"] == "invalid" and "e-mail" in got["failure"]["message"]
    assert got["failure"]["attempts"] == 1 and got["failure"]["period_start"] == "2026-02-01"
    assert got["failure"]["retry_at"].startswith("2026-02-10T01:00:00")
    assert got["next_period_start"] == "2026-02-01" and invoices_of(tenant.api, rec["id"]) == []  # nothing issued
    assert rec["id"] not in run(server, at("2026-02-10T00:30:00"), retry_seconds=3600).failed  # backoff: not yet
    second = run(server, at("2026-02-10T01:00:00"), retry_seconds=3600)
    assert rec["id"] in second.failed
    got = tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()
    assert got["failure"]["attempts"] == 2 and got["failure"]["retry_at"].startswith("2026-02-10T03:00:00")  # doubled
    failed = tenant.api.get("/v1/events", params={"type": "recurring_invoice.failed", "limit": 100}).json()["data"]
    assert len([e for e in failed if e["data"]["object"]["id"] == rec["id"]]) == 2
    audit = tenant.api.get("/v1/audit-log", params={"limit": 100}).json()["data"]
    entry = next(e for e in audit if e["action"] == "recurring_invoice.failed")
    assert entry["actor"]["type"] == "system"

    tenant.api.patch(f"/v1/customers/{customer['id']}", json={"email": "billing@nomail.example"})
    third = run(server, at("2026-02-10T03:00:00"), retry_seconds=3600)
    (made,) = ours(third.invoices, tenant.api, rec["id"])
    assert made in third.sent
    got = tenant.api.get(f"/v1/recurring-invoices/{rec['id']}").json()
    assert got["failure"] is None and got["last_invoice_id"] == made
    emails = tenant.api.get("/v1/emails", params={"document_id": made}).json()["data"]
    assert [e["to"] for e in emails] == [["billing@nomail.example"]]
    run(server, at("2026-02-10T03:00:00"))
    assert len(invoices_of(tenant.api, rec["id"])) == 1


def test_catalogue_prices_apply_from_the_next_period(server, tenant):
    item = tenant.api.post("/v1/items", json={"name": "Hosting", "price": "10.00", "taxes": [{"rate": 22}]}).json()
    rec = create(
        tenant.api,
        template={"customer": CUSTOMER, "items": [{"item_id": item["id"], "quantity": 2}]},
        schedule={**SCHEDULE, "start_date": "2026-01-01", "day_of_month": 1},
    )
    run(server, at("2026-01-10T00:00:00"))
    assert tenant.api.patch(f"/v1/items/{item['id']}", json={"price": "12.50"}).status_code == 200
    run(server, at("2026-02-10T00:00:00"))
    invoices = invoices_of(tenant.api, rec["id"])
    assert [i["total"] for i in invoices] == ["20.00", "25.00"]


def test_draft_action_and_delete(server, tenant):
    rec = create(tenant.api, action="draft", schedule={**SCHEDULE, "start_date": "2026-01-01"})
    run(server, at("2026-01-10T00:00:00"))
    (draft,) = invoices_of(tenant.api, rec["id"])
    assert draft["status"] == "draft" and draft["number"] is None and draft["date"] == "2026-01-01"
    assert tenant.api.delete(f"/v1/recurring-invoices/{rec['id']}").status_code == 204
    assert_problem(tenant.api.get(f"/v1/recurring-invoices/{rec['id']}"), 404)
    assert tenant.api.get(f"/v1/invoices/{draft['id']}").status_code == 200  # its invoices stay


def test_a_later_dated_invoice_dates_the_catch_up_after_it(server, tenant):
    later = tenant.api.post("/v1/invoices", json={"customer": CUSTOMER, "items": [LINE], "date": "2026-03-10"})
    assert later.status_code == 201, later.text
    rec = create(tenant.api, schedule={**SCHEDULE, "start_date": "2026-03-01", "day_of_month": 1})
    run(server, at("2026-04-15T00:00:00"))
    invoices = invoices_of(tenant.api, rec["id"])
    dated = [(i["period_start"], i["date"]) for i in invoices]
    assert dated == [("2026-03-01", "2026-03-10"), ("2026-04-01", "2026-04-01")]


def test_a_viewer_reads_but_cannot_write(server, tenant, embed):
    rec = create(tenant.api)
    viewer = embed.dashboard(embed.session("viewer"))
    assert viewer.get(f"/recurring-invoices/{rec['id']}").status_code == 200
    assert_problem(viewer.post(f"/recurring-invoices/{rec['id']}/pause"), 403)
    payload = {"template": {"customer": CUSTOMER, "items": [LINE]}, "schedule": SCHEDULE}
    assert_problem(viewer.post("/recurring-invoices", json=payload), 403)


def test_concurrent_schedulers_make_one_invoice_per_period(server, tenant):
    recs = [create(tenant.api, schedule={**SCHEDULE, "start_date": "2026-01-01", "day_of_month": 1}) for _ in range(3)]
    now = at("2026-06-15T00:00:00")
    results: list[RunResult] = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        results.append(run(server, now))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [i for r in results for i in r.invoices]
    assert len(made) == len(set(made))
    assert sum(len(ours(made, tenant.api, rec["id"])) for rec in recs) == 18  # 3 schedules × January to June
    for rec in recs:
        periods = [i["period_start"] for i in invoices_of(tenant.api, rec["id"])]
        assert periods == [f"2026-{m:02d}-01" for m in range(1, 7)]
    numbers = sorted(
        int(i["number"].rsplit("-", 1)[-1])
        for i in tenant.api.get("/v1/invoices", params={"limit": 100}).json()["data"]
    )
    assert numbers == list(range(1, len(numbers) + 1))  # gapless


def test_every_server_process_runs_the_scheduler(server, tenant):
    """The lifespan's job (``FOLIO_RECURRING_SECONDS``) catches up at start, at the real time."""
    start = date.today() - timedelta(days=8)
    rec = create(tenant.api, schedule={"frequency": "weekly", "start_date": start.isoformat(), "timezone": "UTC"})
    settings = server_settings(server)
    settings.recurring.seconds = 3600  # runs once when the process starts, then hourly
    with running(create_server_app, settings):
        for _ in range(5000):  # each ask is a round trip while the job works in the other server
            if len(invoices_of(tenant.api, rec["id"])) == 2:
                break
    periods = [i["period_start"] for i in invoices_of(tenant.api, rec["id"])]
    assert periods == [start.isoformat(), (start + timedelta(days=7)).isoformat()]
