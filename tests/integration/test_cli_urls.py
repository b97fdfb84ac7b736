"""The command line as a newcomer uses it: ``folio serve --port N`` builds its links (the embed token's
``url``) on port N when ``FOLIO_PUBLIC_URL`` is not set, and ``folio demo`` prints a sandbox account key
and a curl command that answers with the first demo tenant's invoices."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")}
    env.update(FOLIO_DATABASE_URL=f"sqlite:///{tmp_path / 'folio.db'}", FOLIO_VIES_RECHECK_SECONDS="0", **extra)
    return env


@contextmanager
def _process(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "folio.cli", *argv], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """``folio argv`` run to its end (within two minutes), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "folio.cli", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _wait_for(process: subprocess.Popen, log: Path, ready) -> None:
    """Until ``ready()`` is true; fails with the log as soon as the process has stopped."""
    while not ready():
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)


def _account_key(env: dict[str, str], name: str) -> str:
    """``folio account create`` in the database of ``env``: the new account's sandbox key."""
    created = cli(env, "account", "create", "--name", name, "--json")
    assert created.returncode == 0, created.stderr
    return json.loads(created.stdout)["keys"]["sandbox"]


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_builds_the_token_url_on_the_port_it_serves(tmp_path):
    env = _env(tmp_path)
    key = _account_key(env, "P")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with _process(["serve", "--port", str(port)], env, log) as process:
        _wait_for(process, log, lambda: _answers(url))
        api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        entity = api.post("/v1/entities", json={"name": "Port d.o.o.", "country": "SI"}).json()
        user = api.post(
            "/v1/entity-users",
            headers={"X-Entity-Id": entity["id"]},
            json={"email": "a@port.example", "role": "admin", "external_id": "u-1"},
        ).json()
        r = api.post("/embed/tokens", json={"entity_id": entity["id"], "user_id": user["id"]})
        assert r.status_code == 201, r.text
        assert r.json()["url"].startswith(f"{url}/embed?entity={entity['id']}#token=")
    assert f"Public URL (embed and e-mailed links; FOLIO_PUBLIC_URL): {url}" in log.read_text()


def test_serve_keeps_an_explicit_public_url(tmp_path):
    env = _env(tmp_path, FOLIO_PUBLIC_URL="https://folio.example.com")
    subprocess.run([sys.executable, "-m", "folio.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    with _process(["serve", "--port", str(port)], env, log) as process:
        _wait_for(process, log, lambda: _answers(f"http://127.0.0.1:{port}"))
    assert "FOLIO_PUBLIC_URL): https://folio.example.com" in log.read_text()


def test_demo_prints_a_key_and_a_curl_command_that_works(tmp_path):
    port, host_port = _free_port(), _free_port()
    log = tmp_path / "demo.log"
    with _process(["demo", "--port", str(port), "--host-port", str(host_port)], _env(tmp_path), log) as process:
        _wait_for(process, log, lambda: "curl -s" in log.read_text() and _answers(f"http://127.0.0.1:{port}"))
        text = log.read_text()
        key = re.search(r"Sandbox account key: +(sk_sandbox_\S+)", text).group(1)
        curl = shlex.split(next(line for line in text.splitlines() if line.strip().startswith("curl -s")))
        url = curl[2]
        headers = dict(h.split(": ", 1) for h in curl[4::2])
        assert url == f"http://127.0.0.1:{port}/v1/invoices" and headers["Authorization"] == f"Bearer {key}"
        r = httpx.get(url, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["data"] and all(i["currency_code"] == "EUR" for i in r.json()["data"])
        tenant = httpx.get(
            f"http://127.0.0.1:{port}/v1/entities/{headers['X-Entity-Id']}", headers=headers, timeout=30
        ).json()
        assert tenant["name"] == "Kavarna Lipa d.o.o."


def test_a_second_demo_stops_at_once_and_leaves_the_running_ones_key_working(tmp_path):
    """`make run` twice: the second finds the ports taken and says so before it seeds (which revokes the last
    demo key): the first demo's printed key and curl command keep working."""
    port, host_port = _free_port(), _free_port()
    env, log = _env(tmp_path), tmp_path / "demo.log"
    with _process(["demo", "--port", str(port), "--host-port", str(host_port)], env, log) as process:
        _wait_for(process, log, lambda: "curl -s" in log.read_text() and _answers(f"http://127.0.0.1:{port}"))
        key = re.search(r"Sandbox account key: +(sk_sandbox_\S+)", log.read_text()).group(1)
        second = cli(env, "demo", "--port", str(port), "--host-port", str(host_port))
        assert second.returncode == 2, second.stderr
        assert f"port {port} on 127.0.0.1 is taken" in second.stderr
        assert (
            "is the demo (`make run`) running already?" in second.stderr and "--port (FOLIO_DEMO_PORT)" in second.stderr
        )
        assert "Sandbox account key" not in second.stdout and "Traceback" not in second.stderr
        r = httpx.get(f"http://127.0.0.1:{port}/v1/entities", headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert r.status_code == 200, r.text


def test_serve_on_a_taken_port_says_so_before_it_says_it_listens(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        serve_refused(taken.getsockname()[1], _env(tmp_path))


def serve_refused(port: int, env: dict[str, str], *options: str) -> None:
    """``folio serve --port port`` (with ``options``) on a port that is taken stops at once, says so, and never
    says it listens."""
    served = cli(env, "serve", "--port", str(port), *options)
    assert served.returncode == 2, served.stderr
    assert f"port {port} on 127.0.0.1 is taken: is Folio running there already?" in served.stderr
    assert "Folio listening on" not in served.stderr and "Traceback" not in served.stderr
