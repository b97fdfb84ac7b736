"""VAT is named in the seller country's language unless the platform names it (issue 10, point 6a), on
both engines: decided taxes, taxes given without a name, catalogue items, and the PDF's tax summary."""

from __future__ import annotations

import pytest

from invoicing.tax import tax_name
from tests.integration.conftest import make_account, make_entity
from tests.integration.pdf_helpers import pdf_text

BUYER = {"name": "Kupec d.o.o.", "country": "SI"}


@pytest.mark.parametrize(
    ("country", "name"),
    [
        *[("SI", "DDV"), ("DE", "MwSt."), ("AT", "MwSt."), ("FR", "TVA"), ("BE", "TVA"), ("LU", "TVA")],
        *[("IT", "IVA"), ("ES", "IVA"), ("PT", "IVA"), ("HR", "PDV"), ("NL", "BTW"), ("EL", "ΦΠΑ")],
        *[("US", "VAT"), (None, "VAT")],
    ],
)
def test_the_table(country, name):
    assert tax_name(country) == name


def _api(server, country: str):
    _, keys = make_account(server)
    entity = make_entity(server.client(keys["sandbox"]), country=country)
    return server.client(keys["sandbox"], entity["id"])


def _names(doc: dict) -> list[tuple[str, str]]:
    return [(t["name"], t["rate"]) for t in doc["taxes"]]


def test_decided_and_unnamed_taxes_take_the_seller_countrys_name(server):
    api = _api(server, "SI")
    r = api.post(
        "/v1/invoices",
        json={
            "customer": BUYER,
            "date": "2026-06-01",
            "locale": "sl",
            "items": [
                {"name": "Decided", "price": "100.00"},
                {"name": "Unnamed", "price": "100.00", "taxes": [{"rate": "9.5"}]},
            ],
        },
    )
    assert r.status_code == 201, r.text
    inv = r.json()
    assert _names(inv) == [("DDV", "22"), ("DDV", "9.5")]
    assert [t["name"] for line in inv["items"] for t in line["taxes"]] == ["DDV", "DDV"]
    text = pdf_text(api.get(f"/v1/invoices/{inv['id']}/pdf").content)
    assert "DDV 22 % 100,00 € 22,00 €" in text and "DDV 9,5 % 100,00 € 9,50 €" in text
    assert "VAT" not in text


def test_a_name_the_platform_gives_is_kept(server):
    api = _api(server, "SI")
    items = [{"name": "Named", "price": "10", "taxes": [{"rate": 22, "name": "VAT"}, {"rate": 5, "name": "Eco"}]}]
    r = api.post("/v1/invoices", json={"customer": BUYER, "date": "2026-06-01", "items": items})
    assert r.status_code == 201, r.text
    assert sorted(_names(r.json())) == [("Eco", "5"), ("VAT", "22")]


def test_german_and_french_sellers(server):
    for country, name, rate in (("DE", "MwSt.", "19"), ("FR", "TVA", "20")):
        api = _api(server, country)
        customer = {"name": "Kunde", "country": country}
        r = api.post(
            "/v1/invoices", json={"customer": customer, "date": "2026-06-01", "items": [{"name": "X", "price": 1}]}
        )
        assert r.status_code == 201, r.text
        assert _names(r.json()) == [(name, rate)]


def test_catalogue_items_name_their_unnamed_taxes_too(server):
    api = _api(server, "DE")
    r = api.post("/v1/items", json={"name": "Brot", "price": "3.50", "taxes": [{"rate": 7}]})
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["taxes"] == [{"rate": "7", "name": "MwSt."}]
    r = api.post(
        "/v1/invoices",
        json={"customer": {"name": "Kunde", "country": "DE"}, "date": "2026-06-01", "items": [{"item_id": item["id"]}]},
    )
    assert r.status_code == 201, r.text
    assert _names(r.json()) == [("MwSt.", "7")]


def test_the_tax_rates_name_the_tax_for_editors(server):
    api = _api(server, "SI")
    body = api.get("/v1/tax-rates", params={"country": "SI", "date": "2026-06-01"}).json()
    assert body["data"][0]["tax_name"] == "DDV"
    everyone = api.get("/v1/tax-rates", params={"date": "2026-06-01"}).json()["data"]
    names = {entry["country"]: entry["tax_name"] for entry in everyone}
    assert names["DE"] == "MwSt." and names["FR"] == "TVA" and names["GR"] == "ΦΠΑ" and names["IE"] == "VAT"


