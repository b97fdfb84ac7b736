from __future__ import annotations

from litestar import Controller, Request, Response, get, patch

from invoicing.accounts import service
from invoicing.accounts.schemas import AccountOut, AccountUpdate
from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write

MANAGE = {"permission": Perm.ACCOUNT_MANAGE}


class AccountController(Controller):
    path = "/v1/account"
    tags = ["Account"]

    @get(operation_id="getAccount", opt=MANAGE, summary="The calling account key's account")
    async def get_account(self, request: Request, ctx: Scope) -> AccountOut:
        async with database(request).transaction(write=False) as session:
            return await service.get_account(session, ctx)

    @patch(operation_id="updateAccount", opt=MANAGE, summary="Change the account's name or embed origins")
    async def update_account(self, request: Request, ctx: Scope, data: AccountUpdate) -> Response[AccountOut]:
        return await write(request, ctx, lambda s: service.update_account(s, ctx, data), status=200)
