from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from contract.schemas import SignInOut as SignInOut
from invoicing.signin.links import MAX_LINK_LENGTH


class LinkUseIn(Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(min_length=1, max_length=MAX_LINK_LENGTH)]
    """The sign-in link's token, as it came in the e-mailed URL's fragment."""


class SignInRequestOut(Struct):
    sent: bool
