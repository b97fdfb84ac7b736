"""The development secret is used only where it is safe or asked for: on loopback, or with
``FOLIO_ENV=development`` said out loud; the app factory uvicorn calls (no address known) refuses it
unless asked for."""

from __future__ import annotations

import pytest

from folio.server import create_server_app
from invoicing.config import InsecureDefaults, SecuritySettings, is_loopback


@pytest.fixture
def env(monkeypatch):
    for name in ("FOLIO_ENV", "FOLIO_SECRET_KEYS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "10.0.0.5", "192.168.1.2", "folio.example.com"))


def test_the_development_secret_beyond_loopback_needs_folio_env_development(env):
    security = SecuritySettings()
    security.refuse_development_secret("127.0.0.1")
    security.refuse_development_secret("localhost")
    for host in ("0.0.0.0", "::", "10.0.0.5", None):
        with pytest.raises(InsecureDefaults, match="FOLIO_SECRET_KEYS"):
            security.refuse_development_secret(host)
    env.setenv("FOLIO_ENV", "development")
    SecuritySettings().refuse_development_secret("0.0.0.0")
    env.setenv("FOLIO_ENV", "staging")  # another name is no permission
    with pytest.raises(InsecureDefaults):
        SecuritySettings().refuse_development_secret("0.0.0.0")
    env.setenv("FOLIO_SECRET_KEYS", "a-real-secret")
    SecuritySettings().refuse_development_secret("0.0.0.0")
    SecuritySettings().refuse_development_secret(None)


def test_the_app_factory_refuses_the_development_secret_unless_asked(env):
    with pytest.raises(InsecureDefaults, match="FOLIO_ENV=development"):
        create_server_app()
    env.setenv("FOLIO_ENV", "development")
    assert create_server_app() is not None
    env.delenv("FOLIO_ENV")
    env.setenv("FOLIO_SECRET_KEYS", "a-real-secret")
    assert create_server_app() is not None
