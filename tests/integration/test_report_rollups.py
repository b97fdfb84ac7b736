"""The account-wide summary from the rollups (PostgreSQL: ``report_rollups``, kept by triggers) equals the
summary counted from the documents, after every kind of write: issuing, a draft and its finalizing, a
payment and its deletion, a void, another currency, a credit note, refunds, an advance invoice and the
final invoice deducting it, an invoice paid at issue, a deleted draft. On PostgreSQL the rollup rows also
equal :data:`~invoicing.reports.rollups.REBUILD`'s recomputation, row for row. Dates are relative to today,
since outstanding and overdue are as of today (an invoice due earlier this month is overdue, one due today
is not)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import asyncpg

from invoicing.core.coverage import Period
from invoicing.reports import rollups
from invoicing.reports.rollups import REBUILD
from invoicing.reports.service import _whole_months
from tests.integration.conftest import make_entity

SI = {"name": "Kupec d.o.o.", "country": "SI"}
TODAY = date.today()
THIS_MONTH = TODAY.replace(day=1)
EARLY = (THIS_MONTH - timedelta(days=70)).replace(day=1)
"""The first day of the month two (or three) months back: every document is dated from here on."""
FIGURES = ", ".join(f"sum({f})" for f in rollups.FIGURES)
ROWS = (
    f"SELECT month, currency_code, due_month, {FIGURES} FROM report_rollups WHERE account_id = $1 "
    "GROUP BY month, currency_code, due_month ORDER BY month, currency_code, due_month"
)


def _line(price: str, rate: str = "22") -> dict:
    return {"name": "Work", "quantity": 1, "price": price, "taxes": [{"rate": rate}]}


def _post(api, path: str, body: dict, status: int = 201) -> dict:
    r = api.post(path, json=body)
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def _summary(api, params: dict) -> dict:
    r = api.get("/v1/reports/summary", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _periods() -> list[dict]:
    last_day = (THIS_MONTH + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return [
        {"date_from": EARLY.isoformat(), "date_to": last_day.isoformat()},  # whole months: all from the rollups
        {"date_from": (EARLY + timedelta(days=9)).isoformat(), "date_to": TODAY.isoformat()},  # partial ends
    ]


async def _rollup_rows(url: str, account_id: str) -> tuple[list, list]:
    """The account's rollup rows (stripes summed, rows all zero left out) as kept, and as recomputed."""
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))

    def nonzero(rows: list) -> list:
        return [tuple(r) for r in rows if any(v != 0 for v in tuple(r)[3:])]

    try:
        kept = nonzero(await conn.fetch(ROWS, account_id))
        tx = conn.transaction()
        await tx.start()
        try:
            for statement in REBUILD:
                await conn.execute(statement)
            rebuilt = nonzero(await conn.fetch(ROWS, account_id))
        finally:
            await tx.rollback()
    finally:
        await conn.close()
    return kept, rebuilt


class Checker:
    def __init__(self, server, tenant, entities: list[str]):
        self.server, self.tenant, self.entities = server, tenant, entities
        self.checks = 0

    def __call__(self, what: str) -> dict:
        account = self.tenant.account  # the account key, no X-Entity-Id: the whole account
        listed = ",".join(self.entities)  # the same entities named: always counted from the documents
        whole = None
        for period in _periods():
            for group_by in ({}, {"group_by": "month"}):
                rolled = _summary(account, {**period, **group_by})
                counted = _summary(account, {**period, **group_by, "entity_ids": listed})
                assert rolled == counted, what
                whole = whole or rolled
        if self.server.engine == "postgresql":
            kept, rebuilt = asyncio.run(_rollup_rows(self.server.database_url, self.tenant.account_id))
            assert kept == rebuilt, what
        self.checks += 1
        assert whole is not None
        return whole


def _totals(report: dict) -> dict[str, dict]:
    return {f["currency_code"]: f for f in report["totals"]}


