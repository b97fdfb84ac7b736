"""The attacks that did not get through, kept as tests so they keep not getting through (SQLite and
PostgreSQL, real servers over TCP):

1. path tricks against the dashboard's proxy /embed/api (raw request targets, as an attacker sends them);
2. cross-site writes with the standalone dashboard's cookie;
3. token replay and tampering, also as concurrent races;
4. an entity's credential guessing another entity's ids, on every route that takes one;
5. hostile text in the HTML preview and the PDF, and SVG logos with scripts;
6. SSRF through ``branding.logo_url``;
7. oversized bodies on every door.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
import segno

from folio.server import create_server_app
from invoicing.rendering import PREVIEW_CSP, LogoFetcher
from tests.conftest import running, server_settings
from tests.integration.conftest import (
    HOST,
    INVOICE,
    Embed,
    Tenant,
    add_users,
    address,
    assert_problem,
    invite,
    latest_link,
    make_account,
    make_entity,
    wait_for_emails,
)
from tests.integration.pdf_helpers import pdf_images, pdf_text

# -- raw HTTP: no client library normalises what an attacker sends ------------------------------------------


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def raw_request(base_url: str, target: str | bytes, headers: dict[str, str] | None = None, method: str = "GET") -> Raw:
    """Send ``target`` byte for byte as the request target of one HTTP/1.1 request."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if isinstance(target, str):
        target = target.encode("utf-8")
    lines = [method.encode() + b" " + target + b" HTTP/1.1", f"Host: {host}:{port}".encode(), b"Connection: close"]
    lines += [f"{k}: {v}".encode() for k, v in (headers or {}).items()]
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        k, _, v = line.partition(":")
        found[k.strip().lower()] = v.strip()
    if found.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return Raw(int(status_line.split()[1]), found, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, data = out + rest[:n], rest[n + 2 :]
    return out


# -- 1. path tricks against the proxy ---------------------------------------------------------------------------


@dataclass
class Victims:
    embed: Embed
    session: dict
    other_entity: str
    other_invoice: str
    secret: str  # a name only the other entity's data carries
    app_cookie: str  # the standalone dashboard's session cookie (an admin of the same entity)


@pytest.fixture(scope="module")
def victims(server) -> Victims:
    """One session for all the tricks (per engine): opening one per trick would meet the session limit."""
    account_id, keys = make_account(server)
    account = server.client(keys["sandbox"])
    mine, other = make_entity(account)["id"], make_entity(account)["id"]
    tenant = Tenant(account_id, keys["sandbox"], keys["live"], mine, server.client(keys["sandbox"], mine), account)
    account.patch("/v1/account", json={"embed_allowed_origins": [HOST]}).raise_for_status()
    embed = Embed(server, tenant, add_users(tenant))
    secret = f"Secret Buyer {other[-6:]}"
    invoice = account.post(
        "/v1/invoices", json={**INVOICE, "customer": {"name": secret}}, headers={"X-Entity-Id": other}
    )
    assert invoice.status_code == 201, invoice.text
    assert tenant.api.post("/v1/invoices", json=INVOICE).status_code == 201
    member = invite(tenant, "admin")
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        opened = browser.post("/app/session", json={"token": latest_link(tenant, member["email"])})
        assert opened.status_code == 201, opened.text
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    return Victims(embed, embed.session("admin"), other, invoice.json()["id"], secret, cookie)


# {O}: the other entity's invoice, {E}: the other entity, {S}: the session's own entity
PATH_TRICKS = [
    "/embed/api/v1/invoices/..%2f..%2faccount",
    "/embed/api/v1/invoices/..%2F..%2Faccount",
    "/embed/api/v1/invoices/%2e%2e/%2e%2e/account",
    "/embed/api/v1/invoices/%2E%2E/%2E%2E/%2E%2E/schema",
    "/embed/api/v1/invoices/.%2e/.%2e/account",
    "/embed/api/v1/invoices/%252e%252e/%252e%252e/account",
    "/embed/api/v1/invoices/..%252f..%252faccount",
    "/embed/api/v1/invoices\\..\\..\\account",
    "/embed/api/v1/invoices/..%5c..%5caccount",
    "/embed/api//v1/account",
    "/embed/api/v1//account",
    "/embed/api/v1/account;x=1",
    "/embed/api/v1/invoices;/../../account",
    "/embed/api/v1/account%00",
    "/embed/api/v1/invoices/%00/../../account",
    "/embed/api/v1/invoices/" + "a" * 12000,
    "/embed/api/v1/invoices/" + "../" * 400 + "schema",
    "http://evil.example/v1/account",
    "http://evil.example/embed/api/v1/invoices/{O}",
    "/embed/api/v1/@evil.example/v1/account",
    "/embed/api/@127.0.0.1/v1/account",
    "/embed/api/v1/invoices/%E2%80%A4%E2%80%A4/%E2%80%A4%E2%80%A4/account",
    "/embed/api/v1/invoices/%EF%BC%8E%EF%BC%8E/%EF%BC%8E%EF%BC%8E/account",
    "/embed/api/v1/account.",
    "/embed/api/v1/account./",
    "/embed/api/v1/ACCOUNT",
    "/embed/api/V1/account",
    "/EMBED/api/v1/account",
    "/embed/api/v1/../../../schema",
    "/embed/api/v1/%2e%2e/%2e%2e/%2e%2e/schema/openapi.json",
    "/embed/api/v1/../../../app/session",
    "/embed/api/v1/%2e%2e/%2e%2e/session",
    "/embed/api/v1/embed/session",
    "/embed/api/v1/schema",
    "/embed/api/v1/%73chema",
    "/embed/api/v1/entities/{E}",
    "/embed/api/v1/entities/{S}/../{E}",
    "/embed/api/v1/entities/{S}%2f..%2f{E}",
    "/embed/api/v1/entities/{S}/%61pi-keys",
    "/embed/api/v1/entities/{S}/api-keys/",
    "/embed/api/v1/invoices/{O}",
    "/embed/api/v1/invoices/{O}/pdf",
    "/embed/api/v1/invoices/{O}/html",
    "/embed/api/v1/invoices/{O}/einvoice",
    "/embed/api/v1/invoices/{O}%23",
    "/embed/api/v1/invoices/{O}%3fx=1",
    "/embed/api/v1/invoices/{O}?entity_id={E}",
    "/embed/api/v1/invoices/x/../{O}",
]


OPENAPI = '"openapi":'  # what the schema document starts with (the path itself may be echoed in a 404)


def _fill(trick: str, v: Victims) -> str:
    return trick.format(O=v.other_invoice, E=v.other_entity, S=v.embed.tenant.entity_id)


def test_there_are_at_least_28_path_tricks_and_the_leak_markers_would_see_a_leak(victims):
    assert len(PATH_TRICKS) >= 28
    v = victims
    assert OPENAPI in raw_request(v.embed.url, "/schema/openapi.json").body.decode()
    direct = v.embed.tenant.account.get(f"/v1/invoices/{v.other_invoice}", headers={"X-Entity-Id": v.other_entity})
    assert v.secret in direct.text


@pytest.mark.parametrize("trick", PATH_TRICKS)
def test_a_path_trick_never_reaches_another_entity_or_a_route_outside_v1(victims, trick):
    v = victims
    auth = {"Authorization": f"Bearer {v.session['session_token']}", "X-Entity-Id": v.other_entity}
    r = raw_request(v.embed.url, _fill(trick, v), auth)
    # 401: an absolute URL is the API's own /v1/… (no API key); 422: the API refused the query, for this entity
    assert r.status in (400, 401, 404, 422), (r.status, r.body[:300])
    text = r.body.decode("utf-8", "replace")
    for leak in (v.secret, v.other_invoice, OPENAPI, "sk_sandbox_", "ek_sandbox_", "embed_allowed_origins"):
        assert leak not in text or leak in _fill(trick, v), (leak, text[:300])
    if r.status in (401, 404, 422) and r.body:
        assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    # the same session still reads its own entity: what was refused was the trick, not the session
    ok = raw_request(v.embed.url, "/embed/api/v1/invoices", {"Authorization": auth["Authorization"]})
    assert ok.status == 200 and v.secret not in ok.body.decode()


@pytest.mark.parametrize("trick", PATH_TRICKS)
def test_the_same_tricks_through_the_standalone_dashboards_proxy(victims, trick):
    v = victims
    target = _fill(trick, v).replace("/embed/api", "/app/api").replace("/EMBED/api", "/APP/api")
    r = raw_request(v.embed.url, target, {"Cookie": v.app_cookie, "X-Entity-Id": v.other_entity})
    assert r.status in (400, 401, 404, 422), (r.status, r.body[:300])
    text = r.body.decode("utf-8", "replace")
    for leak in (v.secret, OPENAPI, "sk_sandbox_", "ek_sandbox_", "embed_allowed_origins"):
        assert leak not in text, (leak, text[:300])
    ok = raw_request(v.embed.url, "/app/api/v1/invoices", {"Cookie": v.app_cookie})
    assert ok.status == 200 and v.secret not in ok.body.decode()


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_path_tricks_with_unsafe_methods_write_nothing_elsewhere(victims, method):
    v = victims
    auth = {"Authorization": f"Bearer {v.session['session_token']}", "Content-Length": "0"}
    for trick in (
        "/embed/api/v1/invoices/{O}/void",
        "/embed/api/v1/invoices/%2e%2e/invoices/{O}",
        "/embed/api/v1/entities/{S}/..%2f{E}",
        "/embed/api/v1/entities/{S}/api-keys",
        "/embed/api/v1/../../v1/entities/{S}/api-keys",
    ):
        r = raw_request(v.embed.url, _fill(trick, v), auth, method=method)
        assert r.status in (400, 404, 405), (trick, r.status, r.body[:300])
    other = v.embed.tenant.account.get(f"/v1/invoices/{v.other_invoice}", headers={"X-Entity-Id": v.other_entity})
    assert other.status_code == 200 and other.json()["status"] == "issued"


# -- 2. cross-site writes with the standalone dashboard's cookie -----------------------------------------------


EVIL = "https://evil.example"


def signed_in(server, tenant: Tenant, role: str = "editor") -> tuple[httpx.Client, dict]:
    user = invite(tenant, role)
    client = httpx.Client(base_url=server.url, timeout=30)
    r = client.post("/app/session", json={"token": latest_link(tenant, user["email"])})
    assert r.status_code == 201, r.text
    return client, r.json()


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, "csrf"),  # a form or fetch from anywhere carries the cookie, never the token
        ({"X-CSRF-Token": ""}, "csrf"),
        ({"X-CSRF-Token": "forged"}, "csrf"),
        ({"Origin": EVIL}, "cross_origin"),
        ({"Origin": "null"}, "cross_origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "cross_site"),
        ({"Origin": EVIL, "Content-Type": "application/x-www-form-urlencoded"}, "cross_origin"),
        ({"Content-Type": "text/plain"}, "csrf"),
    ],
)
def test_cookie_writes_without_the_right_origin_and_token_are_refused(server, tenant, headers, code):
    client, _ = signed_in(server, tenant)
    body = json.dumps({"name": "Forged Buyer"})
    for method, path in (
        ("POST", "/app/api/v1/customers"),
        ("PATCH", f"/app/api/v1/entities/{tenant.entity_id}"),
        ("POST", "/app/api/v1/invoices"),
        # sign-out takes no token (it harms nothing), so only another site's is refused
        *([("POST", "/app/sign-out")] if code != "csrf" else []),
    ):
        r = client.request(method, path, content=body, headers={"Content-Type": "application/json", **headers})
        assert_problem(r, 403, code=code)
    assert tenant.api.get("/v1/customers").json()["data"] == []
    assert tenant.api.get("/v1/invoices").json()["data"] == []
    assert tenant.api.get(f"/v1/entities/{tenant.entity_id}").json()["name"] != "Forged Buyer"
    assert client.get("/app/session").status_code == 200  # still signed in


