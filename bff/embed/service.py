"""The embed flow's rules: who may get a token, which origin it is for, what a session holds."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from bff import Bundle, Claims, FolioApi, Limits, TokenSigner
from bff.config import BffSettings
from bff.embed.schemas import EmbedSessionCreate, EmbedSessionOut, EmbedTokenCreate, EmbedTokenOut
from contract.errors import Unauthorized, ValidationFailed
from contract.schemas import MeOut


def normalize_origin(origin: str) -> str:
    return origin.rstrip("/").lower()


def choose_origin(requested: str | None, allowed: list[str]) -> str | None:
    """The requested origin if the account allows it; without one, the account's only origin."""
    allowed = [normalize_origin(o) for o in allowed]
    if requested is None:
        return allowed[0] if len(allowed) == 1 else None
    origin = normalize_origin(requested)
    if origin not in allowed:
        listed = ", ".join(allowed) if allowed else "none yet; set them with PATCH /v1/account"
        raise ValidationFailed.field("origin", f"{origin} is not one of the account's embed_allowed_origins ({listed})")
    return origin


def account_key(authorization: str) -> str:
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Unauthorized("Send your account key as 'Authorization: Bearer sk_…'.")
    if not key.startswith(("sk_", "ek_")):
        raise Unauthorized("Embed tokens are minted with an account key (sk_…).")
    return key


@dataclass
class EmbedService:
    api: FolioApi
    signer: TokenSigner
    settings: BffSettings
    bundle: Bundle
    limits: Limits = field(default_factory=lambda: Limits.of(BffSettings()))

    async def mint_token(self, authorization: str, data: EmbedTokenCreate) -> EmbedTokenOut:
        if (data.user_id is None) == (data.external_id is None):
            raise ValidationFailed.field("user_id", "give exactly one of user_id and external_id")
        key = account_key(authorization)
        account = await self.api.account(key)
        origin = choose_origin(data.origin, account.get("embed_allowed_origins") or [])
        user = await self.api.entity_user(key, data.entity_id, user_id=data.user_id, external_id=data.external_id)
        token, claims = self.signer.mint_token(
            account_id=account["id"],
            environment=account["environment"],
            entity_id=data.entity_id,
            user_id=user["id"],
            origin=origin,
            ttl=data.ttl_seconds,
        )
        url = f"{self.settings.public_url.rstrip('/')}/embed?entity={data.entity_id}#token={token}"
        return EmbedTokenOut(token=token, expires_at=claims.expires_at_iso(), url=url)

    def claims(self, authorization: str) -> Claims:
        """The session an ``Authorization: Bearer <session_token>`` header carries."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "Send the dashboard session as 'Authorization: Bearer <session_token>'.", code="no_session"
            )
        return self.signer.read_session(token.strip())

    async def open_session(self, data: EmbedSessionCreate) -> EmbedSessionOut:
        claims = self.signer.read_token(data.token)
        me = msgspec.convert(await self.api.consume(claims), MeOut, strict=False)
        session_token, session = self.signer.mint_session(claims, self.settings.session_ttl_seconds)
        return EmbedSessionOut(
            session_token=session_token,
            expires_at=session.expires_at_iso(),
            user=me.user,
            entity=me.entity,
            role=me.role,
            permissions=me.permissions,
            origin=claims.origin,
        )
