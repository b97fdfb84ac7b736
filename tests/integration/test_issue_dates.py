"""Issue dates (issue 10, points 2 and 5): the date of supply defaults to the issue date; within a number
sequence issue dates never go backwards (409 naming the last issued number and date, unless the entity
allows it); no document is dated further in the future than one day (422 ``date``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
import pytest
import time_machine
from alembic import command

from folio.server import create_server_app
from invoicing.db.migrate import alembic_config, upgrade
from tests.conftest import drop_postgres_database, postgres_database, running, server_settings
from tests.integration.conftest import INVOICE, assert_problem, make_account, make_entity

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def today():
    """The server and the test share the process: every request below runs on 3 December 2026."""
    with time_machine.travel(NOW, tick=False):
        yield NOW.date()


def _issue(tenant, **extra) -> httpx.Response:
    return tenant.api.post("/v1/invoices", json={**INVOICE, **extra})


def test_the_date_of_supply_defaults_to_the_issue_date(tenant, today):
    inv = _issue(tenant, date="2026-12-01").json()
    assert inv["date"] == "2026-12-01" and inv["date_service"] == "2026-12-01"
    given = _issue(tenant, date="2026-12-02", date_service="2026-11-15").json()
    assert given["date_service"] == "2026-11-15"
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json()["date_service"] == "2026-12-01"


def test_a_draft_keeps_the_date_of_supply_editable_and_takes_the_issue_date_when_finalized(tenant, today):
    draft = _issue(tenant, is_draft=True, date="2026-12-02").json()
    assert draft["date_service"] is None
    edited = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"date_service": "2026-11-30"}).json()
    assert edited["date_service"] == "2026-11-30"
    cleared = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"date_service": None}).json()
    assert cleared["date_service"] is None
    issued = tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert issued["status"] == "issued" and issued["date_service"] == "2026-12-02"
    # a credit note states its invoice's date of supply
    note = tenant.api.post("/v1/credit-notes", json={"invoice_id": issued["id"]}).json()
    assert note["date_service"] == "2026-12-02"


def test_an_earlier_date_after_a_later_one_is_refused_naming_the_last_issued(tenant, today):
    december = _issue(tenant, date="2026-12-03").json()
    assert december["number"] == "2026-00001"
    january = _issue(tenant, date="2026-01-15")
    body = assert_problem(january, 409, words="2026-00001")
    assert "2026-12-03" in body["detail"] and "allow_backdating" in body["detail"]
    assert (body["last_number"], body["last_date"]) == ("2026-00001", "2026-12-03")
    # the refused issue consumed no number; the same day and later days continue the sequence
    assert _issue(tenant, date="2026-12-03").json()["number"] == "2026-00002"
    assert _issue(tenant, date="2026-12-04").json()["number"] == "2026-00003"
    assert sorted(i["number"] for i in tenant.api.get("/v1/invoices").json()["data"]) == [
        "2026-00001",
        "2026-00002",
        "2026-00003",
    ]


def test_an_entity_may_allow_backdating(tenant, today):
    entity = f"/v1/entities/{tenant.entity_id}"
    assert tenant.account.get(entity).json()["settings"]["numbering"] == {"allow_backdating": False}
    _issue(tenant, date="2026-12-03").raise_for_status()
    r = tenant.account.patch(entity, json={"settings": {"numbering": {"allow_backdating": True}}})
    assert r.status_code == 200 and r.json()["settings"]["numbering"] == {"allow_backdating": True}
    january = _issue(tenant, date="2026-01-15")
    assert january.status_code == 201 and january.json()["number"] == "2026-00002"
    # the sequence's latest date stays 3 December: switching the setting off refuses 2 December again
    tenant.account.patch(entity, json={"settings": {"numbering": {"allow_backdating": False}}}).raise_for_status()
    assert_problem(_issue(tenant, date="2026-12-02"), 409, words="2026-00001")


def test_a_finalized_draft_follows_the_same_rule(tenant, today):
    draft = _issue(tenant, is_draft=True, date="2026-11-20").json()
    _issue(tenant, date="2026-12-01").raise_for_status()
    assert_problem(tenant.api.post(f"/v1/invoices/{draft['id']}/finalize"), 409, words="2026-12-01")
    assert tenant.api.get(f"/v1/invoices/{draft['id']}").json()["status"] == "draft"
    tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"date": "2026-12-03"}).raise_for_status()
    issued = tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert issued["number"] == "2026-00002" and issued["date"] == "2026-12-03"


def test_a_future_date_beyond_one_day_is_refused(tenant, today):
    # the issue's report: a January date issued in December took 2027-00001
    assert_problem(_issue(tenant, date="2027-01-15"), 422)
    r = _issue(tenant, date="2026-12-05")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"
    assert "2026-12-04" in r.json()["errors"][0]["message"]
    # one day ahead is allowed: it is already 4 December in time zones ahead of UTC
    assert _issue(tenant, date="2026-12-04").json()["number"] == "2026-00001"
    # drafts too, on create and on update
    r = _issue(tenant, is_draft=True, date="2026-12-24")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"
    draft = _issue(tenant, is_draft=True).json()
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"date": "2027-01-02"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"
    assert [i["number"] for i in tenant.api.get("/v1/invoices").json()["data"] if i["number"]] == ["2026-00001"]


def test_credit_notes_follow_the_rules_in_their_own_sequence(tenant, today):
    inv = _issue(tenant, date="2026-11-02").json()
    first = tenant.api.post(
        "/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2026-11-20", "items": [{"name": "A", "price": 10}]}
    ).json()
    assert first["number"] == "CN-2026-00001"
    # an invoice dated after the credit note does not move the credit notes' sequence
    _issue(tenant, date="2026-12-01").raise_for_status()
    early = tenant.api.post(
        "/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2026-11-10", "items": [{"name": "A", "price": 10}]}
    )
    body = assert_problem(early, 409, words="CN-2026-00001")
    assert body["last_date"] == "2026-11-20"
    future = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2026-12-10"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "date"
    second = tenant.api.post(
        "/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2026-11-20", "items": [{"name": "A", "price": 10}]}
    ).json()
    assert second["number"] == "CN-2026-00002"


def test_concurrent_issues_with_mixed_dates_never_number_out_of_date_order(server, tenant, today):
    """Half the issues are dated a day earlier: whichever lose the race to a later date are refused,
    and the numbers that were given stay gapless and in date order (on both engines)."""

    async def issue_all():
        headers = {"Authorization": f"Bearer {tenant.sandbox_key}", "X-Entity-Id": tenant.entity_id}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            bodies = [{**INVOICE, "date": "2026-12-02" if i % 2 else "2026-12-03"} for i in range(20)]
            return await asyncio.gather(*(client.post("/v1/invoices", json=body) for body in bodies))

    responses = asyncio.run(issue_all())
    assert {r.status_code for r in responses} <= {201, 409}
    issued = sorted((r.json()["number"], r.json()["date"]) for r in responses if r.status_code == 201)
    assert [number for number, _ in issued] == [f"2026-{n:05d}" for n in range(1, len(issued) + 1)]
    assert [d for _, d in issued] == sorted(d for _, d in issued)
    assert sum(r.json()["date"] == "2026-12-03" for r in responses if r.status_code == 201) == 10


def test_migration_0009_fills_each_sequences_latest_date_from_its_documents(server, tmp_path, today):
    """A database numbered before the rule: upgrading takes each sequence's latest date from its documents."""
    url = f"sqlite:///{tmp_path}/before.db" if server.engine == "sqlite" else postgres_database()
    assert url is not None
    try:
        upgrade(url)
        settings = server_settings(server)
        settings.database.url = url
        _, keys = make_account(SimpleNamespace(database_url=url))

        def issue(base: str, entity_id: str, on: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {keys['sandbox']}", "X-Entity-Id": entity_id}
            return httpx.post(f"{base}/v1/invoices", json={**INVOICE, "date": on}, headers=headers, timeout=30)

        with running(create_server_app, settings) as base:
            entity = make_entity(httpx.Client(base_url=base, headers={"Authorization": f"Bearer {keys['sandbox']}"}))
            assert issue(base, entity["id"], "2026-12-01").json()["number"] == "2026-00001"
            assert issue(base, entity["id"], "2025-06-01").json()["number"] == "2025-00001"  # another sequence
        command.downgrade(alembic_config(url), "0008")
        upgrade(url)
        with running(create_server_app, settings) as base:
            assert_problem(issue(base, entity["id"], "2026-11-30"), 409, words="2026-00001")
            assert_problem(issue(base, entity["id"], "2025-05-31"), 409, words="2025-00001")
            assert issue(base, entity["id"], "2025-06-02").json()["number"] == "2025-00002"
    finally:
        if server.engine != "sqlite":
            drop_postgres_database(url)
