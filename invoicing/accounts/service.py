"""Platform accounts and their account keys."""

from __future__ import annotations

from msgspec import UNSET
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.accounts.schemas import AccountOut, AccountUpdate
from invoicing.auth import keys
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.db.models import Account, ApiKey
from invoicing.events import emit


async def create_account(session: AsyncSession, name: str) -> tuple[Account, dict[str, str]]:
    """A new account with one sandbox and one live account key (returned in clear, once)."""
    account = Account(id=new_id("account"), name=name, embed_allowed_origins=[])
    session.add(account)
    await session.flush()
    created = {}
    for environment in keys.ENVIRONMENTS:
        key = keys.generate("sk", environment)
        session.add(
            ApiKey(
                id=new_id("api_key"),
                account_id=account.id,
                environment=environment,
                key_hash=keys.digest(key),
                last4=key[-4:],
                name=f"default {environment} key",
            )
        )
        created[environment] = key
    return account, created


def to_out(account: Account, environment: str) -> AccountOut:
    return AccountOut(
        id=account.id,
        object="account",
        name=account.name,
        environment=environment,
        embed_allowed_origins=list(account.embed_allowed_origins or []),
        created_at=account.created_at,
    )


class AccountService:
    """The calling account key's account, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope, self.principal = session, ctx, ctx.principal

    async def _account(self) -> Account:
        account = await self.session.get(Account, self.principal.account_id)
        assert account is not None  # the calling key's account (api_keys.account_id references accounts.id)
        return account

    async def get(self) -> AccountOut:
        account = await self._account()
        return to_out(account, self.principal.environment)

    async def update(self, data: AccountUpdate) -> AccountOut:
        account = await self._account()
        if data.name is not UNSET:
            account.name = data.name
        if data.embed_allowed_origins is not UNSET:
            account.embed_allowed_origins = [o.rstrip("/").lower() for o in data.embed_allowed_origins]
        emit(self.session, self.scope, "account.updated", account.id)
        return to_out(account, self.principal.environment)