def test_the_app_cookie_is_no_credential_for_the_embed_proxy(server, tenant):
    client, session = signed_in(server, tenant)
    r = client.post("/embed/api/v1/customers", json={"name": "Forged"}, headers={"X-CSRF-Token": session["csrf_token"]})
    assert_problem(r, 401, code="no_session")
    assert tenant.api.get("/v1/customers").json()["data"] == []


# -- 3. token replay and tampering ---------------------------------------------------------------------------


def _race(url: str, token: str, n: int = 10) -> list[httpx.Response]:
    async def run():
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(*(client.post(url, json={"token": token}) for _ in range(n)))

    return asyncio.run(run())


def test_an_embed_token_replayed_concurrently_opens_one_session(embed):
    responses = _race(f"{embed.url}/embed/session", embed.token("editor"))
    assert sorted(r.status_code for r in responses) == [201] + [401] * 9, [r.text for r in responses]
    for r in responses:
        if r.status_code == 401:
            assert_problem(r, 401, code="used")


def test_an_invitation_link_replayed_concurrently_opens_one_session(server, tenant):
    user = invite(tenant, "editor")
    responses = _race(f"{server.url}/app/session", latest_link(tenant, user["email"]))
    assert sorted(r.status_code for r in responses) == [201] + [401] * 9, [r.text for r in responses]
    assert sum("set-cookie" in r.headers for r in responses) == 1


