"""The BFF deployed apart from the API: ``folio serve`` runs in another process on a SQLite file, and
a standalone BFF (``bff.app.create_bff_app()``, configured from the environment as a deployment
would be: ``FOLIO_API_URL``, ``FOLIO_SECRET_KEYS``, ``FOLIO_PUBLIC_URL``) serves the dashboard's doors
from this process. Every fact the BFF hands out comes from the other process over HTTP.

::

    test ──▶ BFF (this process, create_bff_app)  ── HTTP ──▶  API (subprocess: folio serve, SQLite)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bff.app import create_bff_app
from tests.conftest import _free_port, start_server
from tests.integration.conftest import INVOICE

ROOT = Path(__file__).resolve().parents[2]
HOST = "http://localhost:8001"
LINK = re.compile(r"https?://\S+/app/sign-in\?entity=(ent_\w+)#token=(\S+)")


@dataclass
class Apart:
    api: str
    bff: str
    account_key: str
    entity_id: str
    users: dict[str, dict]

    def account(self, entity: bool = True) -> httpx.Client:
        """The platform's backend, talking to the API directly with its account key."""
        headers = {"Authorization": f"Bearer {self.account_key}"}
        if entity:
            headers["X-Entity-Id"] = self.entity_id
        return httpx.Client(base_url=self.api, headers=headers, timeout=30)

    def mint(self, role: str) -> httpx.Response:
        return httpx.post(
            f"{self.bff}/embed/tokens",
            json={"entity_id": self.entity_id, "user_id": self.users[role]["id"]},
            headers={"Authorization": f"Bearer {self.account_key}"},
            timeout=30,
        )

    def session(self, role: str) -> dict:
        minted = self.mint(role)
        assert minted.status_code == 201, minted.text
        r = httpx.post(f"{self.bff}/embed/session", json={"token": minted.json()["token"]}, timeout=30)
        assert r.status_code == 201, r.text
        return r.json()

    def dashboard(self, session: dict) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.bff}/embed/api/v1",
            timeout=30,
            headers={"Authorization": f"Bearer {session['session_token']}"},
        )


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"folio serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"folio serve did not answer at {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def api_process(tmp_path_factory) -> Iterator[tuple[str, str, str, str]]:
    """``(api url, bff url, database url, secret)``: ``folio serve`` in its own process, which migrates
    the database first; e-mailed links point at the BFF (``FOLIO_PUBLIC_URL``)."""
    directory = tmp_path_factory.mktemp("apart")
    database_url = f"sqlite:///{directory / 'folio.db'}"
    api_port, bff_port = _free_port(), _free_port()
    api, bff, secret = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{bff_port}", secrets.token_urlsafe(32)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")}
    env.update(FOLIO_SECRET_KEYS=secret, FOLIO_PUBLIC_URL=bff, FOLIO_DATABASE_URL=database_url)
    log = directory / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "folio.cli", "serve", "--port", str(api_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, api, log)
        yield api, bff, database_url, secret
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """A built dashboard as Vite leaves it (the manifest and one hashed entry)."""
    directory = tmp_path_factory.mktemp("dist")
    (directory / ".vite").mkdir()
    (directory / "assets").mkdir()
    (directory / "assets" / "index-4f2a9c.js").write_text("export {};\n")
    (directory / ".vite" / "manifest.json").write_text(
        json.dumps({"index.html": {"file": "assets/index-4f2a9c.js", "src": "index.html", "isEntry": True}})
    )
    return directory


