"""Credentials the BFF signs for the API with the shared secrets (``FOLIO_SECRET_KEYS``).

The BFF holds no database access. What it needs from the API it asks for with one of three
short-lived credentials, each signed with its own purpose salt so none passes for another
(nor for an embed token or a dashboard session)::

    BFF signs                                                  API reads
    ─────────                                                  ─────────
    embu_<signed {a, e, n, u}>   salt "embed-api-user"   ────▶  read_user → the user's *current* role,
        account, environment, entity, user                      every call (invoicing.embed.resolvers)
    embs_<signed {n}>            salt "embed-api-shell"  ────▶  read_shell → read-only view of one
        entity                                                  entity's branding and embed origins
    embr_<signed {m}>            salt "sign-in-request"  ────▶  read_request → the address to e-mail
        e-mail address                                          sign-in links to (invoicing.signin)

``embu_`` and ``embs_`` expire after :data:`MAX_AGE` seconds; the BFF signs a user's credential
afresh every :data:`REUSE` seconds, so the API checks each signature once and only its age on later
calls. ``embr_`` expires after :data:`REQUEST_TTL` seconds. Secrets are listed newest first; the
newest signs, every one verifies (rotation).
"""

from __future__ import annotations

import time
from functools import lru_cache

from itsdangerous import BadSignature

from contract.errors import Unauthorized
from contract.signing import API_SHELL, API_USER, REQUEST_PREFIX, SHELL_PREFIX, SIGN_IN_REQUEST, USER_PREFIX, serializer

USER_SALT = API_USER
SHELL_SALT = API_SHELL
REQUEST_SALT = SIGN_IN_REQUEST
MAX_AGE = 120
REUSE = 60
REQUEST_TTL = 120


def sign_user(keys: list[str], account_id: str, environment: str, entity_id: str, user_id: str) -> str:
    """A credential for this user, reused for up to a minute of its two (so the API verifies it once)."""
    return _sign_user(tuple(keys), account_id, environment, entity_id, user_id, int(time.time()) // REUSE)


@lru_cache(maxsize=4096)
def _sign_user(
    keys: tuple[str, ...], account_id: str, environment: str, entity_id: str, user_id: str, _window: int
) -> str:
    payload = {"a": account_id, "e": environment, "n": entity_id, "u": user_id}
    return USER_PREFIX + serializer(keys, USER_SALT).dumps(payload)


def sign_shell(keys: list[str], entity_id: str) -> str:
    return SHELL_PREFIX + serializer(tuple(keys), SHELL_SALT).dumps({"n": entity_id})


@lru_cache(maxsize=4096)
def _verified(keys: tuple[str, ...], token: str, prefix: str, salt: str) -> tuple[dict, int]:
    """Signature checked once per distinct credential (the BFF reuses one for a minute); age checked on every use."""
    try:
        payload, stamp = serializer(keys, salt).loads(token[len(prefix) :], return_timestamp=True)
    except BadSignature:
        raise Unauthorized("The BFF credential is not valid.") from None
    if not isinstance(payload, dict):
        raise Unauthorized("The BFF credential is not valid.")
    return payload, int(stamp.timestamp())


def _load(keys: list[str], token: str, prefix: str, salt: str) -> dict:
    payload, issued = _verified(tuple(keys), token, prefix, salt)
    if not issued - 5 <= time.time() <= issued + MAX_AGE:
        raise Unauthorized("The BFF credential has expired.")
    return payload


def read_user(keys: list[str], token: str) -> tuple[str, str, str, str]:
    """``(account_id, environment, entity_id, user_id)`` of a valid user credential."""
    p = _load(keys, token, USER_PREFIX, USER_SALT)
    try:
        return str(p["a"]), str(p["e"]), str(p["n"]), str(p["u"])
    except KeyError:
        raise Unauthorized("The BFF credential is not valid.") from None


def read_shell(keys: list[str], token: str) -> str:
    p = _load(keys, token, SHELL_PREFIX, SHELL_SALT)
    if not isinstance(p.get("n"), str):
        raise Unauthorized("The BFF credential is not valid.")
    return p["n"]


def sign_request(keys: list[str], email: str) -> str:
    return REQUEST_PREFIX + serializer(tuple(keys), REQUEST_SALT).dumps({"m": email})


def read_request(keys: list[str], credential: str) -> str:
    """The address a valid BFF request credential asks sign-in links for."""
    if not credential.startswith(REQUEST_PREFIX):
        raise Unauthorized("Only the dashboard's server (the BFF) asks for sign-in links here.")
    try:
        payload = serializer(tuple(keys), REQUEST_SALT).loads(credential[len(REQUEST_PREFIX) :], max_age=REQUEST_TTL)
    except BadSignature:
        raise Unauthorized("The BFF credential is not valid.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), str):
        raise Unauthorized("The BFF credential is not valid.")
    return payload["m"]
