"""Reports over HTTP on both engines: the summary (exact figures per currency, credit notes and refunds in
their own period, drafts and voided invoices nowhere, grouped by month, entity and customer), the VAT report
(rows equal to the documents' tax lines summed), usage, the account-wide and entity views, the invoice list's
``overdue`` and ``sort=-total_due`` with cursor paging, and bad input."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from tests.integration.conftest import Tenant, add_users, assert_problem, make_account, make_entity

YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
SI_A = {"name": "Buyer A d.o.o.", "country": "SI"}
SI_B = {"name": "Buyer B d.o.o.", "country": "SI"}
FR_CONSUMER = {"name": "Marie Dupont", "country": "FR"}
DE_CONSUMER = {"name": "Max Mustermann", "country": "DE"}
DE_BUSINESS = {"name": "Muster Maschinenbau GmbH", "country": "DE", "tax_number": "DE811569869"}


def _line(price: str, rate: str | None = "22", kind: str = "services") -> dict:
    line = {"name": "Work", "quantity": 1, "price": price, "kind": kind}
    if rate is not None:
        line["taxes"] = [{"rate": rate}]
    return line


def _post(api, path: str, body: dict, status: int = 201) -> dict:
    r = api.post(path, json=body)
    assert r.status_code == status, r.text
    return r.json()


def _invoice(api, day: str, customer: dict, *lines: dict, **extra) -> dict:
    return _post(api, "/v1/invoices", {"date": day, "customer": customer, "items": list(lines), **extra})


class Books:
    """Entity A (SI, EUR and USD) and entity B (SI, OSS registered) of one account, dated in 2025."""

    def __init__(self, server, tenant: Tenant):
        api = self.api = tenant.api
        self.tenant = tenant
        self.inv1 = _invoice(api, "2025-01-10", SI_A, _line("100.00"))  # 122.00
        _post(api, "/v1/payments", {"invoice_id": self.inv1["id"], "amount": "122.00", "date": "2025-01-20"})
        self.inv2 = _invoice(api, "2025-02-05", SI_B, _line("200.00"))  # 244.00, overdue 144.00
        _post(api, "/v1/payments", {"invoice_id": self.inv2["id"], "amount": "100.00", "date": "2025-02-10"})
        self.inv3 = _invoice(api, "2025-03-15", SI_A, _line("50.00", "9.5"), date_due="2027-01-31")  # 54.75
        self.draft = _invoice(api, "2025-03-20", SI_A, _line("1000.00"), is_draft=True)
        self.voided = _invoice(api, "2025-04-01", SI_B, _line("300.00"))
        _post(api, f"/v1/invoices/{self.voided['id']}/void", {}, 200)
        self.usd = _invoice(api, "2025-04-10", SI_B, _line("10.00"), currency_code="USD")  # 12.20
        self.cn1 = _post(api, "/v1/credit-notes", {"invoice_id": self.inv1["id"], "date": "2025-05-05"})
        _post(api, "/v1/refunds", {"credit_note_id": self.cn1["id"], "amount": "50.00", "date": "2025-05-10"})

        entity_b = make_entity(tenant.account, name="Seller B d.o.o.", settings={"tax": {"oss_registered": True}})
        self.entity_b = entity_b["id"]
        b = self.api_b = server.client(tenant.sandbox_key, entity_b["id"])
        self.b1 = _invoice(b, "2025-06-01", FR_CONSUMER, _line("100.00", None, "digital"))  # oss FR 20
        self.b2 = _invoice(b, "2025-06-02", DE_CONSUMER, _line("100.00", None, "digital"))  # oss DE 19
        self.b3 = _invoice(b, "2025-06-03", DE_BUSINESS, _line("100.00", None))  # reverse charge
        self.b4 = _invoice(b, "2025-06-04", SI_A, _line("100.00"))  # domestic 22
        self.cn_b2 = _post(b, "/v1/credit-notes", {"invoice_id": self.b2["id"], "date": "2025-07-01"})


@pytest.fixture
def books(server, tenant, vies) -> Books:
    return Books(server, tenant)


def _figures(groups: list[dict]) -> dict[str, dict]:
    return {f["currency_code"]: f for f in groups}


EUR_A = {
    "currency_code": "EUR",
    "invoices": 3,
    "credit_notes": 1,
    "issued": "420.75",
    "credited": "122.00",
    "net": "250.00",
    "tax": "48.75",
    "total": "298.75",
    "paid": "172.00",
    "outstanding": "198.75",
    "outstanding_count": 2,
    "overdue": "144.00",
    "overdue_count": 1,
}
USD_A = {
    "currency_code": "USD",
    "invoices": 1,
    "credit_notes": 0,
    "issued": "12.20",
    "credited": "0.00",
    "net": "10.00",
    "tax": "2.20",
    "total": "12.20",
    "paid": "0.00",
    "outstanding": "12.20",
    "outstanding_count": 1,
    "overdue": "12.20",
    "overdue_count": 1,
}
EUR_B = {
    "currency_code": "EUR",
    "invoices": 4,
    "credit_notes": 1,
    "issued": "461.00",  # 120 + 119 + 100 + 122
    "credited": "119.00",
    "net": "300.00",
    "tax": "42.00",
    "total": "342.00",
    "paid": "0.00",
    "outstanding": "342.00",
    "outstanding_count": 3,  # b2 is credited in full
    "overdue": "342.00",
    "overdue_count": 3,
}


def test_the_summary_of_an_entity_in_exact_figures_per_currency(books):
    r = books.api.get("/v1/reports/summary", params=YEAR)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "report.summary" and body["group_by"] is None and body["groups"] == []
    assert (body["date_from"], body["date_to"]) == ("2025-01-01", "2025-12-31")
    assert body["totals"] == [EUR_A, USD_A]  # ordered by currency, never mixed


def test_credit_notes_and_refunds_count_in_their_own_period(books):
    january = books.api.get("/v1/reports/summary", params={"date_from": "2025-01-01", "date_to": "2025-01-31"})
    assert january.json()["totals"] == [
        {
            **EUR_A,
            "invoices": 1,
            "credit_notes": 0,
            "issued": "122.00",
            "credited": "0.00",
            "net": "100.00",
            "tax": "22.00",
            "total": "122.00",
            "paid": "122.00",
            "outstanding": "0.00",
            "outstanding_count": 0,
            "overdue": "0.00",
            "overdue_count": 0,
        }
    ]
    may = books.api.get("/v1/reports/summary", params={"date_from": "2025-05-01", "date_to": "2025-05-31"})
    assert may.json()["totals"] == [
        {
            **EUR_A,
            "invoices": 0,
            "credit_notes": 1,
            "issued": "0.00",
            "credited": "122.00",
            "net": "-100.00",
            "tax": "-22.00",
            "total": "-122.00",
            "paid": "-50.00",
            "outstanding": "0.00",
            "outstanding_count": 0,
            "overdue": "0.00",
            "overdue_count": 0,
        }
    ]
    # a period with nothing in it (the draft and the voided invoice count nowhere)
    nothing = books.api.get("/v1/reports/summary", params={"date_from": "2025-03-16", "date_to": "2025-04-09"})
    assert nothing.json()["totals"] == []


def test_group_by_month_lists_every_month(books):
    body = books.api.get(
        "/v1/reports/summary", params={"date_from": "2025-01-01", "date_to": "2025-06-30", "group_by": "month"}
    ).json()
    assert [g["key"] for g in body["groups"]] == [f"2025-0{m}" for m in range(1, 7)]
    by_month = {g["key"]: g for g in body["groups"]}
    assert by_month["2025-06"]["figures"] == [] and by_month["2025-06"]["name"] is None
    assert [f["currency_code"] for f in by_month["2025-04"]["figures"]] == ["USD"]  # the voided one is not there
    march = by_month["2025-03"]["figures"]
    assert [(f["invoices"], f["issued"], f["outstanding"], f["overdue"]) for f in march] == [
        (1, "54.75", "54.75", "0.00")
    ]
    february = _figures(by_month["2025-02"]["figures"])["EUR"]
    assert (february["issued"], february["paid"], february["overdue"]) == ("244.00", "100.00", "144.00")


def test_group_by_customer_orders_by_net(books):
    body = books.api.get("/v1/reports/summary", params={**YEAR, "group_by": "customer"}).json()
    assert [g["name"] for g in body["groups"]] == ["Buyer B d.o.o.", "Buyer A d.o.o."]
    b, a = body["groups"]
    assert b["key"] == books.inv2["customer"]["id"] and a["key"] == books.inv1["customer"]["id"]
    assert [(f["currency_code"], f["net"], f["paid"]) for f in b["figures"]] == [
        ("EUR", "200.00", "100.00"),
        ("USD", "10.00", "0.00"),
    ]
    assert [(f["net"], f["tax"], f["paid"], f["credit_notes"]) for f in a["figures"]] == [("50.00", "4.75", "72.00", 1)]


def test_the_account_key_sees_every_entity_grouped_by_entity(books):
    account = books.tenant.account
    body = account.get("/v1/reports/summary", params={**YEAR, "group_by": "entity"}).json()
    assert [(g["key"], g["name"]) for g in body["groups"]] == [
        (books.entity_b, "Seller B d.o.o."),
        (books.tenant.entity_id, books.api.get(f"/v1/entities/{books.tenant.entity_id}").json()["name"]),
    ]
    assert body["groups"][0]["figures"] == [EUR_B]
    assert body["groups"][1]["figures"] == [EUR_A, USD_A]
    eur = _figures(body["totals"])["EUR"]
    assert (eur["invoices"], eur["issued"], eur["net"], eur["tax"], eur["paid"]) == (
        7,
        "881.75",
        "550.00",
        "90.75",
        "172.00",
    )
    assert _figures(body["totals"])["USD"] == USD_A
    # entity_ids narrows; X-Entity-Id names one entity
    only_b = account.get("/v1/reports/summary", params={**YEAR, "entity_ids": books.entity_b}).json()
    assert only_b["totals"] == [EUR_B]
    assert books.api_b.get("/v1/reports/summary", params=YEAR).json()["totals"] == [EUR_B]


def test_an_entity_credential_sees_only_its_entity_and_a_viewer_may_read(server, books, embed):
    key = books.tenant.account.post(f"/v1/entities/{books.tenant.entity_id}/api-keys", json={}).json()["key"]
    entity_key = server.client(key)
    assert entity_key.get("/v1/reports/summary", params=YEAR).json()["totals"] == [EUR_A, USD_A]
    assert_problem(entity_key.get("/v1/reports/summary", params={**YEAR, "entity_ids": books.entity_b}), 422)
    assert_problem(entity_key.get("/v1/reports/usage"), 403)
    viewer = embed.dashboard(embed.session("viewer"))
    r = viewer.get("/reports/summary", params=YEAR)
    assert r.status_code == 200, r.text
    assert r.json()["totals"] == [EUR_A, USD_A]
    assert viewer.get("/reports/vat", params=YEAR).status_code == 200
    assert_problem(viewer.get("/reports/usage"), 403)


def _tax_lines(api, docs: list[dict]) -> dict[tuple, list]:
    """The documents' own tax lines summed per (currency, treatment, category, rate, buyer country)."""
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for doc in docs:
        sign = -1 if doc["object"] == "credit_note" else 1
        treatment = doc["tax_treatment"]["code"]
        country = doc["customer"]["country"] if treatment == "oss" else None
        for t in doc["taxes"]:
            row = sums[(doc["currency_code"], treatment, t["category"], t["rate"], country)]
            row[0] += sign * Decimal(t["base"])
            row[1] += sign * Decimal(t["amount"])
            row[2] += 1
    return sums


