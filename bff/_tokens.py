"""Embed tokens and dashboard sessions: two signed, purpose-salted, short-lived strings.

The life cycle::

    platform backend ── POST /embed/tokens (account key) ──▶ BFF: key, entity and user checked by the API
         ◀── token  "<ent_id>.<signed {acc, env, ent, usr, org, jti, ttl}>"   salt "embed-token", ttl ≤ 300 s
    host page ── iframe /embed?entity=<ent_id>#token=<token>                  (a fragment never reaches a server)
    dashboard ── POST /embed/session {token} ──▶ BFF: signature, purpose, expiry, then the API consumes the jti
         ◀── session_token "<signed {acc, env, ent, usr, org, sid, ttl}>"     salt "embed-session", 15 min,
                                                                              held in memory, sent as a header
    dashboard ── /embed/api/v1/… Bearer <session_token> ──▶ BFF ──▶ /v1/… with a per-call entity-user credential

The entity id in front of the token is not secret: the SDK reads it to build the iframe URL and the
shell to pick the branding. The signed part repeats it, so changing the prefix is tampering.

Secrets are listed newest first: the newest signs, every one verifies, so a secret rotates without
breaking tokens and sessions already handed out. Each refusal names its reason::

    TokenRefused (401)      code        detail
    ├── malformed           "malformed"     not a token at all
    ├── tampered            "tampered"      no secret produces this signature
    ├── wrong purpose       "wrong_purpose" a valid signature for another purpose (a session used as a token …)
    ├── expired             "expired"       valid, but older than its ttl
    └── used                "used"          the one exchange already happened (decided by the API)
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired

from contract.signing import APP_SESSION, EMBED_SESSION, EMBED_TOKEN, PURPOSES, Refused, purpose_of, serializer

MAX_TOKEN_TTL = 300
DEFAULT_TOKEN_TTL = 60

_NOUNS = {EMBED_TOKEN: "embed token", EMBED_SESSION: "session token", APP_SESSION: "dashboard session"}
TokenRefused = Refused  # the name the BFF's modules use


@dataclass(frozen=True)
class Claims:
    """Who the token or session speaks for; the same fields in both."""

    account_id: str
    environment: str
    entity_id: str
    user_id: str
    origin: str | None
    jti: str
    issued_at: int
    ttl: int

    @property
    def expires_at(self) -> int:
        return self.issued_at + self.ttl

    def expires_at_iso(self) -> str:
        return datetime.fromtimestamp(self.expires_at, UTC).isoformat().replace("+00:00", "Z")


class TokenSigner:
    """Mints and reads embed tokens and sessions with one list of secrets, newest first."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one signing secret is required")
        self.keys = tuple(keys)

    # -- embed tokens ---------------------------------------------------------------------------

    def mint_token(
        self,
        *,
        account_id: str,
        environment: str,
        entity_id: str,
        user_id: str,
        origin: str | None,
        ttl: int = DEFAULT_TOKEN_TTL,
    ) -> tuple[str, Claims]:
        if not 1 <= ttl <= MAX_TOKEN_TTL:
            raise ValueError(f"ttl must be between 1 and {MAX_TOKEN_TTL} seconds")
        payload = {
            "acc": account_id,
            "env": environment,
            "ent": entity_id,
            "usr": user_id,
            "org": origin,
            "jti": secrets.token_urlsafe(18),
            "ttl": ttl,
        }
        signed = serializer(self.keys, EMBED_TOKEN).dumps(payload)
        return f"{entity_id}.{signed}", self._claims(payload, int(time.time()))

    def read_token(self, token: str) -> Claims:
        prefix, signed = split_token(token)
        claims = self._read(signed, EMBED_TOKEN, max_ttl=MAX_TOKEN_TTL)
        if prefix != claims.entity_id:
            raise TokenRefused(
                "The embed token was tampered with: its entity prefix does not match its signed content.", "tampered"
            )
        return claims

    # -- sessions -------------------------------------------------------------------------------

    def mint_session(self, token: Claims, ttl: int, *, salt: str = EMBED_SESSION) -> tuple[str, Claims]:
        """A session for who ``token`` speaks for; ``salt`` names the kind (the embed's header session, or
        the standalone dashboard's cookie, :data:`APP_SESSION`)."""
        payload = {
            "acc": token.account_id,
            "env": token.environment,
            "ent": token.entity_id,
            "usr": token.user_id,
            "org": token.origin,
            "jti": token.jti,
            "ttl": ttl,
        }
        return serializer(self.keys, salt).dumps(payload), self._claims(payload, int(time.time()))

    def read_session(self, session_token: str, *, salt: str = EMBED_SESSION) -> Claims:
        claims = self._verified_session(session_token, salt)
        if int(time.time()) > claims.expires_at:
            raise TokenRefused(f"The {_NOUNS[salt]} has expired (it was valid for {claims.ttl} s).", "expired")
        return claims

    @lru_cache(maxsize=4096)  # noqa: B019 - one signer per app; the signature is checked once per session
    def _verified_session(self, session_token: str, salt: str) -> Claims:
        return self._read(session_token, salt, max_ttl=None)

    # -- shared -------------------------------------------------------------------------------

    def _read(self, signed: str, salt: str, *, max_ttl: int | None) -> Claims:
        noun = _NOUNS[salt]
        if not signed or len(signed) > 4096:
            raise TokenRefused(f"This is not {PURPOSES[salt]}: it is empty or too long.", "malformed")
        try:
            payload, stamp = serializer(self.keys, salt).loads(signed, max_age=max_ttl, return_timestamp=True)
        except SignatureExpired as exc:
            raise TokenRefused(f"The {noun} has expired.", "expired") from exc
        except BadSignature:
            if signed.count(".") < 2:  # not even shaped like a signed string: no need to try the other salts
                raise TokenRefused(f"This is not {PURPOSES[salt]}: it is malformed.", "malformed") from None
            other = purpose_of(self.keys, signed, besides=salt)
            if other:
                raise TokenRefused(
                    f"This is {other}, not {PURPOSES[salt]}; it cannot be used here.", "wrong_purpose"
                ) from None
            raise TokenRefused(f"The {noun} was tampered with: its signature does not match.", "tampered") from None
        claims = self._claims(payload, int(stamp.timestamp()))
        if int(time.time()) > claims.expires_at:
            raise TokenRefused(f"The {noun} has expired (it was valid for {claims.ttl} s).", "expired")
        return claims

    @staticmethod
    def _claims(payload: Any, issued_at: int) -> Claims:
        try:
            return Claims(
                account_id=payload["acc"],
                environment=payload["env"],
                entity_id=payload["ent"],
                user_id=payload["usr"],
                origin=payload.get("org"),
                jti=payload["jti"],
                issued_at=issued_at,
                ttl=int(payload["ttl"]),
            )
        except (KeyError, TypeError, ValueError):
            raise TokenRefused("The token's signed content is incomplete.", "malformed") from None


def split_token(token: str) -> tuple[str | None, str]:
    """``("ent_…", signed part)``; the entity prefix is readable without a secret."""
    token = (token or "").strip()
    if token.startswith("ent_"):
        prefix, _, signed = token.partition(".")
        return prefix, signed
    # not an embed token's shape; still read so another purpose's token is named as such
    return None, token
