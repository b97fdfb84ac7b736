"""HTTP details: a 405 names the methods the path allows (``Allow``), on the API and the BFF alike; the
HTML preview's ``Content-Type`` says its charset once."""

from __future__ import annotations

import pytest

from tests.integration.conftest import INVOICE, assert_problem


def _allowed(r) -> set[str]:
    assert_problem(r, 405)
    return {method.strip() for method in r.headers["allow"].split(",")}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/invoices", {"GET", "POST"}),
        ("PUT", "/v1/customers", {"GET", "POST"}),
        ("POST", "/healthz", {"GET"}),
        ("GET", "/embed/session", {"POST"}),
        ("DELETE", "/embed/tokens", {"POST"}),
        ("PUT", "/app/sign-in", {"GET", "POST"}),
        ("PATCH", "/app/session", {"GET", "POST"}),
    ],
)
def test_a_405_names_the_allowed_methods(server, tenant, method, path, allowed):
    r = tenant.api.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
    assert _allowed(r) - {"OPTIONS", "HEAD"} == allowed, r.headers["allow"]


def test_a_405_on_a_path_with_an_id_names_its_methods(tenant):
    invoice = tenant.api.post("/v1/invoices", json=INVOICE).json()
    assert {"GET"} <= _allowed(tenant.api.put(f"/v1/invoices/{invoice['id']}/html", json={}))


def test_the_html_preview_names_its_charset_once(tenant):
    invoice = tenant.api.post("/v1/invoices", json=INVOICE).json()
    r = tenant.api.get(f"/v1/invoices/{invoice['id']}/html")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