def test_a_catalogue_item_carries_its_kind_and_rate_class_to_the_lines_taken_from_it(server):
    """Coffee beans at Slovenia's reduced 9.5 %: the item says goods, reduced; an invoice line taken from it
    gets both, so the VAT treatment agrees with the named rate instead of flagging it against the standard 22 %.
    A line may still say otherwise, and an item without them stays services, standard."""
    api = _api(server, "SI")
    body = {
        "name": "Kava v zrnu 1 kg",
        "price": "18.90",
        "taxes": [{"rate": 9.5}],
        "kind": "goods",
        "tax_class": "reduced",
    }
    r = api.post("/v1/items", json=body)
    assert r.status_code == 201, r.text
    coffee = r.json()
    assert (coffee["kind"], coffee["tax_class"]) == ("goods", "reduced")
    plain = api.post("/v1/items", json={"name": "Najem", "price": "60.00", "taxes": [{"rate": 22}]}).json()
    assert (plain["kind"], plain["tax_class"]) == ("services", "standard")

    customer = {"name": "Kupec d.o.o.", "country": "SI"}
    r = api.post(
        "/v1/invoices", json={"customer": customer, "items": [{"item_id": coffee["id"]}, {"item_id": plain["id"]}]}
    )
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert [(li["kind"], li["tax_class"]) for li in invoice["items"]] == [
        ("goods", "reduced"),
        ("services", "standard"),
    ]
    assert "where the rules call for" not in invoice["tax_treatment"]["reason"], invoice["tax_treatment"]

    # a line's own class wins over the item's: named 9.5 % against the standard class is flagged, as before
    lines = [{"item_id": coffee["id"], "tax_class": "standard", "kind": "services"}]
    r = api.post("/v1/invoices", json={"customer": customer, "items": lines})
    assert r.status_code == 201, r.text
    line = r.json()["items"][0]
    assert (line["kind"], line["tax_class"]) == ("services", "standard")
    assert "line 1 names 9.5 % where the rules call for 22 %" in r.json()["tax_treatment"]["reason"]

    # changed on the item, taken by the next line; a class the item cannot have is named with the choices
    r = api.patch(f"/v1/items/{plain['id']}", json={"tax_class": "reduced", "kind": "goods"})
    assert (r.status_code, r.json()["tax_class"], r.json()["kind"]) == (200, "reduced", "goods")
    r = api.post("/v1/items", json={"name": "X", "price": "1.00", "tax_class": "lower"})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "tax_class", "message": "'lower' is not one of: reduced, reduced_2, standard, super_reduced, zero"}
    ]


def test_a_second_reduced_rate_is_a_class_of_its_own(server):
    """France's 5.5 % (books, most food) is its second reduced rate beside 10 %: a line or an item of class
    ``reduced_2`` gets it decided, and a line naming 5.5 % in that class is not flagged."""
    api = _api(server, "FR")
    customer = {"name": "Client SARL", "country": "FR"}
    lines = [
        {"name": "Livre", "price": "20.00", "kind": "goods", "tax_class": "reduced_2"},
        {"name": "Restaurant", "price": "30.00", "tax_class": "reduced"},
    ]
    r = api.post("/v1/invoices", json={"customer": customer, "date": "2026-06-01", "items": lines})
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert [[t["rate"] for t in li["taxes"]] for li in invoice["items"]] == [["5.5"], ["10"]]
    assert invoice["total_tax"] == "4.10"

    item = api.post(
        "/v1/items", json={"name": "Baguette", "price": "1.20", "taxes": [{"rate": 5.5}], "tax_class": "reduced_2"}
    ).json()
    r = api.post("/v1/invoices", json={"customer": customer, "date": "2026-06-01", "items": [{"item_id": item["id"]}]})
    assert r.status_code == 201, r.text
    assert r.json()["items"][0]["tax_class"] == "reduced_2"
    assert "where the rules call for" not in r.json()["tax_treatment"]["reason"]
