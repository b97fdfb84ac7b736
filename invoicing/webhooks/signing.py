"""Standard Webhooks signatures (https://www.standardwebhooks.com), with the ``standardwebhooks`` library.

A secret is ``whsec_`` + base64 of 32 random bytes; ``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of
"{msg_id}.{timestamp}.{body}">`` per secret, space-separated while a rotation overlaps: the delivery worker
signs with :func:`signing_secrets` of the endpoint at the time of sending.

:func:`sign` computes the HMAC itself (``hmac``, as ``standardwebhooks`` does; the tests verify with that
library) with each secret's key decoded once per process (:func:`_key`), over the body's bytes as stored:
no per-attempt decoding of the secret nor of the body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as _random
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = timedelta(hours=24)
"""How long the previous secret keeps signing alongside the new one after a rotation."""


def generate_secret() -> str:
    return PREFIX + base64.b64encode(_random.token_bytes(SECRET_BYTES)).decode("ascii")


class HasSecrets(Protocol):
    """An endpoint (the ORM row, or the worker's snapshot of it)."""

    @property
    def secret(self) -> str: ...
    @property
    def previous_secret(self) -> str | None: ...
    @property
    def previous_secret_expires_at(self) -> datetime | None: ...


def signing_secrets(endpoint: HasSecrets, now: datetime) -> list[str]:
    """The secrets an endpoint's deliveries are signed with at ``now``: the current one, and the previous
    one until its overlap ends."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        found.append(endpoint.previous_secret)
    return found


@lru_cache(maxsize=4096)
def _key(secret: str) -> bytes:
    """The HMAC key of a secret: the bytes its base64 stands for (after ``whsec_``; padding optional, as
    ``standardwebhooks`` reads it)."""
    encoded = secret.removeprefix(PREFIX)
    key = base64.b64decode(encoded + "==")
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secrets: list[str], msg_id: str, timestamp: int, body: str | bytes) -> str:
    """The ``webhook-signature`` header value for a message: one ``v1,…`` signature per secret, each the
    base64 HMAC-SHA256 of ``{msg_id}.{timestamp}.{body}``."""
    data = body.encode() if isinstance(body, str) else body
    signed = b"%s.%d.%s" % (msg_id.encode(), timestamp, data)
    return " ".join(
        "v1," + base64.b64encode(hmac.digest(_key(secret), signed, hashlib.sha256)).decode("ascii")
        for secret in secrets
    )
