"""A VIES stand-in speaking the European Commission's REST protocol, for tests and ``make run``.

``POST /check-vat-number`` with ``{"countryCode", "vatNumber"}`` answers like VIES, from the table
below (numbers with their prefix; all pass python-stdnum's checksum). Any other number is not registered:
``valid: false``. ``folio demo`` runs it on a free port and points ``FOLIO_VIES_URL`` at it unless that is
set; tests start it as a real server and read :attr:`ViesStandIn.requests` (per number).

==================  =================================================================
number              answer
==================  =================================================================
DE811569869         valid: Muster Maschinenbau GmbH, Berlin
SI50223054          valid: Sončnica d.o.o., Ljubljana
FR82542065479       valid: Atelier Lumière SARL, Paris
ATU12345675         valid: Alpen Handel GmbH, Wien
EL094259216         valid: Hellas Trading A.E., Athens (Greece's prefix is EL)
ESB12345674         valid, name and address not disclosed (``---``, as Spain does)
DE123456788         invalid (not registered)
HR12345678903       ``userError: INVALID_INPUT``
IT00743110157       ``userError: MS_UNAVAILABLE`` (the member state is down)
BE0403019261        ``userError: MS_MAX_CONCURRENT_REQ``
NL123456782B01      slow: answers valid after ``slow_seconds`` (past Folio's timeout)
PL5260250995        HTTP 500
CZ25123891          ``MS_UNAVAILABLE`` to its first request, then invalid (not registered)
DK13585628          ``MS_UNAVAILABLE`` to its first request, then valid: Dansk Handel ApS
==================  =================================================================

The last two show a background re-check (:mod:`invoicing.taxes.recheck`) turning ``unavailable``
evidence into a final answer. "First" counts :attr:`ViesStandIn.requests`: a test that needs the flip
again clears the number's count (``stand_in.requests.pop(number, None)``).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from litestar import Litestar, Response, post

VALID = {
    "DE811569869": ("Muster Maschinenbau GmbH", "Hauptstraße 1\n10115 Berlin"),
    "SI50223054": ("Sončnica d.o.o.", "Slovenska cesta 1\n1000 Ljubljana"),
    "FR82542065479": ("Atelier Lumière SARL", "12 Rue de la Paix\n75002 Paris"),
    "ATU12345675": ("Alpen Handel GmbH", "Ringstraße 5\n1010 Wien"),
    "EL094259216": ("Hellas Trading A.E.", "Odos Ermou 10\n10563 Athina"),
    "ESB12345674": ("---", "---"),
}
INVALID = "DE123456788"
INVALID_INPUT = "HR12345678903"
UNAVAILABLE = {"IT00743110157": "MS_UNAVAILABLE", "BE0403019261": "MS_MAX_CONCURRENT_REQ"}
SLOW = "NL123456782B01"
FAILING = "PL5260250995"
FLIP_INVALID = "CZ25123891"
FLIP_VALID = "DK13585628"
FLIP_VALID_NAME = ("Dansk Handel ApS", "Strøget 1\n1160 København K")


class ViesStandIn:
    """The stand-in's Litestar app (:attr:`app`) and what it was asked (:attr:`requests`)."""

    def __init__(self, slow_seconds: float = 10.0) -> None:
        self.slow_seconds = slow_seconds
        self.url = ""
        """Where it listens, set by whoever serves :attr:`app`."""
        self.requests: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self.app = Litestar(route_handlers=[post("/check-vat-number", status_code=200)(self._check)])

    def _answer(self, country: str, number: str, valid: bool, **fields: Any) -> dict[str, Any]:
        return {
            "countryCode": country,
            "vatNumber": number,
            "requestDate": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "valid": valid,
            "requestIdentifier": f"WAPIAAAAZ{next(self._ids):07d}" if valid else "",
            "name": "---",
            "address": "---",
            "userError": "VALID" if valid else "INVALID",
            **fields,
        }

    async def _check(self, data: dict[str, Any]) -> Response[dict[str, Any]]:
        country, number = str(data.get("countryCode", "")), str(data.get("vatNumber", ""))
        full = country + number
        self.requests[full] += 1
        if full == FAILING:
            return Response({"actionSucceed": False, "errorWrappers": [{"error": "SERVER_ERROR"}]}, status_code=500)
        if full == SLOW:
            await asyncio.sleep(self.slow_seconds)
        if full in (FLIP_INVALID, FLIP_VALID) and self.requests[full] == 1:
            return Response(self._answer(country, number, False, userError="MS_UNAVAILABLE", requestIdentifier=""))
        if full == FLIP_VALID:
            name, address = FLIP_VALID_NAME
            return Response(self._answer(country, number, True, name=name, address=address))
        if full in UNAVAILABLE:
            return Response(self._answer(country, number, False, userError=UNAVAILABLE[full], requestIdentifier=""))
        if full == INVALID_INPUT or not country or not number:
            return Response(self._answer(country, number, False, userError="INVALID_INPUT"))
        if full in VALID or full == SLOW:
            name, address = VALID.get(full, ("Langzaam B.V.", "Kanaalweg 1\n1012 Amsterdam"))
            return Response(self._answer(country, number, True, name=name, address=address))
        return Response(self._answer(country, number, False))
