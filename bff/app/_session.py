"""The standalone dashboard's session: a first-party cookie, and the CSRF token that goes with it.

::

    e-mail  {public_url}/app/sign-in?entity=<ent_id>#token=<sign-in link>
    dashboard ── POST /app/session {token} ──▶ BFF ──▶ API redeems the link (once, POST /v1/embed/sign-in/link-uses)
         ◀── Set-Cookie: folio_app=<signed {acc, env, ent, usr, jti: session id, ttl}>   salt "app-session", 12 h
                         HttpOnly; SameSite=Lax; Path=/app; Secure (unless public_url is http on loopback)
             body: user, entity, role, permissions, csrf_token, expires_at
    dashboard ── /app/api/v1/… (cookie; unsafe methods also X-CSRF-Token) ──▶ BFF ──▶ /v1/… as that user

The CSRF token is an HMAC of the session id under the newest secret (any listed secret verifies, so
it survives a rotation): a page on another site can make the browser send the cookie (top-level
GET navigations only, with SameSite=Lax) but cannot read the token, and the proxy refuses
unsafe methods without it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from litestar.datastructures import Cookie

from bff import APP_SESSION, Claims, TokenSigner
from contract.errors import Forbidden, Unauthorized

COOKIE = "folio_app"
COOKIE_PATH = "/app"
SESSION_TTL = 12 * 3600
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def secure_cookies(public_url: str) -> bool:
    """Secure everywhere except plain-HTTP local development (browsers drop Secure cookies over http)."""
    parts = urlsplit(public_url)
    return not (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK)


def session_cookie(value: str, *, secure: bool, max_age: int = SESSION_TTL) -> Cookie:
    return Cookie(
        key=COOKIE, value=value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure
    )


def cleared_cookie(*, secure: bool) -> Cookie:
    return Cookie(
        key=COOKIE, value="", max_age=0, expires=0, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure
    )


def _mac(key: str, session_id: str) -> str:
    digest = hmac.new(key.encode(), b"app-csrf\0" + session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token(keys: tuple[str, ...] | list[str], session_id: str) -> str:
    return _mac(keys[0], session_id)


def check_csrf(keys: tuple[str, ...] | list[str], session_id: str, sent: str | None) -> None:
    if not sent or not any(hmac.compare_digest(_mac(key, session_id), sent) for key in keys):
        raise Forbidden(
            f"The CSRF check failed: send the session's csrf_token in the {CSRF_HEADER} header with "
            "every POST, PATCH, PUT and DELETE.",
            code="csrf",
        )


def read_cookie(signer: TokenSigner, value: str | None) -> Claims:
    if not value:
        raise Unauthorized(
            "You are not signed in: open the link from your e-mail, or ask for a new one at /app/sign-in.",
            code="no_session",
        )
    return signer.read_session(value, salt=APP_SESSION)