def test_vat_rows_are_the_documents_tax_lines_summed(books):
    r = books.api_b.get("/v1/reports/vat", params=YEAR)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "report.vat"
    rows = [
        (x["currency_code"], x["tax_treatment"], x["category"], x["rate"], x["buyer_country"], x["net"], x["tax"])
        for x in body["rows"]
    ]
    assert rows == [
        ("EUR", "domestic", "S", "22", None, "100.00", "22.00"),
        ("EUR", "oss", "S", "20", "FR", "100.00", "20.00"),
        ("EUR", "oss", "S", "19", "DE", "0.00", "0.00"),  # the credit note subtracts
        ("EUR", "reverse_charge", "AE", "0", None, "100.00", "0.00"),
    ]
    assert [x["documents"] for x in body["rows"]] == [1, 1, 2, 1]
    assert body["totals"] == [{"currency_code": "EUR", "net": "300.00", "tax": "42.00"}]
    docs = [books.api_b.get(f"/v1/invoices/{d['id']}").json() for d in (books.b1, books.b2, books.b3, books.b4)]
    docs.append(books.api_b.get(f"/v1/credit-notes/{books.cn_b2['id']}").json())
    expected = _tax_lines(books.api_b, docs)
    assert {
        (x["currency_code"], x["tax_treatment"], x["category"], x["rate"], x["buyer_country"]): [
            Decimal(x["net"]),
            Decimal(x["tax"]),
            x["documents"],
        ]
        for x in body["rows"]
    } == {k: v for k, v in expected.items()}

    # entity A: two rates and two currencies; the voided and the draft invoice are not there
    rows_a = books.api.get("/v1/reports/vat", params=YEAR).json()["rows"]
    assert [(x["currency_code"], x["rate"], x["net"], x["tax"], x["documents"]) for x in rows_a] == [
        ("EUR", "22", "200.00", "44.00", 3),  # inv1, inv2, minus the credit note of inv1
        ("EUR", "9.5", "50.00", "4.75", 1),
        ("USD", "22", "10.00", "2.20", 1),
    ]


