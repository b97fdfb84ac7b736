"""Credit notes per rate (issue 10, point 3): only the invoice's rates, what is left tracked per rate, the
remainder always credited exactly (to the cent, per rate), generated lines in the document's language."""

from __future__ import annotations

from decimal import Decimal

from tests.integration.conftest import assert_problem
from tests.integration.pdf_helpers import pdf_text

BUYER = {"name": "Kupec d.o.o.", "country": "SI"}


def _line(name: str, price: str, rate: float, quantity: str = "1") -> dict:
    return {"name": name, "price": price, "quantity": quantity, "taxes": [{"rate": rate}]}


def _invoice(tenant, items: list[dict], **extra) -> dict:
    r = tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": items, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _credit(tenant, invoice: dict, items: list[dict] | None = None, **extra):
    body = {"invoice_id": invoice["id"], **({"items": items} if items is not None else {}), **extra}
    return tenant.api.post("/v1/credit-notes", json=body)


def _per_rate(doc: dict) -> dict[str, tuple[Decimal, Decimal]]:
    return {t["rate"]: (Decimal(t["base"]), Decimal(t["amount"])) for t in doc["taxes"]}


def _creditable(tenant, invoice: dict) -> list[tuple[list[str], str, str, str]]:
    body = tenant.api.get(f"/v1/invoices/{invoice['id']}").json()
    return [([t["rate"] for t in c["taxes"]], c["net"], c["tax"], c["total"]) for c in body["creditable"]]


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


AWKWARD = [
    _line("Kava", "13.37", 22, "3"),  # 40.11
    _line("Piškoti", "2.49", 22, "7"),  # 17.43
    _line("Knjiga", "33.33", 9.5),
    _line("Časopis", "11.11", 9.5, "0.7"),  # 7.777 → 7.78
]


