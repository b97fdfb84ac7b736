"""Standard Webhooks signatures (https://www.standardwebhooks.com), with the ``standardwebhooks`` library.

A secret is ``whsec_`` + base64 of 32 random bytes; ``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of
"{msg_id}.{timestamp}.{body}">`` per secret, space-separated while a rotation overlaps: the delivery worker
signs with :func:`signing_secrets` of the endpoint at the time of sending.
"""

from __future__ import annotations

import base64
import secrets as _random
from datetime import UTC, datetime, timedelta

from standardwebhooks import Webhook

from invoicing.db.models import WebhookEndpoint

PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = timedelta(hours=24)
"""How long the previous secret keeps signing alongside the new one after a rotation."""


def generate_secret() -> str:
    return PREFIX + base64.b64encode(_random.token_bytes(SECRET_BYTES)).decode("ascii")


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets an endpoint's deliveries are signed with at ``now``: the current one, and the previous
    one until its overlap ends."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        found.append(endpoint.previous_secret)
    return found


def sign(secrets: list[str], msg_id: str, timestamp: int, body: str | bytes) -> str:
    """The ``webhook-signature`` header value for a message: one ``v1,…`` signature per secret."""
    data = body.decode() if isinstance(body, bytes) else body
    when = datetime.fromtimestamp(timestamp, UTC)
    return " ".join(Webhook(secret).sign(msg_id, when, data) for secret in secrets)
