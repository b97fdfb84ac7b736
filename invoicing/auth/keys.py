"""API keys: ``sk_<env>_…`` (account) and ``ek_<env>_…`` (entity). Only the SHA-256 is stored;
the key itself is shown once, when it is created."""

from __future__ import annotations

import hashlib
import secrets

ENVIRONMENTS = ("sandbox", "live")


def generate(kind: str, environment: str) -> str:
    assert kind in ("sk", "ek") and environment in ENVIRONMENTS
    return f"{kind}_{environment}_{secrets.token_urlsafe(30).replace('-', 'x').replace('_', 'y')}"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse(key: str) -> tuple[str, str] | None:
    """``(kind, environment)`` of a well-formed key, else ``None``."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] not in ("sk", "ek") or parts[1] not in ENVIRONMENTS or len(parts[2]) < 20:
        return None
    return parts[0], parts[1]
