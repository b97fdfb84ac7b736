"""Sign-in links to the standalone dashboard.

The life cycle::

    API  invitation, resend, or a sign-in request by address (link_generation += 1 for the latter two)
         └─ link = signed {a, e, n, u, j, g}   salt "sign-in-link", valid 72 h
              account, environment, entity, user, a random jti, the user's link_generation
    e-mail  {public_url}/app/sign-in?entity=<ent_id>#token=<link>     (the fragment never reaches a server)
    BFF  POST /app/session {token} ──▶ API POST /v1/embed/sign-in/link-uses {token}
         API: signature and age here, then the user (still there?), its generation (still the newest
              link?), the jti (spent once, in ``embed_token_uses``) ──▶ the user becomes ``active``

Each refusal is a 401 with a ``code``::

    LinkRefused    code         the link …
    ├── tampered   "tampered"   is truncated, not a sign-in link, or has a signature no secret produces
    ├── expired    "expired"    is older than 72 hours
    ├── used       "used"       was already used (a link works once)
    ├── revoked    "revoked"    was replaced by a newer link, or its invitation was revoked
    └── no_access  "no_access"  names a user who was removed from the entity

The BFF asks for links with its ``embr_`` credential (:func:`contract.credentials.read_request`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired

from contract.signing import SIGN_IN_LINK, Refused, serializer

LINK_SALT = SIGN_IN_LINK
LINK_TTL = 72 * 3600
MAX_LINK_LENGTH = 2048


LinkRefused = Refused  # the name the sign-in modules use


@dataclass(frozen=True)
class LinkClaims:
    account_id: str
    environment: str
    entity_id: str
    user_id: str
    jti: str
    generation: int
    issued_at: int

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.issued_at + LINK_TTL, UTC)


def sign_link(
    keys: list[str], *, account_id: str, environment: str, entity_id: str, user_id: str, generation: int
) -> tuple[str, LinkClaims]:
    payload = {
        "a": account_id,
        "e": environment,
        "n": entity_id,
        "u": user_id,
        "j": secrets.token_urlsafe(18),
        "g": generation,
    }
    token = serializer(tuple(keys), LINK_SALT).dumps(payload)
    return token, _claims(payload, int(time.time()))


def read_link(keys: list[str], token: str) -> LinkClaims:
    """The link's claims if its signature and age are right; whether it is still usable is the database's call."""
    token = (token or "").strip()
    if not token or len(token) > MAX_LINK_LENGTH or token.count(".") not in (2, 3):  # 3: a compressed payload
        raise LinkRefused(
            "This is not a sign-in link: it is empty, truncated or too long. Open the link from the "
            "e-mail exactly as it was sent.",
            "tampered",
        )
    try:
        payload, stamp = serializer(tuple(keys), LINK_SALT).loads(token, max_age=LINK_TTL, return_timestamp=True)
    except SignatureExpired:
        raise LinkRefused(
            "This sign-in link has expired (links are valid for 72 hours). Ask for a new one.", "expired"
        ) from None
    except BadSignature:
        raise LinkRefused(
            "This sign-in link was altered or is not a sign-in link: its signature does not match.", "tampered"
        ) from None
    return _claims(payload, int(stamp.timestamp()))


def _claims(payload: object, issued_at: int) -> LinkClaims:
    try:
        assert isinstance(payload, dict)
        return LinkClaims(
            account_id=str(payload["a"]),
            environment=str(payload["e"]),
            entity_id=str(payload["n"]),
            user_id=str(payload["u"]),
            jti=str(payload["j"]),
            generation=int(payload["g"]),
            issued_at=issued_at,
        )
    except (AssertionError, KeyError, TypeError, ValueError):
        raise LinkRefused("The sign-in link's signed content is incomplete.", "tampered") from None


def link_url(public_url: str, entity_id: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/app/sign-in?entity={entity_id}#token={token}"
