"""A deployment that forgets its secret does not start: ``folio serve`` beyond loopback with neither
``FOLIO_SECRET_KEYS`` nor an explicit ``FOLIO_ENV=development`` exits non-zero saying what to set; with
either, it serves (on loopback it serves without both: see test_cli_urls)."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from tests.conftest import _free_port
from tests.integration.test_cli_urls import ROOT, _answers, _env, _process, _wait_for


def test_serve_on_every_address_without_a_secret_refuses_to_start(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "folio.cli", "serve", "--host", "0.0.0.0", "--port", str(_free_port())],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    message = " ".join(done.stderr.split())
    assert "Refusing to start" in message and "public development secret" in message, done.stderr
    assert "listening on 0.0.0.0" in message
    assert "Set FOLIO_SECRET_KEYS" in message and "FOLIO_ENV=development" in message
    assert not (tmp_path / "folio.db").exists()  # refused before touching the database


@pytest.mark.parametrize(
    "env", [{"FOLIO_ENV": "development"}, {"FOLIO_SECRET_KEYS": secrets.token_urlsafe(32)}], ids=["dev", "secret"]
)
def test_serve_on_every_address_starts_with_a_secret_or_development_said_out_loud(tmp_path, env):
    port = _free_port()
    log = tmp_path / "serve.log"
    with _process(["serve", "--host", "0.0.0.0", "--port", str(port)], _env(tmp_path, **env), log) as process:
        _wait_for(process, log, lambda: _answers(f"http://127.0.0.1:{port}"))