def test_usage_per_entity_of_the_account(server, books, embed):
    api, account = books.api, books.tenant.account
    invoice = _invoice(api, date.today().isoformat(), SI_A | {"email": "a@buyer.example"}, _line("10.00"))
    assert api.post(f"/v1/invoices/{invoice['id']}/send", json={}).status_code == 202
    embed.session("viewer")
    embed.session("viewer")  # the same user again: one active user
    embed.session("editor")
    month = invoice["date"][:7]
    body = account.get("/v1/reports/usage", params={"month": month}).json()
    assert body["object"] == "report.usage" and body["month"] == month and body["next_cursor"] is None
    usage = {row["entity_id"]: row for row in body["data"]}
    assert [row["entity_id"] for row in body["data"]] == sorted(usage)
    assert {k: v for k, v in usage[books.tenant.entity_id].items() if k not in ("name",)} == {
        "entity_id": books.tenant.entity_id,
        "invoices_issued": 1,
        "credit_notes_issued": 0,
        "emails_sent": 1,
        "active_users": 2,
        "estimates_issued": 0,
    }
    assert usage[books.entity_b] == {
        "entity_id": books.entity_b,
        "name": "Seller B d.o.o.",
        "invoices_issued": 0,
        "credit_notes_issued": 0,
        "emails_sent": 0,
        "active_users": 0,
        "estimates_issued": 0,
    }
    may = account.get("/v1/reports/usage", params={"month": "2025-05"}).json()["data"]
    assert {r["entity_id"]: (r["invoices_issued"], r["credit_notes_issued"]) for r in may} == {
        books.tenant.entity_id: (0, 1),
        books.entity_b: (0, 0),
    }
    # cursor paging, one entity a page
    first = account.get("/v1/reports/usage", params={"month": month, "limit": 1}).json()
    second = account.get("/v1/reports/usage", params={"month": month, "limit": 1, "cursor": first["next_cursor"]})
    assert [r["entity_id"] for r in first["data"] + second.json()["data"]] == sorted(usage)
    assert second.json()["next_cursor"] is None


