"""Redeeming a sign-in link, and sending fresh links to an address (both for the BFF)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contract.addresses import check_address
from contract.credentials import read_request
from invoicing.auth.context import Principal, Scope
from invoicing.auth.permissions import ROLES
from invoicing.config import Settings
from invoicing.core.deps import after_commit
from invoicing.db.models import EmbedTokenUse, Entity, EntityUser, Event
from invoicing.db.types import utcnow
from invoicing.entities import service as entities
from invoicing.events import emit, publish
from invoicing.reports.activity import record_session
from invoicing.signin import links
from invoicing.signin.links import LinkRefused
from invoicing.signin.mail import Mailer, next_generation, send_link
from invoicing.signin.schemas import SignInOut, SignInRequestOut
from invoicing.users import service as users

MAX_LINKS_PER_REQUEST = 50
"""One address in more entities than this gets links for the ones it joined last."""


def user_scope(user: EntityUser, entity: Entity) -> Scope:
    """The user acting on their own behalf (the audit log's actor ``user:usr_…``)."""
    return Scope(
        Principal(
            entity.account_id,
            entity.environment,
            "user",
            user.id,
            ROLES[user.role],
            entity_id=entity.id,
            role=user.role,
        ),
        entity,
    )


async def _gone(session: AsyncSession, claims: links.LinkClaims) -> LinkRefused:
    """Why the link's user no longer exists: their invitation was revoked, or they were removed."""
    last = (
        await session.execute(
            select(Event.type)
            .where(
                Event.object_id == claims.user_id,
                Event.entity_id == claims.entity_id,
                Event.type.in_(("entity_user.invitation_revoked", "entity_user.removed")),
            )
            .order_by(Event.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if last == "entity_user.invitation_revoked":
        return LinkRefused(
            "This invitation was revoked; its link no longer works. Ask an admin to invite you again.", "revoked"
        )
    return LinkRefused("You no longer have access to this entity: your user was removed.", "no_access")


async def _spent(session: AsyncSession, jti: str) -> bool:
    return (await session.get(EmbedTokenUse, jti)) is not None


async def redeem(session: AsyncSession, keys: list[str], token: str) -> SignInOut:
    """Check the link against the database, spend it, and activate an invited user."""
    claims = links.read_link(keys, token)
    row = (
        await session.execute(
            select(EntityUser, Entity)
            .join(Entity, Entity.id == EntityUser.entity_id)
            .where(EntityUser.id == claims.user_id)
        )
    ).first()
    user, entity = row if row is not None else (None, None)
    if (
        user is None
        or entity is None
        or user.status not in ("invited", "active")
        or entity.id != claims.entity_id
        or entity.account_id != claims.account_id
        or entity.environment != claims.environment
    ):
        raise await _gone(session, claims)
    if claims.generation != user.link_generation:
        if await _spent(session, claims.jti):
            raise _used()
        raise LinkRefused(
            "A newer link was sent since this one, or the invitation was revoked; this link no "
            "longer works. Use the newest e-mail, or ask for a new link.",
            "revoked",
        )
    try:
        async with session.begin_nested():
            session.add(
                EmbedTokenUse(jti=claims.jti, entity_id=entity.id, user_id=user.id, expires_at=claims.expires_at)
            )
            await session.flush()
    except IntegrityError:
        raise _used() from None
    await record_session(session, entity.id, user.id)
    scope = user_scope(user, entity)
    if user.status == "invited":
        user.status = "active"
        user.accepted_at = utcnow()
        emit(
            session,
            scope,
            "entity_user.accepted",
            user.id,
            {"email": user.email, "role": user.role, "external_id": user.external_id},
        )
    emit(session, scope, "entity_user.signed_in", user.id, {"via": "sign_in_link"})
    publish(session, users.to_out(user))  # data.object of entity_user.accepted
    return SignInOut(
        account_id=entity.account_id,
        environment=entity.environment,
        user=users.to_out(user),
        entity=entities.to_out(entity),
        role=user.role,
        permissions=sorted(str(p) for p in ROLES[user.role]),
    )


def _used() -> LinkRefused:
    return LinkRefused("This sign-in link was already used; a link works once. Ask for a new one.", "used")


async def send_sign_in_links(session: AsyncSession, mailer: Mailer, email: str) -> int:
    """A fresh link to every active or invited user with this address (links sent before stop working).
    How many went out is for the log only: the caller never learns whether the address is known."""
    rows = (
        await session.execute(
            select(EntityUser, Entity)
            .join(Entity, Entity.id == EntityUser.entity_id)
            .where(EntityUser.email == email.strip().lower(), EntityUser.status.in_(("invited", "active")))
            .order_by(EntityUser.id.desc())
            .limit(MAX_LINKS_PER_REQUEST)
        )
    ).all()
    for user, entity in rows:
        await next_generation(session, user)
        await send_link(session, user_scope(user, entity), entity, user, mailer, "sign_in")
    return len(rows)


class SignInService:
    """Sign-in for the BFF's standalone dashboard, for one request (no caller: the link, or the BFF's
    signed request, is the credential)."""

    def __init__(self, session: AsyncSession, settings: Settings, wake_mail: Callable[[], None]) -> None:
        self.session, self.settings, self.wake_mail = session, settings, wake_mail

    async def redeem(self, token: str) -> SignInOut:
        return await redeem(self.session, self.settings.security.signing_keys(), token)

    async def request_links(self, credential: str) -> SignInRequestOut:
        """Links to the address the BFF signed into ``credential``; the answer never says whether it is known."""
        email = check_address(read_request(self.settings.security.signing_keys(), credential), "email")
        if await send_sign_in_links(self.session, Mailer.of(self.settings), email):
            after_commit(self.session, self.wake_mail)
        return SignInRequestOut(sent=True)
