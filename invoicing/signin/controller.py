from __future__ import annotations

from litestar import Controller, Request, Response, post

from contract.addresses import check_address
from contract.credentials import read_request
from invoicing.auth import Perm
from invoicing.core.http import database
from invoicing.signin import service
from invoicing.signin.mail import Mailer, wake_worker
from invoicing.signin.schemas import LinkUseIn, SignInOut, SignInRequestOut

PUBLIC = {"permission": Perm.PUBLIC}


class SignInInternalController(Controller):
    """Called by the BFF's standalone dashboard (``bff.app``). Public as far as the guard goes: the
    link is its own credential (its signature is verified here), and a sign-in request carries the
    BFF's ``embr_`` credential."""

    path = "/v1/embed/sign-in"
    include_in_schema = False

    @post("/link-uses", operation_id="redeemSignInLink", opt=PUBLIC, security=[])
    async def redeem(self, request: Request, data: LinkUseIn) -> Response[SignInOut]:
        keys = request.app.state.settings.security.signing_keys()
        async with database(request).transaction() as session:
            result = await service.redeem(session, keys, data.token)
        return Response(result, status_code=201, headers={"Cache-Control": "no-store"})

    @post("/requests", operation_id="requestSignInLinks", opt=PUBLIC, status_code=202)
    async def request_links(self, request: Request) -> SignInRequestOut:
        settings = request.app.state.settings
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        credential = credential.strip() if scheme.lower() == "bearer" else ""
        email = read_request(settings.security.signing_keys(), credential)
        email = check_address(email, "email")
        async with database(request).transaction() as session:
            sent = await service.send_sign_in_links(session, Mailer.of(settings), email)
        if sent:
            wake_worker(request.app)
        return SignInRequestOut(sent=True)
