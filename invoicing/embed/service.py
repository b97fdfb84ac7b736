"""What the BFF needs from the database: consume an embed token once, read the shell's branding
and frame origins, describe the calling entity user."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, Forbidden
from invoicing.auth.context import Scope
from invoicing.db.models import Account, EmbedTokenUse, EntityUser
from invoicing.embed.schemas import MeOut, ShellBranding, ShellEntity, ShellOut, TokenUseIn
from invoicing.entities import service as entities
from invoicing.entities import settings as entity_settings
from invoicing.reports.activity import record_session
from invoicing.users import service as users


def _require_user(scope: Scope) -> None:
    if scope.principal.kind != "user":
        raise Forbidden("Only an entity user's credential has a 'me'; account and entity keys do not.")


class EmbedService:
    """The BFF's reads and the token spend, for one request of an entity user."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def me(self) -> MeOut:
        scope = self.scope
        _require_user(scope)
        user = await self.session.get(EntityUser, scope.principal.credential_id)
        assert user is not None and scope.principal.role is not None  # the guard found this user and its role
        return MeOut(
            user=users.to_out(user),
            entity=entities.to_out(scope.bound_entity),
            role=scope.principal.role,
            permissions=sorted(str(p) for p in scope.principal.permissions),
        )

    async def consume_token(self, data: TokenUseIn) -> MeOut:
        """Record the token's id; a second use of the same id is a conflict (the row's primary key)."""
        scope, session = self.scope, self.session
        _require_user(scope)
        try:
            async with session.begin_nested():
                session.add(
                    EmbedTokenUse(
                        jti=data.jti,
                        entity_id=scope.entity_id,
                        user_id=scope.principal.credential_id,
                        expires_at=data.expires_at,
                    )
                )
                await session.flush()
        except IntegrityError:
            raise Conflict("This embed token was already used; a token works once.", code="token_used") from None
        await record_session(session, scope.entity_id, scope.principal.credential_id)
        return await self.me()

    async def shell(self) -> ShellOut:
        entity = self.scope.bound_entity
        account = await self.session.get(Account, entity.account_id)
        branding = entity_settings.effective(entity.settings).branding
        return ShellOut(
            entity=ShellEntity(
                id=entity.id,
                name=entity.name,
                locale=entity.locale,
                branding=ShellBranding(primary_color=branding.primary_color, logo_url=branding.logo_url),
            ),
            frame_ancestors=list(account.embed_allowed_origins or []) if account else [],
        )