def test_the_rollups_equal_the_documents_after_every_kind_of_write(server, tenant, vies):
    api = tenant.api
    entity_b = make_entity(tenant.account, name="Rollups B d.o.o.")["id"]
    b = server.client(tenant.sandbox_key, entity_b)
    check = Checker(server, tenant, [tenant.entity_id, entity_b])
    assert _totals(check("nothing yet")) == {}

    day = EARLY + timedelta(days=3)
    overdue_due = THIS_MONTH - timedelta(days=5)  # last month: overdue from the rollups
    inv1 = _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("100.00")],
                                       "date_due": overdue_due.isoformat()})  # fmt: skip
    eur = _totals(check("issued"))["EUR"]
    assert (eur["invoices"], eur["issued"], eur["overdue"], eur["overdue_count"]) == (1, "122.00", "122.00", 1)

    not_due = (TODAY + timedelta(days=30)).isoformat()
    draft = _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("7.00")],
                                        "is_draft": True, "date_due": not_due})  # fmt: skip
    assert _totals(check("a draft"))["EUR"]["invoices"] == 1
    _post(api, f"/v1/invoices/{draft['id']}/finalize", {}, 200)
    assert _totals(check("finalized"))["EUR"]["invoices"] == 2
    gone = _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("5.00")],
                                       "is_draft": True})  # fmt: skip
    assert api.delete(f"/v1/invoices/{gone['id']}").status_code == 204
    check("a draft deleted")

    paid_day = (day + timedelta(days=2)).isoformat()
    part = _post(api, "/v1/payments", {"invoice_id": inv1["id"], "amount": "22.00", "date": paid_day})
    eur = _totals(check("paid in part"))["EUR"]
    assert (eur["paid"], eur["overdue"]) == ("22.00", "100.00")
    _post(api, "/v1/payments", {"invoice_id": inv1["id"], "amount": "100.00", "date": paid_day})
    assert _totals(check("paid"))["EUR"]["overdue_count"] == 0
    assert api.delete(f"/v1/payments/{part['id']}").status_code == 204
    eur = _totals(check("a payment deleted"))["EUR"]
    assert (eur["paid"], eur["overdue"]) == ("100.00", "22.00")

    if TODAY.day > 1:  # due earlier this month: overdue today, read from the documents; due today: not yet
        _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("10.00")],
                                    "date_due": THIS_MONTH.isoformat()})  # fmt: skip
        _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("20.00")],
                                    "date_due": TODAY.isoformat()})  # fmt: skip
        eur = _totals(check("due this month"))["EUR"]
        assert (eur["overdue"], eur["overdue_count"]) == ("34.20", 2)

    usd = _post(b, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("10.00")],
                                    "currency_code": "USD"})  # fmt: skip
    voided = _post(b, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("300.00")]})
    assert _totals(check("another entity, another currency"))["USD"]["issued"] == "12.20"
    _post(b, f"/v1/invoices/{voided['id']}/void", {}, 200)
    check("voided")

    gbp = _post(b, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("1.00")],
                                    "currency_code": "GBP"})  # fmt: skip
    _post(b, f"/v1/invoices/{gbp['id']}/void", {}, 200)
    assert "GBP" not in _totals(check("a currency's only invoice voided"))

    # paid and refunded in a month without documents: the month's paid is 0, yet the month has figures
    netted = _post(api, "/v1/invoices", {"date": day.isoformat(), "customer": SI, "items": [_line("9.00")]})
    month_after = (EARLY + timedelta(days=32)).isoformat()
    _post(api, "/v1/payments", {"invoice_id": netted["id"], "amount": "5.00", "date": month_after})
    _post(api, "/v1/refunds", {"invoice_id": netted["id"], "amount": "5.00", "date": month_after})
    check("paid and refunded in one month")

    later = (THIS_MONTH - timedelta(days=1)).isoformat()  # last month
    note = _post(api, "/v1/credit-notes", {"invoice_id": inv1["id"], "date": later})
    _post(api, "/v1/refunds", {"credit_note_id": note["id"], "amount": "50.00", "date": later})
    _post(b, "/v1/payments", {"invoice_id": usd["id"], "amount": "12.20", "date": later})
    _post(b, "/v1/refunds", {"invoice_id": usd["id"], "amount": "2.20", "date": TODAY.isoformat()})
    eur, usd_figures = (lambda t: (t["EUR"], t["USD"]))(_totals(check("credited and refunded")))
    assert (eur["credit_notes"], eur["credited"]) == (1, "122.00")
    assert usd_figures["paid"] == "10.00"

    advance = _post(api, "/v1/advance-invoices", {"customer": SI, "items": [_line("50.00")],
                                                  "paid": {"type": "bank_transfer"}})  # fmt: skip
    check("an advance invoice paid at issue")
    _post(api, "/v1/invoices", {"customer": SI, "items": [_line("200.00")], "advance_invoice_ids": [advance["id"]]})
    check("the final invoice deducting it")
    _post(api, "/v1/invoices", {"customer": SI, "items": [_line("1.00")], "paid": {"type": "cash"}})
    check("an invoice paid at issue")
    assert check.checks >= 14


def test_whole_months_of_a_period():
    def of(a: str, b: str) -> tuple[date, date] | None:
        return _whole_months(Period(date.fromisoformat(a), date.fromisoformat(b)))

    assert of("2026-01-01", "2026-12-31") == (date(2026, 1, 1), date(2026, 12, 31))
    assert of("2026-01-02", "2026-12-30") == (date(2026, 2, 1), date(2026, 11, 30))
    assert of("2025-12-15", "2026-02-28") == (date(2026, 1, 1), date(2026, 2, 28))
    assert of("2026-02-01", "2026-02-27") is None
    assert of("2026-02-02", "2026-03-30") is None
    assert of("2024-02-01", "2024-02-29") == (date(2024, 2, 1), date(2024, 2, 29))
