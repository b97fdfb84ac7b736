"""Routes: redeeming a sign-in link and asking for links (the BFF's standalone dashboard)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.auth import Perm
from invoicing.core.deps import SETTINGS
from invoicing.signin.schemas import LinkUseIn, SignInOut, SignInRequestOut
from invoicing.signin.service import SignInService

PUBLIC = {"permission": Perm.PUBLIC}


class SignInInternalController(Controller):
    """Called by the BFF's standalone dashboard (``bff.app``). Public as far as the guard goes: the
    link is its own credential (its signature is verified here), and a sign-in request carries the
    BFF's ``embr_`` credential."""

    path = "/v1/embed/sign-in"
    include_in_schema = False
    dependencies = {"signin": Provide(SignInService, sync_to_thread=False), "settings": SETTINGS}

    @post(
        "/link-uses",
        operation_id="redeemSignInLink",
        opt=PUBLIC,
        security=[],
        response_headers=[ResponseHeader(name="Cache-Control", value="no-store")],
    )
    async def redeem(self, data: LinkUseIn, signin: SignInService) -> SignInOut:
        return await signin.redeem(data.token)

    @post("/requests", operation_id="requestSignInLinks", opt=PUBLIC, status_code=202)
    async def request_links(
        self, signin: SignInService, authorization: str = Parameter(header="authorization", default="")
    ) -> SignInRequestOut:
        scheme, _, credential = authorization.partition(" ")
        return await signin.request_links(credential.strip() if scheme.lower() == "bearer" else "")
