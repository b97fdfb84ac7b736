"""The standalone dashboard's rules: redeem a link into a cookie session, describe the session with
the user's current role, send sign-in links. Every fact comes from the API; none is stored here."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import msgspec

from bff import APP_SESSION, Bundle, Claims, FolioApi, Limits, TokenRefused, TokenSigner, api_problem, take
from bff.app import _session
from bff.app.schemas import AppSessionOut
from bff.config import BffSettings
from contract.addresses import check_address
from contract.credentials import sign_request
from contract.schemas import MeOut, SignInOut

log = logging.getLogger("folio.app")

LINK_CODES = frozenset({"used", "expired", "revoked", "no_access", "tampered"})


@dataclass
class AppService:
    api: FolioApi
    signer: TokenSigner
    public_url: str
    bundle: Bundle
    session_ttl: int = _session.SESSION_TTL
    limits: Limits = field(default_factory=lambda: Limits.of(BffSettings()))

    @property
    def secure(self) -> bool:
        return _session.secure_cookies(self.public_url)

    def _out(self, me: MeOut, claims: Claims) -> AppSessionOut:
        return AppSessionOut(
            user=me.user,
            entity=me.entity,
            role=me.role,
            permissions=me.permissions,
            csrf_token=_session.csrf_token(self.signer.keys, claims.jti),
            expires_at=claims.expires_at_iso(),
        )

    async def open_session(self, token: str) -> tuple[str, AppSessionOut]:
        """``(cookie value, body)`` for a sign-in link the API accepts (and spends)."""
        response = await self.api.client_request("POST", "/v1/embed/sign-in/link-uses", json={"token": token})
        if response.status_code != 201:
            problem = api_problem(response)
            code = problem.extra.get("code")
            if response.status_code == 401 and code in LINK_CODES:
                raise TokenRefused(problem.detail, code)
            raise problem
        signed_in = msgspec.convert(response.json(), SignInOut, strict=False)
        seed = Claims(
            account_id=signed_in.account_id,
            environment=signed_in.environment,
            entity_id=signed_in.entity.id,
            user_id=signed_in.user.id,
            origin=None,
            jti=secrets.token_urlsafe(18),
            issued_at=int(time.time()),
            ttl=self.session_ttl,
        )
        cookie, claims = self.signer.mint_session(seed, self.session_ttl, salt=APP_SESSION)
        me = MeOut(user=signed_in.user, entity=signed_in.entity, role=signed_in.role, permissions=signed_in.permissions)
        return cookie, self._out(me, claims)

    def claims(self, cookie: str | None) -> Claims:
        return _session.read_cookie(self.signer, cookie)

    async def current(self, claims: Claims) -> AppSessionOut:
        """The session's user with the role the API holds now (a promotion shows without signing in again)."""
        response = await self.api.request("GET", "/v1/me", self.api.user_credential(claims), entity_id=claims.entity_id)
        if response.status_code == 401:
            raise TokenRefused(api_problem(response).detail, "no_access")
        if response.status_code != 200:
            raise api_problem(response)
        return self._out(msgspec.convert(response.json(), MeOut, strict=False), claims)

    async def admit_sign_in(self, email: str, client: str) -> str:
        """The checked address, once the request is counted against the address's and the client's limits
        (:class:`bff.RateLimited` otherwise: then nothing is sent)."""
        email = check_address(email, "email")
        await take(
            (self.limits.sign_in_ip, client, "for sign-in links from this address"),
            (self.limits.sign_in_email, email.lower(), "for sign-in links to this e-mail address"),
        )
        return email

    async def send_links_after_answering(self, email: str) -> None:
        """:meth:`send_links` as a background task, once the 202 went out: the answer takes the same path and
        time whether or not the address is known (looking it up, signing, recording the e-mails happen after)."""
        try:
            await self.send_links(email)
        except Exception:
            log.exception("sending sign-in links failed")

    async def send_links(self, email: str) -> None:
        email = check_address(email, "email")
        response = await self.api.request(
            "POST", "/v1/embed/sign-in/requests", sign_request(list(self.signer.keys), email)
        )
        if response.status_code != 202:
            raise api_problem(response)

    def shell_entity(self, cookie: str | None, query_entity: str | None, *, prefer_query: bool) -> str | None:
        """Whose branding the shell shows: the signed-in entity, or the one the sign-in URL names."""
        try:
            signed_in: str | None = self.claims(cookie).entity_id if cookie else None
        except TokenRefused:
            signed_in = None
        order: list[Any] = [query_entity, signed_in] if prefer_query else [signed_in, query_entity]
        return next((e for e in order if e), None)