def test_a_credit_note_may_only_use_its_invoices_rates(tenant):
    inv = _invoice(tenant, AWKWARD)
    assert _per_rate(inv) == {"22": (Decimal("57.54"), Decimal("12.66")), "9.5": (Decimal("41.11"), Decimal("3.91"))}
    # the report: a 5 % line against an invoice at 22 % and 9.5 % was accepted
    r = _credit(tenant, inv, [_line("Kava", "10.00", 5)])
    body = assert_problem(r, 422)
    assert body["errors"][0]["field"] == "items[0].taxes"
    vat = inv["taxes"][0]["name"]
    assert f"{vat} 22 %" in body["errors"][0]["message"] and f"{vat} 9.5 %" in body["errors"][0]["message"]
    # another tax name at the same rate is another tax
    r = _credit(tenant, inv, [_line("A", "1", 9.5), {"name": "B", "price": "1", "taxes": [{"rate": 22, "name": "X"}]}])
    assert assert_problem(r, 422)["errors"][0]["field"] == "items[1].taxes"
    # two rates on the invoice: a line must name its rate
    r = _credit(tenant, inv, [{"name": "Kava", "price": "10.00"}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items[0].taxes"
    assert "name the tax" in r.json()["errors"][0]["message"]
    # untaxed lines only where the invoice has them
    r = _credit(tenant, inv, [{"name": "Kava", "price": "10.00", "taxes": []}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items[0].taxes"
    assert tenant.api.get(f"/v1/invoices/{inv['id']}").json()["total_credited"] == "0.00"


def test_a_line_without_taxes_takes_the_single_rate_of_its_invoice(tenant):
    inv = _invoice(tenant, [_line("A", "100.00", 9.5)])
    note = _credit(tenant, inv, [{"name": "A", "price": "40.00"}]).json()
    assert [(t["rate"], t["category"]) for t in note["items"][0]["taxes"]] == [("9.5", "S")]
    assert note["total_with_tax"] == "43.80"


def test_a_rate_named_without_its_tax_name_matches_the_invoices_tax_of_that_rate(tenant):
    inv = _invoice(tenant, [{"name": "A", "price": "100.00", "taxes": [{"rate": 22, "name": "DDV"}]}])
    note = _credit(tenant, inv, [_line("A", "10.00", 22)])
    assert note.status_code == 201, note.text
    assert [(t["name"], t["rate"]) for t in note.json()["taxes"]] == [("DDV", "22")]


def test_what_remains_is_tracked_per_rate_and_credited_exactly(tenant):
    inv = _invoice(tenant, AWKWARD)
    assert inv["total_with_tax"] == "115.22"
    assert _creditable(tenant, inv) == [(["22"], "57.54", "12.66", "70.20"), (["9.5"], "41.11", "3.91", "45.02")]
    # partial credits whose tax rounds away from the exact figure: 3 × 0.495 → 0.50, 2 × 0.1045 → 0.10
    notes = [_credit(tenant, inv, [_line("Vračilo", "2.25", 22)]) for _ in range(3)]
    notes += [_credit(tenant, inv, [_line("Vračilo", "1.10", 9.5)]) for _ in range(2)]
    assert [r.status_code for r in notes] == [201] * 5
    notes = [r.json() for r in notes]
    assert [n["total_tax"] for n in notes] == ["0.50", "0.50", "0.50", "0.10", "0.10"]
    # left: 22 %: 50.79 net and 11.16 tax (50.79 × 22 % would round to 11.17); 9.5 %: 38.91 and 3.71 (not 3.70)
    assert _creditable(tenant, inv) == [(["22"], "50.79", "11.16", "61.95"), (["9.5"], "38.91", "3.71", "42.62")]

    # more than is left at a rate is refused, naming the rate
    r = _credit(tenant, inv, [_line("Knjiga", "38.92", 9.5)])
    body = assert_problem(r, 422)
    assert f"{inv['taxes'][0]['name']} 9.5 %" in body["detail"] and "38.91" in body["detail"]
    # the whole net left at a rate takes exactly the tax left at it
    exact = _credit(tenant, inv, [_line("Knjiga", "38.91", 9.5)]).json()
    assert _per_rate(exact) == {"9.5": (Decimal("38.91"), Decimal("3.71"))} and exact["total_with_tax"] == "42.62"
    notes.append(exact)

    # "credit everything remaining": exactly what is left, so the credits add up to the invoice to the cent
    rest = _credit(tenant, inv)
    assert rest.status_code == 201, rest.text
    rest = rest.json()
    assert _per_rate(rest) == {"22": (Decimal("50.79"), Decimal("11.16"))}
    assert (rest["total"], rest["total_tax"], rest["total_with_tax"]) == ("50.79", "11.16", "61.95")
    notes.append(rest)
    assert sum(Decimal(n["total_with_tax"]) for n in notes) == Decimal(inv["total_with_tax"])
    for rate, (base, amount) in _per_rate(inv).items():
        assert sum(_per_rate(n).get(rate, (0, 0))[0] for n in notes) == base
        assert sum(_per_rate(n).get(rate, (0, 0))[1] for n in notes) == amount
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert (after["status"], after["total_credited"], after["total_due"]) == ("credited", "115.22", "0.00")
    assert after["creditable"] == []
    assert_problem(_credit(tenant, inv), 409, words="credited in full")


def test_gross_prices_are_credited_exactly_per_rate(tenant):
    inv = _invoice(
        tenant,
        [_line("Kava", "3.33", 22, "7"), _line("Knjiga", "19.99", 9.5, "3"), _line("Vstopnica", "0.99", 22, "11")],
        prices_include_tax=True,
    )
    assert inv["total_with_tax"] == "94.17"
    for price, rate in (("0.07", 22), ("0.07", 22), ("0.13", 9.5), ("1.01", 22)):
        r = _credit(tenant, inv, [_line("Vračilo", price, rate)])
        assert r.status_code == 201, r.text
    rest = _credit(tenant, inv).json()
    notes = tenant.api.get("/v1/credit-notes", params={"invoice_id": inv["id"]}).json()["data"]
    assert len(notes) == 5 and rest["id"] in {n["id"] for n in notes}
    assert sum(Decimal(n["total_with_tax"]) for n in notes) == Decimal("94.17")
    for rate, (base, amount) in _per_rate(inv).items():
        assert sum(_per_rate(n).get(rate, (0, 0))[0] for n in notes) == base
        assert sum(_per_rate(n).get(rate, (0, 0))[1] for n in notes) == amount
    after = tenant.api.get(f"/v1/invoices/{inv['id']}").json()
    assert after["status"] == "credited" and after["creditable"] == []


def test_generated_credit_lines_speak_the_documents_language(tenant):
    inv = _invoice(tenant, AWKWARD)
    assert inv["locale"] == "sl"
    _credit(tenant, inv, [_line("Kava", "13.37", 22)]).raise_for_status()
    rest = _credit(tenant, inv).json()
    names = [_plain(line["name"]) for line in rest["items"]]
    vat = inv["taxes"][0]["name"]
    assert names == [
        f"Dobropis za račun {inv['number']} ({vat} 22 %)",
        f"Dobropis za račun {inv['number']} ({vat} 9,5 %)",
    ]
    assert "Credit for invoice" not in _plain(pdf_text(tenant.api.get(f"/v1/credit-notes/{rest['id']}/pdf").content))
    assert "Dobropis za račun" in _plain(pdf_text(tenant.api.get(f"/v1/credit-notes/{rest['id']}/pdf").content))

    other = _invoice(tenant, [_line("A", "10.00", 9.5), {"name": "B", "price": "5.00", "taxes": []}])
    _credit(tenant, other, [_line("A", "1.00", 9.5)]).raise_for_status()
    german = _credit(tenant, other, locale="de").json()
    assert [_plain(line["name"]) for line in german["items"]] == [
        f"Gutschrift zur Rechnung {other['number']} ({vat} 9,5 %)",
        f"Gutschrift zur Rechnung {other['number']} (ohne Steuer)",
    ]
    assert german["total_with_tax"] == "14.85"  # 9.00 + 0.85 (0.95 − 0.10 credited) + 5.00 untaxed
