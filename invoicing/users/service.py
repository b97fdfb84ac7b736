"""Entity users: the people of a business customer, each with one role."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.config import Settings
from invoicing.core.deps import after_commit
from invoicing.core.ids import new_id
from invoicing.core.paging import page
from invoicing.db.models import EntityUser
from invoicing.db.types import utcnow
from invoicing.events import emit, publish
from invoicing.signin.mail import Mailer, next_generation, send_link
from invoicing.users.schemas import EntityUserCreate, EntityUserList, EntityUserOut, EntityUserUpdate


def to_out(user: EntityUser) -> EntityUserOut:
    assert user.status != "removed"  # removed users are not found (get_user, the guard)
    return EntityUserOut(
        id=user.id,
        object="entity_user",
        entity_id=user.entity_id,
        email=user.email,
        name=user.name,
        role=user.role,
        external_id=user.external_id,
        status=user.status,
        created_at=user.created_at,
        invited_at=user.invited_at,
        accepted_at=user.accepted_at,
    )


async def _check_unique(session: AsyncSession, user: EntityUser) -> None:
    """Refuse a second user with the same e-mail or external id in one entity (the unique constraints
    back this up against races; a clash there answers 409)."""
    for field in ("email", "external_id"):
        value = getattr(user, field)
        if value is None:
            continue
        clash = (
            await session.execute(
                select(EntityUser.id).where(
                    EntityUser.entity_id == user.entity_id,
                    getattr(EntityUser, field) == value,
                    EntityUser.id != user.id,
                )
            )
        ).first()
        if clash:
            raise ValidationFailed.field(
                field, f"another user of this entity already has this {field.replace('_', ' ')}"
            )


def _pending(user: EntityUser, what: str) -> None:
    if user.status != "invited":
        raise Conflict(
            f"{user.email} already accepted the invitation; there is no pending invitation to {what}. "
            "Active users ask for a sign-in link at /app/sign-in; remove them with "
            "DELETE /v1/entity-users/{id}."
        )


async def get_user(session: AsyncSession, scope: Scope, user_id: str) -> EntityUser:
    user = await session.get(EntityUser, user_id)
    if user is None or user.entity_id != scope.entity_id or user.status == "removed":
        raise NotFound(f"Entity user {user_id} was not found.")
    return user


async def _admins(session: AsyncSession, entity_id: str) -> int:
    return (
        await session.execute(
            select(func.count())
            .select_from(EntityUser)
            .where(EntityUser.entity_id == entity_id, EntityUser.role == "admin", EntityUser.status != "removed")
        )
    ).scalar_one()


async def _guard_last_admin(session: AsyncSession, user: EntityUser, what: str) -> None:
    if user.role == "admin" and await _admins(session, user.entity_id) <= 1:
        raise Conflict(f"{user.email} is the entity's last admin and cannot be {what}; make someone else admin first.")


def list_stmt(scope: Scope, role: str | None, external_id: str | None) -> Select[EntityUser]:
    stmt = select(EntityUser).where(EntityUser.entity_id == scope.entity_id, EntityUser.status != "removed")
    if role:
        stmt = stmt.where(EntityUser.role == role)
    if external_id:
        stmt = stmt.where(EntityUser.external_id == external_id)
    return stmt


class UserService:
    """The entity's users, for one request. Invitation e-mails are recorded in the request's
    transaction; the delivery worker is woken once it commits."""

    def __init__(self, session: AsyncSession, ctx: Scope, settings: Settings, wake_mail: Callable[[], None]) -> None:
        self.session, self.scope, self.settings, self.wake_mail = session, ctx, settings, wake_mail

    async def _invite(self, user: EntityUser) -> None:
        await send_link(self.session, self.scope, self.scope.bound_entity, user, Mailer.of(self.settings), "invitation")
        after_commit(self.session, self.wake_mail)

    async def create(self, data: EntityUserCreate) -> EntityUserOut:
        """A new member; with ``send_invite`` the user stays ``invited`` until the e-mailed link is opened."""
        session, scope = self.session, self.scope
        user = EntityUser(
            id=new_id("user"),
            entity_id=scope.entity_id,
            email=data.email.strip().lower(),
            name=data.name,
            role=data.role,
            external_id=data.external_id,
            status="invited" if data.send_invite else "active",
            invited_at=utcnow() if data.send_invite else None,
            link_generation=0,
        )
        await _check_unique(session, user)
        session.add(user)
        emit(
            session,
            scope,
            "entity_user.created",
            user.id,
            {"role": user.role, "email": user.email, "send_invite": data.send_invite},
        )
        if data.send_invite:
            await self._invite(user)
            emit(session, scope, "entity_user.invited", user.id, {"role": user.role, "email": user.email})
        return publish(session, to_out(user))

    async def list(self, limit: int, cursor: str | None, role: str | None, external_id: str | None) -> EntityUserList:
        data, next_cursor = await page(
            self.session, list_stmt(self.scope, role, external_id), EntityUser.id, limit, cursor, to_out
        )
        return EntityUserList(data=data, next_cursor=next_cursor)

    async def get(self, user_id: str) -> EntityUserOut:
        return to_out(await get_user(self.session, self.scope, user_id))

    async def update(self, user_id: str, data: EntityUserUpdate) -> EntityUserOut:
        session = self.session
        user = await get_user(session, self.scope, user_id)
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if "role" in changes and changes["role"] != "admin":
            await _guard_last_admin(session, user, "demoted")
        if "email" in changes:
            changes["email"] = changes["email"].strip().lower()
        with session.no_autoflush:
            for field, value in changes.items():
                setattr(user, field, value)
            await _check_unique(session, user)
        emit(session, self.scope, "entity_user.updated", user.id, {k: v for k, v in changes.items()})
        return publish(session, to_out(user))

    async def resend_invitation(self, user_id: str) -> EntityUserOut:
        """A new invitation e-mail with a new link; every link sent before stops working."""
        user = await get_user(self.session, self.scope, user_id)
        _pending(user, "resend")
        await next_generation(self.session, user)
        user.invited_at = utcnow()
        await self._invite(user)
        emit(
            self.session,
            self.scope,
            "entity_user.invited",
            user.id,
            {"role": user.role, "email": user.email, "resent": True},
        )
        return publish(self.session, to_out(user))

    async def revoke_invitation(self, user_id: str) -> None:
        """Withdraw a pending invitation: its links stop working and the invited user is removed."""
        user = await get_user(self.session, self.scope, user_id)
        _pending(user, "revoke")
        await _guard_last_admin(self.session, user, "removed")
        await next_generation(self.session, user)
        await self.session.delete(user)
        emit(
            self.session,
            self.scope,
            "entity_user.invitation_revoked",
            user.id,
            {"email": user.email, "role": user.role},
        )

    async def delete(self, user_id: str) -> None:
        user = await get_user(self.session, self.scope, user_id)
        await _guard_last_admin(self.session, user, "removed")
        await self.session.delete(user)
        emit(self.session, self.scope, "entity_user.removed", user.id, {"email": user.email})
        publish(self.session, to_out(user))  # the member as GET answered it last
