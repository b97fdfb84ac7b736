"""The VIES client and the VAT number check against the VIES stand-in, served for real (``vies`` fixture):
every outcome, the timeout bound, and the 24-hour cache in the database (counted at the stand-in)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import pytest

from contract.errors import ValidationFailed
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from invoicing.db.models import ViesCheck
from invoicing.db.types import utcnow
from invoicing.taxes.schemas import VatNumberCheck
from invoicing.taxes.service import VatNumberService
from invoicing.taxes.vies import ViesClient, read_answer
from tests.conftest import VIES_TIMEOUT, _free_port


def _check(url: str, number: str, timeout: float = VIES_TIMEOUT):
    async def run():
        client = ViesClient(url, timeout=timeout)
        try:
            return await client.check(number)
        finally:
            await client.close()

    return asyncio.run(run())


def test_a_valid_number_comes_with_the_trader_and_the_consultation_number(vies):
    answer = _check(vies.url, "DE811569869")
    assert (answer.status, answer.name, answer.address) == (
        "valid",
        "Muster Maschinenbau GmbH",
        "Hauptstraße 1\n10115 Berlin",
    )
    assert answer.request_identifier and answer.request_identifier.startswith("WAPI")
    greek = _check(vies.url, "EL094259216")
    assert greek.status == "valid" and vies.requests["EL094259216"] >= 1
    undisclosed = _check(vies.url, "ESB12345674")
    assert (undisclosed.status, undisclosed.name, undisclosed.address) == ("valid", None, None)


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("DE123456788", "invalid"),
        ("HR12345678903", "invalid"),  # INVALID_INPUT
        ("FI12345671", "invalid"),  # not in the stand-in's register
        ("IT00743110157", "unavailable"),  # MS_UNAVAILABLE
        ("BE0403019261", "unavailable"),  # MS_MAX_CONCURRENT_REQ
        ("PL5260250995", "unavailable"),  # HTTP 500
    ],
)
def test_each_answer_of_vies(vies, number, status):
    answer = _check(vies.url, number)
    assert answer.status == status
    assert answer.name is None and answer.request_identifier is None


def test_a_slow_vies_is_unavailable_within_the_timeout(vies):
    started = time.monotonic()
    answer = _check(vies.url, "NL123456782B01")
    elapsed = time.monotonic() - started
    assert answer.status == "unavailable" and "Timeout" in (answer.error or "")
    assert VIES_TIMEOUT * 0.9 < elapsed < VIES_TIMEOUT + 0.3


def test_concurrent_checks_of_one_number_share_one_request(vies):
    async def run():
        client = ViesClient(vies.url, timeout=VIES_TIMEOUT)
        try:
            return await asyncio.gather(*(client.check("ATU12345675") for _ in range(5)))
        finally:
            await client.close()

    asked = vies.requests["ATU12345675"]
    answers = asyncio.run(run())
    assert len({a.request_identifier for a in answers}) == 1 and answers[0].status == "valid"
    assert vies.requests["ATU12345675"] == asked + 1


def test_no_server_is_unavailable():
    assert _check(f"http://127.0.0.1:{_free_port()}", "DE811569869").status == "unavailable"


def test_answers_that_are_not_vies_json_are_unavailable():
    request = httpx.Request("POST", "https://vies.example/check-vat-number")
    assert read_answer(httpx.Response(200, text="<html>maintenance</html>", request=request)).status == "unavailable"
    assert read_answer(httpx.Response(200, json={"valid": "yes"}, request=request)).status == "unavailable"
    assert read_answer(httpx.Response(200, json={"valid": False, "userError": "NEW_KIND"}, request=request)).error == (
        "NEW_KIND"
    )
    assert read_answer(httpx.Response(404, json={"valid": True}, request=request)).status == "unavailable"
    wrapped = {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE"}]}
    assert read_answer(httpx.Response(200, json=wrapped, request=request)).error == "MS_UNAVAILABLE"


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'folio.db'}"
    upgrade(url)
    return url


def _service_check(database_url: str, vies_url: str, number: str, *, age: timedelta | None = None):
    """Check ``number`` as a request would (the request's transaction commits after), optionally ageing
    its cached answer first."""

    async def run():
        db, client = Database(database_url), ViesClient(vies_url, timeout=VIES_TIMEOUT)
        try:
            if age is not None:
                async with db.transaction() as session:
                    row = await session.get(ViesCheck, number)
                    row.checked_at = utcnow() - age
            async with db.transaction() as session:
                result = await VatNumberService(session, db, client).check(VatNumberCheck(vat_number=number))
            async with db.transaction(write=False) as session:
                return result, await session.get(ViesCheck, result.vat_number)
        finally:
            await client.close()
            await db.dispose()

    return asyncio.run(run())


def test_a_final_answer_is_cached_for_24_hours(vies, database):
    before = vies.requests["SI50223054"]
    first, row = _service_check(database, vies.url, "si 5022 3054")
    assert (first.vat_number, first.country, first.valid, first.status, first.name) == (
        "SI50223054",
        "SI",
        True,
        "valid",
        "Sončnica d.o.o.",
    )
    assert row is not None and (row.status, row.request_identifier) == ("valid", first.request_identifier)
    again, _ = _service_check(database, vies.url, "SI50223054")
    assert again == first and vies.requests["SI50223054"] == before + 1  # no second request
    stale, _ = _service_check(database, vies.url, "SI50223054", age=timedelta(hours=24, seconds=1))
    assert vies.requests["SI50223054"] == before + 2 and stale.checked_at > first.checked_at

    asked = vies.requests["DE123456788"]
    invalid, row = _service_check(database, vies.url, "DE123456788")
    assert (invalid.valid, invalid.status, row.status) == (False, "invalid", "invalid")
    assert _service_check(database, vies.url, "DE123456788")[0] == invalid
    assert vies.requests["DE123456788"] == asked + 1


@pytest.mark.parametrize("number", ["IT00743110157", "PL5260250995", "NL123456782B01"])
def test_unavailable_counts_as_valid_and_is_never_cached(vies, database, number):
    before = vies.requests[number]
    started = time.monotonic()
    result, row = _service_check(database, vies.url, number)
    assert (result.valid, result.status, result.name, result.request_identifier) == (True, "unavailable", None, None)
    assert row is None and time.monotonic() - started < VIES_TIMEOUT + 1
    _service_check(database, vies.url, number)
    assert vies.requests[number] == before + 2  # asked again


def test_a_malformed_number_is_refused_before_vies(vies, database):
    with pytest.raises(ValidationFailed) as caught:
        _service_check(database, vies.url, "DE81156986")
    assert caught.value.errors == [
        {
            "field": "vat_number",
            "message": "is not a valid DE VAT number (the number has an invalid length); expected DE and 9 digits",
        }
    ]
    assert vies.requests["DE81156986"] == 0


def test_folio_demo_runs_the_stand_in_unless_folio_vies_url_is_set(monkeypatch):
    from folio.cli import _vies_stand_in
    from invoicing.config import Settings

    monkeypatch.setenv("FOLIO_VIES_URL", "https://vies.example/rest-api/")
    settings = Settings()
    assert _vies_stand_in(settings) is None and settings.vies.url == "https://vies.example/rest-api"
    monkeypatch.delenv("FOLIO_VIES_URL")
    settings = Settings()
    assert settings.vies.url == "https://ec.europa.eu/taxation_customs/vies/rest-api"
    sock = _vies_stand_in(settings)
    try:
        assert sock is not None and settings.vies.url == f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
