"""The dashboard shell, its bundle and the host SDK (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re

import httpx

from bff.config import BffSettings
from folio.server import create_server_app
from tests.conftest import running, server_settings
from tests.integration.conftest import CONFIG, HOST, assert_problem, csp, make_account, make_entity


def test_the_shell_is_branded_framed_by_the_account_only_and_never_cached(embed, shell_server):
    r = embed.tenant.api.patch(
        f"/v1/entities/{embed.tenant.entity_id}",
        json={
            "name": "Bäckerei </script> & Söhne",
            "locale": "de",
            "settings": {
                "branding": {"primary_color": "#B45309", "logo_url": 'https://cdn.example/logo.svg?a=1&b="x")'}
            },
        },
    )
    assert r.status_code == 200, r.text

    r = httpx.get(f"{shell_server}/embed", params={"entity": embed.tenant.entity_id})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert "set-cookie" not in r.headers
    policy = csp(r)
    assert policy["frame-ancestors"] == HOST
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"

    html = r.text
    assert '<html lang="de">' in html
    tag_nonce, raw = CONFIG.search(html).groups()
    assert tag_nonce == nonce
    config = json.loads(raw)
    assert config == {
        "mode": "embed",
        "apiBase": "/embed/api/v1",
        "sessionUrl": "/embed/session",
        "locale": "de",
        "branding": {"primary_color": "#B45309", "logo_url": 'https://cdn.example/logo.svg?a=1&b="x")'},
        "entityId": embed.tenant.entity_id,
        "entityName": "Bäckerei </script> & Söhne",
    }
    assert "</script> &" not in raw  # escaped inside the JSON, so it cannot close the element
    style = re.search(rf'<style nonce="{nonce}">(.*?)</style>', html, re.S).group(1)
    assert "--folio-primary: #B45309;" in style
    assert '--folio-logo-url: url("https://cdn.example/logo.svg?a=1&b=\\22 x\\22 \\29 ");' in style
    assert '<div id="root"></div>' in html
    assert f'<script type="module" src="/static/assets/index-4f2a9c.js" nonce="{nonce}"></script>' in html
    assert '<link rel="stylesheet" href="/static/assets/index-b81d3e.css">' in html
    assert '<link rel="modulepreload" href="/static/assets/vendor-77aa01.js">' in html

    again = httpx.get(f"{shell_server}/embed", params={"entity": embed.tenant.entity_id})
    assert csp(again)["script-src"] != policy["script-src"]  # a nonce per response


def test_frame_ancestors_none_without_origins_or_entity(server, shell_server):
    _, keys = make_account(server, "No origins yet")
    entity = make_entity(server.client(keys["sandbox"]))
    for query in ({"entity": entity["id"]}, {"entity": "ent_doesnotexist"}, {"entity": "<script>"}, {}):
        r = httpx.get(f"{shell_server}/embed", params=query)
        assert r.status_code == 200, r.text
        assert csp(r)["frame-ancestors"] == "'none'"
        assert r.headers["cache-control"] == "no-store"
    assert json.loads(CONFIG.search(r.text).group(2))["locale"] == "en"


def test_bundle_assets_are_cached_for_good(shell_server):
    r = httpx.get(f"{shell_server}/static/assets/index-4f2a9c.js")
    assert r.status_code == 200 and r.text.startswith("import")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-type"].startswith("text/javascript")
    assert httpx.get(f"{shell_server}/static/assets/index-b81d3e.css").headers["content-type"].startswith("text/css")
    assert_problem(httpx.get(f"{shell_server}/static/assets/missing-000.js"), 404)
    assert_problem(httpx.get(f"{shell_server}/static/.vite/manifest.json"), 404)
    assert_problem(httpx.get(f"{shell_server}/static/assets/..%2F.vite%2Fmanifest.json"), 404)


def test_a_missing_bundle_says_how_to_build_it(embed, server, tmp_path):
    with running(
        lambda s: create_server_app(s, bff_settings=BffSettings(dashboard_dir=tmp_path / "none")),
        server_settings(server),
    ) as url:
        r = httpx.get(f"{url}/embed", params={"entity": embed.tenant.entity_id})
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/html")
    assert "make frontend" in r.text
    assert csp(r)["frame-ancestors"] == HOST and r.headers["cache-control"] == "no-store"


def test_the_sdk_is_plain_javascript(server):
    r = httpx.get(f"{server.url}/embed/sdk.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in r.headers
    body = r.text
    assert "window.Folio = {protocol: PROTOCOL, origin: SCRIPT_ORIGIN, mount: mount}" in body
    assert "document.currentScript" in body and "event.source !== iframe.contentWindow" in body
    assert "import " not in body and "require(" not in body


def test_no_cookie_anywhere_in_the_flow(embed, shell_server):
    responses = [embed.mint("editor")]
    token = responses[0].json()["token"]
    responses.append(httpx.get(f"{shell_server}/embed", params={"entity": embed.tenant.entity_id}))
    responses.append(httpx.get(f"{shell_server}/embed/sdk.js"))
    responses.append(httpx.get(f"{shell_server}/static/assets/index-4f2a9c.js"))
    session = httpx.post(f"{shell_server}/embed/session", json={"token": token})
    responses.append(session)
    headers = {"Authorization": f"Bearer {session.json()['session_token']}"}
    responses.append(httpx.get(f"{shell_server}/embed/api/v1/invoices", headers=headers))
    responses.append(httpx.post(f"{shell_server}/embed/api/v1/invoices", headers=headers, json={"items": []}))
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 201, 200, 422]
    for r in responses:
        assert "set-cookie" not in r.headers, r.url