@pytest.fixture(scope="module")
def apart(api_process, bundle) -> Iterator[Apart]:
    api, bff, database_url, secret = api_process
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "folio.cli",
            "account",
            "create",
            "--name",
            "Platform",
            "--json",
            "--database",
            database_url,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    account_key = json.loads(created.stdout)["keys"]["sandbox"]
    platform = httpx.Client(base_url=api, headers={"Authorization": f"Bearer {account_key}"}, timeout=30)
    assert platform.patch("/v1/account", json={"embed_allowed_origins": [HOST]}).status_code == 200
    entity = platform.post(
        "/v1/entities",
        json={
            "name": "Apart d.o.o.",
            "country": "SI",
            "address": "Slovenska 1",
            "city": "Ljubljana",
            "post_code": "1000",
        },
    )
    assert entity.status_code == 201, entity.text
    users = {}
    for role in ("admin", "editor", "viewer"):
        r = platform.post(
            "/v1/entity-users",
            headers={"X-Entity-Id": entity.json()["id"]},
            json={"email": f"{role}@apart.example", "name": f"The {role}", "role": role},
        )
        assert r.status_code == 201, r.text
        users[role] = r.json()

    with pytest.MonkeyPatch.context() as env:
        env.setenv("FOLIO_API_URL", api)
        env.setenv("FOLIO_SECRET_KEYS", secret)
        env.setenv("FOLIO_PUBLIC_URL", bff)
        env.setenv("FOLIO_DASHBOARD_DIR", str(bundle))
        app = create_bff_app()
    server, thread = start_server(app, int(bff.rsplit(":", 1)[1]))
    try:
        yield Apart(api=api, bff=bff, account_key=account_key, entity_id=entity.json()["id"], users=users)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_token_minted_with_the_account_key_opens_a_session_once(apart):
    minted = apart.mint("editor")
    assert minted.status_code == 201, minted.text
    token = minted.json()["token"]
    assert minted.json()["url"] == f"{apart.bff}/embed?entity={apart.entity_id}#token={token}"

    r = httpx.post(f"{apart.bff}/embed/session", json={"token": token})
    assert r.status_code == 201, r.text
    session = r.json()
    assert session["user"]["id"] == apart.users["editor"]["id"] and session["role"] == "editor"
    assert session["entity"]["id"] == apart.entity_id and session["entity"]["name"] == "Apart d.o.o."
    assert "documents:write" in session["permissions"] and "team:manage" not in session["permissions"]
    assert session["origin"] == HOST

    again = httpx.post(f"{apart.bff}/embed/session", json={"token": token})  # the API spent its jti
    assert again.status_code == 401 and again.json()["code"] == "used"
    assert apart.mint("viewer").status_code == 201
    refused = httpx.post(
        f"{apart.bff}/embed/tokens",
        json={"entity_id": apart.entity_id, "user_id": apart.users["viewer"]["id"]},
        headers={"Authorization": "Bearer sk_sandbox_not_a_real_key"},
    )
    assert refused.status_code == 401


def test_the_proxy_calls_the_api_as_the_sessions_user(apart):
    with apart.dashboard(apart.session("editor")) as dashboard:
        created = dashboard.post("/invoices", json=INVOICE)
        assert created.status_code == 201, created.text
        listed = dashboard.get("/invoices", params={"limit": 100})
        assert listed.status_code == 200 and created.json()["id"] in [i["id"] for i in listed.json()["data"]]
        assert dashboard.get("/me").json()["user"]["id"] == apart.users["editor"]["id"]
    with apart.account() as platform:
        direct = platform.get(f"/v1/invoices/{created.json()['id']}")
        log = platform.get("/v1/audit-log", params={"object_id": created.json()["id"]}).json()["data"]
    assert (direct.status_code, direct.json()["total"]) == (200, created.json()["total"])
    entry = next(e for e in log if e["action"] == "invoice.created")
    assert (entry["actor"]["type"], entry["actor"]["id"]) == ("user", apart.users["editor"]["id"])

    with apart.dashboard(apart.session("viewer")) as dashboard:
        refused = dashboard.post("/invoices", json=INVOICE)
        assert refused.status_code == 403 and refused.json()["permission"] == "documents:write"
        assert dashboard.get(f"/invoices/{created.json()['id']}").status_code == 200


def test_the_shell_is_branded_and_framed_from_the_apis_answer(apart):
    with apart.account(entity=False) as platform:
        r = platform.patch(
            f"/v1/entities/{apart.entity_id}", json={"settings": {"branding": {"primary_color": "#0F766E"}}}
        )
        assert r.status_code == 200, r.text
    shell = httpx.get(f"{apart.bff}/embed", params={"entity": apart.entity_id})
    assert shell.status_code == 200, shell.text
    assert f"frame-ancestors {HOST}" in shell.headers["content-security-policy"]
    assert "--folio-primary: #0F766E" in shell.text and "/static/assets/index-4f2a9c.js" in shell.text


def test_the_standalone_dashboard_signs_in_with_an_emailed_link(apart):
    email = apart.users["viewer"]["email"]
    browser = httpx.Client(base_url=apart.bff, timeout=30, headers={"Origin": apart.bff})
    assert browser.post("/app/sign-in", json={"email": email}).status_code == 202
    with apart.account() as platform:
        for _ in range(300):  # the BFF asks the API for the links after answering
            sent = [m for m in platform.get("/v1/emails", params={"limit": 100}).json()["data"] if email in m["to"]]
            if sent:
                break
            time.sleep(0.05)
    assert sent, f"no sign-in e-mail to {email}"
    match = LINK.search(sent[0]["text"])
    assert match and match.group(0).startswith(f"{apart.bff}/app/sign-in?entity={apart.entity_id}#token=")

    r = browser.post("/app/session", json={"token": match.group(2)})
    assert r.status_code == 201, r.text
    assert r.json()["user"]["id"] == apart.users["viewer"]["id"] and r.json()["role"] == "viewer"
    assert "folio_app" in browser.cookies
    assert browser.get("/app/session").json()["user"]["email"] == email
    invoices = browser.get("/app/api/v1/invoices")
    assert invoices.status_code == 200 and isinstance(invoices.json()["data"], list)
    reused = httpx.post(f"{apart.bff}/app/session", json={"token": match.group(2)}, headers={"Origin": apart.bff})
    assert reused.status_code == 401 and reused.json()["code"] == "used"
