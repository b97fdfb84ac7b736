"""VIES over HTTP: one VAT number checked against the European Commission's REST API.

``POST {FOLIO_VIES_URL}/check-vat-number`` with ``{"countryCode", "vatNumber"}`` (Greece ``EL``, the
number without its prefix); the answer carries ``valid``, ``name``, ``address``, ``requestDate``,
``requestIdentifier`` and, when VIES could not decide, ``userError``. :class:`ViesClient` turns it
into a :class:`ViesAnswer` whose ``status`` is ``valid``, ``invalid`` or ``unavailable``.

When VIES cannot answer, the policy is:

* ``unavailable`` is the answer for a ``userError`` of the unavailable kind (:data:`UNAVAILABLE`:
  ``MS_UNAVAILABLE``, ``SERVICE_UNAVAILABLE``, ``TIMEOUT``, ``MS_MAX_CONCURRENT_REQ``, … and any error
  Folio does not know), a timeout, a 5xx, an answer that is not VIES's JSON, or a connection error.
* A check never takes longer than ``FOLIO_VIES_TIMEOUT`` (the whole exchange is bounded, not each
  read); it never raises.
* The caller (:mod:`invoicing.taxes.service`) answers such a number as valid for now (``valid: true``,
  ``status: "unavailable"``; its syntax and checksum were checked first) and never caches it: the next
  check asks VIES again. Only ``valid`` and ``invalid`` are final answers, cached for 24 hours.
* A customer left with ``unavailable`` evidence is re-checked in the background
  (:mod:`invoicing.taxes.recheck`); a later ``invalid`` is recorded on the customer and raised as the
  event ``customer.vat_number_invalid``. Issued documents keep their evidence.
* ``INVALID_INPUT`` is VIES refusing the number itself: ``invalid``.

Concurrent checks of one number in a process share one request.

:func:`vies_lifespan` gives the app's process one shared client (``app.state.vies``), provided to services
as the ``vies`` dependency (:func:`provide_vies`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from litestar import Litestar, Request

from invoicing.core.tax_numbers import VIES_PREFIX
from invoicing.db.models import ViesStatus
from invoicing.tax.rates import iso_country

log = logging.getLogger("folio.vies")

UNAVAILABLE = frozenset(
    {
        "MS_UNAVAILABLE",
        "SERVICE_UNAVAILABLE",
        "TIMEOUT",
        "MS_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "SERVER_BUSY",
    }
)
"""``userError`` values that mean VIES could not answer now (any unknown error is read the same way)."""
DECIDED = frozenset({"", "VALID", "INVALID"})
"""``userError`` values that come with a real ``valid`` (VIES repeats its verdict there)."""
UNDISCLOSED = frozenset({"", "---"})


@dataclass(frozen=True)
class ViesAnswer:
    status: ViesStatus
    name: str | None = None
    address: str | None = None
    request_identifier: str | None = None
    error: str | None = None
    """Why the answer is ``unavailable`` (or VIES's ``INVALID_INPUT``), for the log."""


def compact_vat_number(number: str | None, country: str | None) -> str | None:
    """``"DE 123 456 789"`` → ``"DE123456789"``; a number without its prefix takes the country's."""
    compact = "".join(ch for ch in (number or "") if ch.isalnum()).upper()
    if compact and not compact[:2].isalpha() and country:
        code = iso_country(country)
        compact = VIES_PREFIX.get(code, code) + compact
    return compact or None


def evidence_of(answer: ViesAnswer, checked_at: datetime) -> dict[str, Any]:
    """The evidence kept on documents and customers: ``{status, checked_at, request_identifier, name}``."""
    return {
        "status": answer.status,
        "checked_at": checked_at.isoformat(),
        "request_identifier": answer.request_identifier,
        "name": answer.name,
    }


def _text(value: Any) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return None if text in UNDISCLOSED else text


def _error(body: dict[str, Any]) -> str:
    error = body.get("userError")
    if not error and isinstance(body.get("errorWrappers"), list) and body["errorWrappers"]:
        first = body["errorWrappers"][0]
        error = first.get("error") if isinstance(first, dict) else None
    return str(error or "").upper()


def read_answer(response: httpx.Response) -> ViesAnswer:
    """VIES's HTTP answer as a :class:`ViesAnswer` (see the module docstring for the policy)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ViesAnswer("unavailable", error=f"HTTP {response.status_code}, not VIES's JSON")
    error = _error(body)
    if error == "INVALID_INPUT" and response.status_code < 500:
        return ViesAnswer("invalid", error=error)
    if response.status_code != 200 or error not in DECIDED or not isinstance(body.get("valid"), bool):
        return ViesAnswer("unavailable", error=error or f"HTTP {response.status_code}")
    return ViesAnswer(
        "valid" if body["valid"] else "invalid",
        name=_text(body.get("name")),
        address=_text(body.get("address")),
        request_identifier=_text(body.get("requestIdentifier")),
    )


class ViesClient:
    """Checks VAT numbers at ``url`` with one shared connection pool; each check bounded by ``timeout``."""

    def __init__(self, url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=5),
            headers={"User-Agent": "Folio VAT check", "Accept": "application/json"},
        )
        self._pending: dict[str, asyncio.Future[ViesAnswer]] = {}

    async def close(self) -> None:
        await self.client.aclose()

    async def check(self, vat_number: str) -> ViesAnswer:
        """VIES's answer for a compact number with its prefix (``DE136695976``, ``EL094259216``). Concurrent
        checks of one number in this process share one request."""
        pending = self._pending.get(vat_number)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[ViesAnswer] = asyncio.get_running_loop().create_future()
        self._pending[vat_number] = future
        try:
            answer = await self._ask(vat_number)
            future.set_result(answer)
            return answer
        finally:
            del self._pending[vat_number]
            if not future.done():  # cancelled: the waiters go on without VIES
                future.set_result(ViesAnswer("unavailable", error="cancelled"))

    async def _ask(self, vat_number: str) -> ViesAnswer:
        body = {"countryCode": vat_number[:2], "vatNumber": vat_number[2:]}
        try:
            async with asyncio.timeout(self.timeout):
                response = await self.client.post(f"{self.url}/check-vat-number", json=body)
        except (TimeoutError, httpx.HTTPError) as exc:
            answer = ViesAnswer("unavailable", error=f"{type(exc).__name__}: {exc}".rstrip(": "))
        else:
            answer = read_answer(response)
        if answer.status == "unavailable":
            log.warning("VIES could not answer for %s: %s", vat_number, answer.error)
        return answer


@contextlib.asynccontextmanager
async def vies_lifespan(app: Litestar) -> AsyncIterator[None]:
    """One shared :class:`ViesClient` for the app's process (``app.state.vies``), closed on shutdown."""
    settings = app.state.settings.vies
    client = ViesClient(settings.url, timeout=settings.timeout)
    app.state.vies = client
    try:
        yield
    finally:
        await client.close()


def provide_vies(request: Request) -> ViesClient:
    """The process's client (the ``vies`` dependency)."""
    return request.app.state.vies
