"""Routes: the platform account of the calling account key."""

from __future__ import annotations

from litestar import Controller, get, patch
from litestar.di import Provide

from invoicing.accounts.schemas import AccountOut, AccountUpdate
from invoicing.accounts.service import AccountService
from invoicing.auth import Perm

MANAGE = {"permission": Perm.ACCOUNT_MANAGE}


class AccountController(Controller):
    path = "/v1/account"
    tags = ["Account"]
    dependencies = {"accounts": Provide(AccountService, sync_to_thread=False)}

    @get(operation_id="getAccount", opt=MANAGE, summary="The calling account key's account")
    async def get_account(self, accounts: AccountService) -> AccountOut:
        return await accounts.get()

    @patch(operation_id="updateAccount", opt=MANAGE, summary="Change the account's name or embed origins")
    async def update_account(self, data: AccountUpdate, accounts: AccountService) -> AccountOut:
        return await accounts.update(data)