def test_overdue_and_the_largest_amounts_due_first(books):
    api = books.api
    overdue = api.get("/v1/invoices", params={"overdue": "true"}).json()["data"]
    assert [d["id"] for d in overdue] == [books.usd["id"], books.inv2["id"]]
    not_overdue = {d["id"] for d in api.get("/v1/invoices", params={"overdue": "false"}).json()["data"]}
    assert not_overdue == {books.inv1["id"], books.inv3["id"], books.draft["id"], books.voided["id"]}
    expected = [
        books.draft["id"],  # a draft: its total (1220.00)
        books.inv2["id"],  # 144.00
        books.inv3["id"],  # 54.75
        books.usd["id"],  # 12.20
        books.voided["id"],  # nothing due: newest first
        books.inv1["id"],
    ]
    listed = api.get("/v1/invoices", params={"sort": "-total_due"}).json()["data"]
    assert [d["id"] for d in listed] == expected
    assert [d["total_due"] for d in listed] == ["1220.00", "144.00", "54.75", "12.20", "0.00", "0.00"]
    seen, cursor = [], None
    while True:
        params = {"sort": "-total_due", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/invoices", params=params).json()
        seen += [d["id"] for d in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    open_ = api.get("/v1/invoices", params={"sort": "-total_due", "status": "issued", "limit": 5}).json()["data"]
    assert [d["id"] for d in open_] == [books.inv3["id"], books.usd["id"]]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("summary", {"date_from": "2025-02-01", "date_to": "2025-01-31"}, "date_from"),
        ("summary", {"date_from": "2019-01-01", "date_to": "2025-01-31"}, "date_to"),
        ("vat", {"date_from": "2020-01-01", "date_to": "2025-01-01"}, "date_to"),  # five years and a day
        ("summary", {"date_from": "2025-02-30"}, "date_from"),
        ("summary", {"group_by": "year"}, "group_by"),
        ("summary", {"entity_ids": "ent_01jxxxxxxxxxxxxxxxxxxxxxxx"}, "entity_ids"),
        ("summary", {"entity_ids": ","}, "entity_ids"),
        ("vat", {"date_from": "2026-01-02", "date_to": "2026-01-01"}, "date_from"),
        ("vat", {"date_to": "tomorrow"}, "date_to"),
        ("usage", {"month": "2026-13"}, "month"),
        ("usage", {"month": "November"}, "month"),
        ("usage", {"cursor": "nonsense"}, "cursor"),
        ("usage", {"limit": "0"}, "limit"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(tenant, path, params, field):
    body = assert_problem(tenant.account.get(f"/v1/reports/{path}", params=params), 422)
    assert field in [e["field"] for e in body.get("errors", [])], body


def test_bad_list_parameters_are_422(tenant):
    for params, field in (({"sort": "total_due"}, "sort"), ({"overdue": "maybe"}, "overdue")):
        body = assert_problem(tenant.api.get("/v1/invoices", params=params), 422)
        assert field in [e["field"] for e in body.get("errors", [])], body


def test_another_accounts_entity_is_refused(server, tenant):
    other = _other_account(server)
    body = assert_problem(
        tenant.account.get("/v1/reports/summary", params={"entity_ids": other.entity_id}),
        422,
    )
    assert body["errors"][0]["field"] == "entity_ids"
    assert_problem(tenant.account.get("/v1/reports/vat", headers={"X-Entity-Id": other.entity_id}), 404)
    add_users(tenant)  # users alone are not active users
    usage = tenant.account.get("/v1/reports/usage").json()["data"]
    assert [(r["entity_id"], r["active_users"]) for r in usage] == [(tenant.entity_id, 0)]


def _other_account(server) -> Tenant:
    account_id, keys = make_account(server, "Other platform")
    account = server.client(keys["sandbox"])
    entity = make_entity(account)
    api = server.client(keys["sandbox"], entity["id"])
    return Tenant(account_id, keys["sandbox"], keys["live"], entity["id"], api, account)


def test_an_app_sign_in_makes_an_active_user(server, tenant):
    from tests.integration.test_app import signed_in

    month = date.today().isoformat()[:7]

    def usage() -> dict:
        [row] = tenant.account.get("/v1/reports/usage", params={"month": month}).json()["data"]
        return row

    assert (usage()["active_users"], usage()["emails_sent"]) == (0, 0)
    client, _user, _ = signed_in(server, tenant, "viewer")  # the invitation is an e-mail, the link a session
    assert (usage()["active_users"], usage()["emails_sent"]) == (1, 1)
    r = client.get("/app/api/v1/reports/summary", params=YEAR)
    assert r.status_code == 200, r.text
    assert r.json()["totals"] == []