def test_an_emailed_sign_in_link_works_once_and_a_tampered_one_never(server, tenant):
    user = invite(tenant, "viewer")
    sent = len(wait_for_emails(tenant, user["email"], 1))
    assert httpx.post(f"{server.url}/app/sign-in", json={"email": user["email"]}).status_code == 202
    wait_for_emails(tenant, user["email"], sent + 1)
    token = latest_link(tenant, user["email"])
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", token[: len(token) // 2], token[::-1]):
        assert httpx.post(f"{server.url}/app/session", json={"token": bad}).status_code == 401
    assert httpx.post(f"{server.url}/app/session", json={"token": token}).status_code == 201
    assert_problem(httpx.post(f"{server.url}/app/session", json={"token": token}), 401, code="used")


def test_a_session_token_is_bound_to_its_signature(embed):
    session = embed.session("viewer")["session_token"]
    for bad in (session[:-2] + ("AA" if session[-2:] != "AA" else "BB"), session + ".x", session.upper()):
        r = httpx.get(f"{embed.url}/embed/api/v1/invoices", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401, r.text


# -- 4. another entity's ids, guessed ------------------------------------------------------------------------


def _victim(server) -> tuple[Tenant, dict[str, str]]:
    account_id, keys = make_account(server)
    account = server.client(keys["sandbox"])
    entity = make_entity(account, email="billing@victim.example")["id"]
    api = server.client(keys["sandbox"], entity)
    tenant = Tenant(account_id, keys["sandbox"], keys["live"], entity, api, account)
    customer = api.post("/v1/customers", json={"name": "Victim Buyer", "email": "b@victim.example"}).json()["id"]
    without_customer = {k: v for k, v in INVOICE.items() if k != "customer"}
    invoice = api.post("/v1/invoices", json={**without_customer, "customer_id": customer}).json()
    assert invoice["number"], invoice
    payment = api.post("/v1/payments", json={"invoice_id": invoice["id"], "amount": "10.00"})
    assert payment.status_code == 201, payment.text
    credit = api.post("/v1/credit-notes", json={"invoice_id": invoice["id"]})
    assert credit.status_code == 201, credit.text
    item = api.post("/v1/items", json={"name": "Victim item", "price": "5"}).json()["id"]
    user = api.post("/v1/entity-users", json={"email": address("victim"), "role": "viewer"}).json()["id"]
    draft = api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()["id"]
    sent = api.post(f"/v1/invoices/{invoice['id']}/send", json={})
    assert sent.status_code in (200, 202), sent.text
    email = api.get("/v1/emails").json()["data"][0]["id"]
    ids = {
        "entity": entity,
        "invoice": invoice["id"],
        "draft": draft,
        "customer": customer,
        "payment": payment.json()["id"],
        "credit": credit.json()["id"],
        "item": item,
        "user": user,
        "email": email,
    }
    return tenant, ids


def _guesses(ids: dict[str, str]) -> list[tuple[str, str, dict | None]]:
    i, c = ids["invoice"], ids["credit"]
    return [
        ("GET", f"/v1/invoices/{i}", None),
        ("GET", f"/v1/invoices/{i}/pdf", None),
        ("GET", f"/v1/invoices/{i}/html", None),
        ("GET", f"/v1/invoices/{i}/einvoice?format=ubl", None),
        ("GET", f"/v1/invoices/{i}/einvoice?format=facturx", None),
        ("GET", f"/v1/invoices/{i}/einvoice-formats", None),
        ("PATCH", f"/v1/invoices/{ids['draft']}", {"note": "pwned"}),
        ("DELETE", f"/v1/invoices/{ids['draft']}", None),
        ("POST", f"/v1/invoices/{ids['draft']}/finalize", {}),
        ("POST", f"/v1/invoices/{i}/void", {"reason": "pwned"}),
        ("POST", f"/v1/invoices/{i}/send", {}),
        ("POST", f"/v1/invoices/{i}/peppol", {}),
        ("GET", f"/v1/credit-notes/{c}", None),
        ("GET", f"/v1/credit-notes/{c}/pdf", None),
        ("GET", f"/v1/credit-notes/{c}/html", None),
        ("GET", f"/v1/credit-notes/{c}/einvoice?format=cii", None),
        ("GET", f"/v1/credit-notes/{c}/einvoice-formats", None),
        ("POST", f"/v1/credit-notes/{c}/send", {}),
        ("GET", f"/v1/customers/{ids['customer']}", None),
        ("PATCH", f"/v1/customers/{ids['customer']}", {"name": "pwned"}),
        ("DELETE", f"/v1/customers/{ids['customer']}", None),
        ("GET", f"/v1/items/{ids['item']}", None),
        ("PATCH", f"/v1/items/{ids['item']}", {"name": "pwned"}),
        ("DELETE", f"/v1/items/{ids['item']}", None),
        ("GET", f"/v1/payments/{ids['payment']}", None),
        ("DELETE", f"/v1/payments/{ids['payment']}", None),
        ("GET", f"/v1/emails/{ids['email']}", None),
        ("GET", f"/v1/entity-users/{ids['user']}", None),
        ("PATCH", f"/v1/entity-users/{ids['user']}", {"role": "admin"}),
        ("DELETE", f"/v1/entity-users/{ids['user']}", None),
        ("POST", f"/v1/entity-users/{ids['user']}/invitation", {}),
        ("DELETE", f"/v1/entity-users/{ids['user']}/invitation", None),
        ("GET", f"/v1/entities/{ids['entity']}", None),
        ("PATCH", f"/v1/entities/{ids['entity']}", {"name": "pwned"}),
    ]


def _by_reference(ids: dict[str, str]) -> list[tuple[str, dict]]:
    return [
        ("/v1/payments", {"invoice_id": ids["invoice"], "amount": "1.00"}),
        ("/v1/credit-notes", {"invoice_id": ids["invoice"]}),
        ("/v1/refunds", {"payment_id": ids["payment"], "amount": "1.00"}),
        ("/v1/invoices", {"items": INVOICE["items"], "customer_id": ids["customer"]}),
        ("/v1/invoices", {**INVOICE, "items": [{"item_id": ids["item"], "quantity": 1}]}),
    ]


def _attackers(server, victim: Tenant) -> dict[str, httpx.Client]:
    sibling = make_entity(victim.account)["id"]  # the victim's own account, another entity
    entity_key = victim.account.post(f"/v1/entities/{sibling}/api-keys", json={"name": "x"}).json()["key"]
    _, keys = make_account(server, "Attacker")
    foreign = make_entity(server.client(keys["sandbox"]))["id"]
    return {
        "another account": server.client(keys["sandbox"], foreign),
        "another account naming the entity": server.client(keys["sandbox"], victim.entity_id),
        "a sibling entity's key": server.client(entity_key),
        "a sibling entity's key naming the entity": server.client(entity_key, victim.entity_id),
        "the live key": server.client(victim.live_key, victim.entity_id),
    }


def test_no_credential_reaches_another_entitys_documents_by_guessing_ids(server):
    victim, ids = _victim(server)
    before = {
        path: victim.api.get(path).content
        for path in (
            f"/v1/invoices/{ids['invoice']}",
            f"/v1/invoices/{ids['draft']}",
            f"/v1/customers/{ids['customer']}",
            f"/v1/items/{ids['item']}",
            f"/v1/payments/{ids['payment']}",
            f"/v1/credit-notes/{ids['credit']}",
            f"/v1/entity-users/{ids['user']}",
        )
    }
    emails = len(victim.api.get("/v1/emails").json()["data"])
    for who, client in _attackers(server, victim).items():
        for method, path, body in _guesses(ids):
            r = client.request(method, path, json=body) if body is not None else client.request(method, path)
            assert r.status_code in (403, 404), (who, method, path, r.status_code, r.text[:200])
            assert r.headers["content-type"].startswith("application/problem+json"), (who, path)
            assert "Victim" not in r.text, (who, path)
        for path, body in _by_reference(ids):
            r = client.post(path, json=body)
            assert 400 <= r.status_code < 500 and r.status_code != 409, (who, path, r.status_code, r.text[:200])
            assert "Victim" not in r.text, (who, path)
    after = {path: victim.api.get(path).content for path in before}
    assert after == before
    assert len(victim.api.get("/v1/emails").json()["data"]) == emails


def test_the_embed_proxy_never_reaches_another_entitys_ids(server, embed):
    victim, ids = _victim(server)
    before = victim.api.get(f"/v1/invoices/{ids['invoice']}").content
    with embed.dashboard(embed.session("admin")) as dashboard:
        for method, path, body in _guesses(ids):
            path = path.removeprefix("/v1")
            r = dashboard.request(method, path, json=body) if body is not None else dashboard.request(method, path)
            assert r.status_code in (403, 404), (method, path, r.status_code, r.text[:200])
            assert "Victim" not in r.text
    assert victim.api.get(f"/v1/invoices/{ids['invoice']}").content == before
    assert victim.api.get(f"/v1/customers/{ids['customer']}").json()["name"] == "Victim Buyer"
    assert victim.api.get(f"/v1/items/{ids['item']}").status_code == 200


def test_uploaded_files_are_not_found_by_a_near_guess(server, tenant):
    logo = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    r = tenant.account.post(
        f"/v1/entities/{tenant.entity_id}/logo", content=logo, headers={"Content-Type": "image/svg+xml"}
    )
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    assert len(file_id) == len("fil_") + 26  # 80 random bits after the time
    for guess in (file_id[:-1] + ("0" if file_id[-1] != "0" else "1"), file_id[:-10] + "0" * 10, "fil_" + "0" * 26):
        assert_problem(server.client().get(f"/v1/files/{guess}"), 404)


# -- 5. hostile text in the HTML preview and the PDF; SVG logos with scripts ---------------------------------

HOSTILE = {
    "script": "<script>window.__xss=1</script>",
    "attribute": '"><img src=x onerror="window.__xss=1">',
    "javascript": "javascript:window.__xss=1",
    "svg": "<svg onload=window.__xss=1><script>window.__xss=1</script></svg>",
    "style": "</style><style>body{background:url(http://127.0.0.1:9/x)}</style>",
    "comment": "--><script>window.__xss=1</script><!--",
}


class Markup(HTMLParser):
    """Every tag and attribute the browser would build from the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    markup = Markup()
    markup.feed(html)
    for tag, attrs in markup.tags:
        assert tag not in ("script", "iframe", "object", "embed", "svg", "base", "form", "link"), tag
        if tag == "meta":  # the page's own: its charset and its policy, never a refresh or another policy
            assert attrs in (
                [("charset", "utf-8")],
                [("http-equiv", "Content-Security-Policy"), ("content", PREVIEW_CSP)],
            )
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("src", "href", "xlink:href", "action", "srcset"):
                assert (value or "").startswith("data:image/"), (tag, name, value)


def hostile_invoice(api: httpx.Client, text: str) -> dict:
    r = api.post(
        "/v1/invoices",
        json={
            "customer": {"name": f"Buyer {text}", "address": text, "city": text, "country": "SI"},
            "items": [
                {"name": f"Item {text}", "description": text, "unit": text[:40], "quantity": 1, "price": "10.00",
                 "taxes": [{"rate": 22}]}
            ],
            "note": f"Note {text}",
            "metadata": {"x": text},
        },
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_text_is_inert_in_the_html_preview(server, kind):
    text = HOSTILE[kind]
    _, keys = make_account(server)
    entity = make_entity(server.client(keys["sandbox"]), name=f"Seller {text}"[:100])
    api = server.client(keys["sandbox"], entity["id"])
    pages = []
    for words in (text, "plain words"):
        invoice = hostile_invoice(api, words)
        credit = api.post("/v1/credit-notes", json={"invoice_id": invoice["id"], "reason": words})
        assert credit.status_code == 201, credit.text
        pages.append((f"/v1/invoices/{invoice['id']}/html", f"/v1/credit-notes/{credit.json()['id']}/html"))
    for path, plain in zip(pages[0], pages[1], strict=True):
        r = api.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        policy = r.headers["content-security-policy"]
        for directive in ("default-src 'none'", "script-src 'none'", "img-src data:", "base-uri 'none'", "sandbox"):
            assert directive in policy, policy
        assert r.headers.get("x-content-type-options") == "nosniff"
        assert_inert(r.text)
        # the same elements as the page of an invoice in plain words: the text added none
        assert Counter(t for t, _ in _tags(r.text)) == Counter(t for t, _ in _tags(api.get(plain).text))
        assert f"Item {text}" in html.unescape(r.text)  # and it is shown, as text


def test_hostile_text_is_printed_literally_in_the_pdf(server):
    _, keys = make_account(server)
    api = server.client(keys["sandbox"], make_entity(server.client(keys["sandbox"]))["id"])
    text = HOSTILE["attribute"]
    invoice = hostile_invoice(api, text)
    r = api.get(f"/v1/invoices/{invoice['id']}/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    flat = "".join(pdf_text(r.content).split())
    assert "".join(f"Item {text}".split()) in flat and "".join(f"Note {text}".split()) in flat
    assert pdf_images(r.content) == []  # the <img> in the text stayed text


def test_an_svg_logo_with_scripts_never_runs(server, tenant):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20" '
        b'onload="window.__xss=1"><script>window.__xss=1</script>'
        b'<a xlink:href="javascript:window.__xss=1"><rect width="40" height="20"/></a></svg>'
    )
    r = tenant.account.post(
        f"/v1/entities/{tenant.entity_id}/logo", content=svg, headers={"Content-Type": "image/svg+xml"}
    )
    assert r.status_code == 201, r.text
    served = server.client().get(urlsplit(r.json()["url"]).path)
    assert served.status_code == 200
    policy = served.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy  # opened directly, the SVG's script cannot run
    assert served.headers.get("x-content-type-options") == "nosniff"
    invoice = tenant.api.post("/v1/invoices", json=INVOICE).json()
    page = tenant.api.get(f"/v1/invoices/{invoice['id']}/html")
    assert_inert(page.text)  # in the preview the logo is an <img> from a data: URL: images never run scripts
    imgs = [dict(a) for t, a in _tags(page.text) if t == "img"]
    assert any((i.get("src") or "").startswith("data:image/svg+xml") for i in imgs), imgs
    assert b"window.__xss" not in page.content  # not inlined as markup either
    pdf = tenant.api.get(f"/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"JavaScript" not in pdf.content and b"/JS" not in pdf.content


def _tags(page: str):
    markup = Markup()
    markup.feed(page)
    return markup.tags


# -- 6. SSRF through branding.logo_url -------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    segno.make("ssrf", micro=False).save(out, kind="png", scale=4)
    return out.getvalue()


class Recorder:
    """A real HTTP server on every local IPv4 address and on ::1, answering a PNG and recording what it is asked
    (``/redirect?to=URL`` answers 302 to URL)."""

    def __init__(self):
        self.requests: list[str] = []
        png, requests = _png(), self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                if self.path.startswith("/redirect?to="):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("=", 1)[1])
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args):
                pass

        class V6(ThreadingHTTPServer):
            address_family = socket.AF_INET6

        self.v4 = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
        self.port = self.v4.server_address[1]
        self.v6 = V6(("::1", self.port), Handler)
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.v4, self.v6)]
        for t in self.threads:
            t.start()

    def close(self):
        for s in (self.v4, self.v6):
            s.shutdown()
            s.server_close()


@pytest.fixture(scope="module")
def recorder():
    r = Recorder()
    yield r
    r.close()


def local_spellings(port: int) -> list[str]:
    """Ways to name this machine in a logo URL; each reaches the recorder if fetched."""
    return [
        f"http://127.0.0.1:{port}/a.png",
        f"http://localhost:{port}/b.png",
        f"http://LOCALHOST.:{port}/c.png",
        f"http://127.1:{port}/d.png",
        f"http://2130706433:{port}/e.png",
        f"http://0x7f000001:{port}/f.png",
        f"http://0177.0.0.1:{port}/g.png",
        f"http://0.0.0.0:{port}/h.png",
        f"http://[::1]:{port}/i.png",
        f"http://[::ffff:127.0.0.1]:{port}/j.png",
        f"http://[::ffff:7f00:1]:{port}/k.png",
        f"http://user:pass@127.0.0.1:{port}/l.png",
        f"http://cdn.example@127.0.0.1:{port}/m.png",
        f"http://{socket.gethostname()}:{port}/n.png",
        f"http://127.0.0.1:{port}/redirect?to=http://127.0.0.1:{port}/o.png",
    ]


def _preview_images(api: httpx.Client, invoice_id: str) -> list[str]:
    page = api.get(f"/v1/invoices/{invoice_id}/html")
    assert page.status_code == 200, page.text
    return [dict(a).get("src") or "" for t, a in _tags(page.text) if t == "img"]


def test_logo_urls_naming_this_machine_are_never_fetched(server, tenant, recorder):
    before = len(recorder.requests)
    invoice = tenant.api.post("/v1/invoices", json={**INVOICE, "currency_code": "USD"}).json()  # USD: no QR code
    for url in local_spellings(recorder.port):
        r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"branding": {"logo_url": url}}})
        assert r.status_code == 200, r.text
        assert _preview_images(tenant.api, invoice["id"]) == [], url
    pdf = tenant.api.post("/v1/invoices", json={**INVOICE, "currency_code": "USD"}).json()
    r = tenant.api.get(f"/v1/invoices/{pdf['id']}/pdf")
    assert r.status_code == 200 and pdf_images(r.content) == []
    assert recorder.requests[before:] == []


def test_the_recorder_is_reached_when_private_hosts_are_allowed(server, tenant, recorder):
    """The control: the same URL is fetched by a server configured to allow private hosts."""
    url = f"http://127.0.0.1:{recorder.port}/allowed-{tenant.entity_id}.png"
    r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"branding": {"logo_url": url}}})
    assert r.status_code == 200, r.text
    settings = server_settings(server)
    settings.rendering.logo_allow_private_hosts = True
    with running(create_server_app, settings) as other:
        api = httpx.Client(base_url=other, headers=dict(tenant.api.headers), timeout=60)
        invoice = api.post("/v1/invoices", json={**INVOICE, "currency_code": "USD"}).json()
        assert [s[:22] for s in _preview_images(api, invoice["id"])] == ["data:image/png;base64,"]
    assert f"/allowed-{tenant.entity_id}.png" in recorder.requests


def test_a_hostile_note_fetches_nothing_while_the_pdf_renders(server, tenant, recorder):
    before = len(recorder.requests)
    base = f"http://127.0.0.1:{recorder.port}"
    note = (
        f'<img src="{base}/note.png"><link rel=stylesheet href="{base}/n.css">'
        f"<style>@import url({base}/i.css); body{{background:url({base}/bg.png)}}</style>"
        f'<iframe src="{base}/frame"></iframe><object data="{base}/obj"></object>'
    )
    invoice = tenant.api.post("/v1/invoices", json={**INVOICE, "currency_code": "USD", "note": note}).json()
    pdf = tenant.api.get(f"/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf_images(pdf.content) == []
    assert tenant.api.get(f"/v1/invoices/{invoice['id']}/html").status_code == 200
    assert recorder.requests[before:] == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.png", "gopher://127.0.0.1:6379/_INFO",
                                 "data:image/svg+xml,<svg onload=alert(1)>", "javascript:alert(1)", "//127.0.0.1/x.png",
                                 "http:/127.0.0.1/x.png", "dict://127.0.0.1:11211/stat"])  # fmt: skip
def test_logo_urls_with_other_schemes_are_refused_naming_the_field(tenant, url):
    r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"branding": {"logo_url": url}}})
    problem = assert_problem(r, 422)
    assert problem["errors"][0]["field"] == "settings.branding.logo_url", problem


def _fetch(url: str, *, allow_private: bool = False, transport: httpx.AsyncBaseTransport | None = None):
    async def run():
        fetcher = LogoFetcher(timeout=2, max_bytes=100_000, allow_private=allow_private, transport=transport)
        try:
            return await fetcher.get(url)
        finally:
            await fetcher.close()

    return asyncio.run(run())


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/x.png",
        "http://172.16.5.4/x.png",
        "http://192.168.1.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/x.png",
        "http://[fe80::1]/x.png",
        "http://[fc00::1]/x.png",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::]/x.png",
        "http://[::ffff:169.254.169.254]/x.png",
        "http://[::ffff:10.0.0.1]/x.png",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 of 169.254.169.254
        "http://[64:ff9b::7f00:1]/x.png",  # NAT64 of 127.0.0.1
        "http://[2002:7f00:1::1]/x.png",  # 6to4 of 127.0.0.1
        "http://[2002:a9fe:a9fe::1]/x.png",  # 6to4 of 169.254.169.254
        "http://[::127.0.0.1]/x.png",  # IPv4-compatible (deprecated) 127.0.0.1
        "http://[::a9fe:a9fe]/x.png",
        "http://169.254.169.254.nip.invalid/x.png",  # a name that does not resolve: no request either
        "file:///etc/passwd",
        "ftp://10.0.0.1/x.png",
    ],
)
def test_the_logo_fetcher_sends_nothing_to_private_link_local_or_embedded_addresses(url):
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200, content=_png()))
    assert _fetch(url, transport=transport) is None
    assert sent == []  # refused before any connection


def test_the_logo_fetcher_never_follows_a_redirect(recorder):
    """Even where private hosts are allowed: a 302 to the metadata address or back home is not followed."""
    base = f"http://127.0.0.1:{recorder.port}"
    for target in ("http://169.254.169.254/latest/meta-data/", f"{base}/followed-{id(recorder)}.png"):
        before = len(recorder.requests)
        assert _fetch(f"{base}/redirect?to={target}", allow_private=True) is None
        assert recorder.requests[before:] == [f"/redirect?to={target}"]
    assert _fetch(f"{base}/direct.png", allow_private=True) is not None  # the control: a direct logo is fetched


# -- 7. oversized bodies -------------------------------------------------------------------------------------

BIG = 3 * 1024 * 1024  # over the 2 MiB every door accepts


def _chunks(size: int):
    block = b"x" * 65536
    for _ in range(size // len(block)):
        yield block


def test_oversized_bodies_are_413_problems_on_every_door(server, embed):
    tenant = embed.tenant
    session = embed.session("editor")
    app_client, app_session = signed_in(server, tenant)
    doors = [
        (tenant.api, "/v1/invoices", {}),
        (tenant.api, "/v1/customers", {}),
        (tenant.account, f"/v1/entities/{tenant.entity_id}/logo", {"Content-Type": "image/png"}),
        (httpx.Client(base_url=server.url, timeout=60), "/embed/session", {}),
        (tenant.account, "/embed/tokens", {}),
        (httpx.Client(base_url=server.url, timeout=60), "/app/sign-in", {}),
        (httpx.Client(base_url=server.url, timeout=60), "/app/session", {}),
        (embed.dashboard(session), "/invoices", {}),
        (app_client, "/app/api/v1/invoices", {"X-CSRF-Token": app_session["csrf_token"], "Origin": server.url}),
    ]
    for client, path, headers in doors:
        for content in (b"{" + b" " * BIG + b"}", _chunks(BIG)):  # with a Content-Length, and chunked without one
            r = client.post(path, content=content, headers={"Content-Type": "application/json", **headers})
            assert_problem(r, 413)
    assert tenant.api.get("/v1/invoices").json()["data"] == []
    assert tenant.api.get("/v1/customers").json()["data"] == []
