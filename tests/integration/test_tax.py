"""``GET /v1/tax-rates`` and ``POST /v1/vat-numbers/check`` over HTTP on both engines, with the server's
``FOLIO_VIES_URL`` on the VIES stand-in (``vies`` fixture): every VIES outcome, the shared cache, bad input."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.conftest import VIES_TIMEOUT
from tests.integration.conftest import assert_problem


def test_one_member_states_rates_with_the_dates_they_hold_from(tenant):
    r = tenant.account.get("/v1/tax-rates", params={"country": "DE", "date": "2025-06-01"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "date": "2025-06-01",
        "data": [
            {
                "country": "DE",
                "tax_name": "MwSt.",
                "rates": {
                    "standard": {"rate": "19", "valid_from": "2023-01-01"},
                    "reduced": {"rate": "7", "valid_from": "2023-01-01"},
                    "zero": {"rate": "0", "valid_from": "2023-01-01"},
                },
            }
        ],
    }
    today = tenant.api.get("/v1/tax-rates", params={"country": "fi"}).json()
    assert today["date"] == datetime.now(UTC).date().isoformat()
    assert today["data"][0]["rates"]["standard"] == {"rate": "25.5", "valid_from": "2024-09-01"}
    before = tenant.api.get("/v1/tax-rates", params={"country": "FI", "date": "2024-08-31"}).json()
    assert before["data"][0]["rates"]["standard"] == {"rate": "24", "valid_from": "2023-01-01"}
    greece = tenant.api.get("/v1/tax-rates", params={"country": "EL"}).json()
    assert greece["data"][0]["country"] == "GR" and greece["data"][0]["rates"]["standard"]["rate"] == "24"


def test_all_27_member_states_without_a_country(tenant):
    body = tenant.api.get("/v1/tax-rates", params={"date": "2026-12-01"}).json()
    countries = [entry["country"] for entry in body["data"]]
    assert len(countries) == 27 and countries == sorted(countries) and "GR" in countries and "GB" not in countries
    assert all("standard" in entry["rates"] for entry in body["data"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "US"}, "country"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"country": "DEU"}, "country"),
        ({"country": "DE", "date": "2020-01-01"}, "date"),
        ({"country": "DE", "date": "2025-13-01"}, "date"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(tenant, params, field):
    body = assert_problem(tenant.api.get("/v1/tax-rates", params=params), 422)
    assert [e["field"] for e in body["errors"]] == [field], body


def _check(client, number: str):
    return client.post("/v1/vat-numbers/check", json={"vat_number": number})


def test_a_valid_number_with_its_trader_and_evidence_then_from_the_cache(tenant, vies):
    asked = vies.requests["FR82542065479"]
    r = _check(tenant.api, "FR 825 420 654 79")
    assert r.status_code == 200, r.text
    body = r.json()
    checked_at = datetime.fromisoformat(body.pop("checked_at"))
    assert body == {
        "vat_number": "FR82542065479",
        "country": "FR",
        "valid": True,
        "status": "valid",
        "name": "Atelier Lumière SARL",
        "address": "12 Rue de la Paix\n75002 Paris",
        "request_identifier": body["request_identifier"],
    }
    assert body["request_identifier"].startswith("WAPI") and abs((datetime.now(UTC) - checked_at).total_seconds()) < 60
    again = _check(tenant.account, "FR82542065479")  # another credential, the same shared answer
    assert again.json() == r.json() and vies.requests["FR82542065479"] == asked + 1


def test_greece_is_checked_as_el(tenant, vies):
    asked = vies.requests["EL094259216"]
    body = _check(tenant.api, "GR094259216").json()
    assert (body["vat_number"], body["country"], body["status"]) == ("EL094259216", "GR", "valid")
    assert vies.requests["EL094259216"] in (asked, asked + 1)  # the unit tests may have asked in this run


@pytest.mark.parametrize("number", ["DE123456788", "HR12345678903", "SE123456789701"])
def test_an_invalid_number(tenant, number):
    body = _check(tenant.api, number).json()
    assert (body["valid"], body["status"], body["name"], body["request_identifier"]) == (False, "invalid", None, None)


@pytest.mark.parametrize("number", ["IT00743110157", "BE0403019261", "PL5260250995", "NL123456782B01"])
def test_vies_unavailable_counts_as_valid_is_bounded_and_asked_again(tenant, vies, number):
    asked = vies.requests[number]
    started = time.monotonic()
    r = _check(tenant.api, number)
    assert r.status_code == 200 and time.monotonic() - started < VIES_TIMEOUT + 1.5
    body = r.json()
    assert (body["valid"], body["status"], body["name"], body["address"], body["request_identifier"]) == (
        True,
        "unavailable",
        None,
        None,
        None,
    )
    _check(tenant.api, number)
    assert vies.requests[number] == asked + 2


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"vat_number": "DE81156986"}, "expected DE and 9 digits"),
        ({"vat_number": "DE811569868"}, "checksum"),
        ({"vat_number": "NL12345678B01"}, "expected NL, 9 digits, B and 2 digits"),
        ({"vat_number": "US123456789"}, "prefix of an EU member state"),
        ({"vat_number": "811569869"}, "prefix of an EU member state"),
        ({"vat_number": ""}, "must not be empty"),
        ({"vat_number": "DE" + "1" * 40}, ""),
        ({}, "required"),
        ({"vat_number": 811569869}, ""),
    ],
)
def test_a_malformed_number_is_a_422_naming_vat_number(tenant, vies, body, words):
    total = sum(vies.requests.values())
    problem = assert_problem(tenant.api.post("/v1/vat-numbers/check", json=body), 422)
    assert [e["field"] for e in problem["errors"]] == ["vat_number"], problem
    assert words in problem["errors"][0]["message"]
    assert sum(vies.requests.values()) == total


def test_an_unknown_field_is_refused(tenant):
    problem = assert_problem(tenant.api.post("/v1/vat-numbers/check", json={"vat_number": "DE811569869", "x": 1}), 422)
    assert problem["errors"][0]["field"] == "x"


def test_tax_routes_need_a_credential(server):
    assert_problem(server.client().get("/v1/tax-rates"), 401)
    assert_problem(server.client().post("/v1/vat-numbers/check", json={"vat_number": "DE811569869"}), 401)
