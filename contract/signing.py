"""Everything Folio signs, with one list of secrets (``FOLIO_SECRET_KEYS``, newest first).

The newest secret signs and every secret verifies, so a secret rotates without breaking what was
already handed out. Each kind of signed string has its own purpose salt, so one kind is never
accepted as another::

    salt               what                                  prefix   signed by   read by
    embed-token        embed token (≤ 300 s)                 <ent>.   BFF         BFF
    embed-session      embed dashboard session (15 min)               BFF         BFF
    app-session        standalone dashboard cookie (12 h)             BFF         BFF
    embed-api-user     per-user credential for the API       embu_    BFF         API
    embed-api-shell    read-only credential for the shell    embs_    BFF         API
    sign-in-request    "send sign-in links to this address"  embr_    BFF         API
    sign-in-link       e-mailed sign-in link (72 h)                   API         API

A refusal is a 401 problem with a ``code`` saying why (:class:`Refused`). :func:`signing_keys` is
how both sides read the list, and refuse to start in production without one.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

from contract.errors import Unauthorized

EMBED_TOKEN = "embed-token"
EMBED_SESSION = "embed-session"
APP_SESSION = "app-session"
API_USER = "embed-api-user"
API_SHELL = "embed-api-shell"
SIGN_IN_REQUEST = "sign-in-request"
SIGN_IN_LINK = "sign-in-link"

USER_PREFIX = "embu_"
SHELL_PREFIX = "embs_"
REQUEST_PREFIX = "embr_"

DEV_SECRET = "folio-development-secret-do-not-use-in-production"

PURPOSES = {
    EMBED_TOKEN: "an embed token",
    EMBED_SESSION: "a session token",
    APP_SESSION: "a dashboard session",
    API_USER: "a BFF credential",
    API_SHELL: "a BFF credential",
    SIGN_IN_REQUEST: "a BFF credential",
    SIGN_IN_LINK: "a sign-in link",
}


def secret_keys_from_env() -> list[str]:
    """``FOLIO_SECRET_KEYS``: comma-separated, newest first."""
    return [k.strip() for k in os.environ.get("FOLIO_SECRET_KEYS", "").split(",") if k.strip()]


def signing_keys(secret_keys: list[str], environment: str) -> list[str]:
    """The secrets to sign and verify with; outside ``production`` a fixed development secret stands in
    for none (never a random one: what one process signs, the next must verify)."""
    if secret_keys:
        return secret_keys
    if environment == "production":
        raise RuntimeError("FOLIO_SECRET_KEYS must be set in production; refusing to start without a signing secret")
    return [DEV_SECRET]


class Refused(Unauthorized):
    """A signed string that is refused, with ``code`` naming why (``expired``, ``tampered``, ``used`` …)."""

    def __init__(self, detail: str, code: str):
        super().__init__(detail, code=code)
        self.code = code


class CanonicalSigner(TimestampSigner):
    """itsdangerous's signer, accepting a signature only in the one form it writes. Base64 leaves the low
    bits of a signature's last character unused, so several spellings decode to the same bytes (change
    the last character of a token and it still verified); the signature sent is decoded strictly,
    encoded again and must be exactly what was sent. (The payload and the timestamp are signed as sent,
    so any other spelling of those fails the signature.)"""

    def verify_signature(self, value: str | bytes, sig: str | bytes) -> bool:
        sent = want_bytes(sig)
        try:
            decoded = base64.b64decode(sent + b"=" * (-len(sent) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            return False
        if base64_encode(decoded) != sent:
            return False
        return super().verify_signature(value, sent)


@lru_cache(maxsize=64)
def serializer(keys: tuple[str, ...], salt: str) -> URLSafeTimedSerializer:
    """itsdangerous signs with the *last* key of its list; ours is newest first."""
    return URLSafeTimedSerializer(list(reversed(keys)), salt=salt, signer=CanonicalSigner)


def purpose_of(keys: tuple[str, ...], signed: str, *, besides: str) -> str | None:
    """What ``signed`` really is when it is not a ``besides``: the description of the purpose whose
    salt its signature matches, or ``None``."""
    bare = signed.removeprefix(USER_PREFIX).removeprefix(SHELL_PREFIX).removeprefix(REQUEST_PREFIX)
    for salt, description in PURPOSES.items():
        if salt == besides:
            continue
        try:
            serializer(keys, salt).loads(bare)
        except BadSignature:
            continue
        return description
    return None
