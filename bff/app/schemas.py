"""The standalone dashboard's requests and answers (the user and entity are the API's own,
:mod:`contract.schemas`)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

from contract.schemas import Email, EntityOut, EntityUserOut, Role


class AppSessionCreate(Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(min_length=1, max_length=4096)]
    """The sign-in link's token, from the e-mailed URL's fragment (``#token=…``)."""


class AppSessionOut(Struct):
    """The signed-in user; the session itself is the ``folio_app`` cookie (HttpOnly)."""

    user: EntityUserOut
    entity: EntityOut
    role: Role
    permissions: list[str]
    csrf_token: str
    """Send it as ``X-CSRF-Token`` with every unsafe call to ``/app/api/v1/…``."""
    expires_at: str


class SignInLinkRequest(Struct, forbid_unknown_fields=True):
    email: Email


class SignInLinkSent(Struct):
    sent: bool
    """Always true: the answer does not tell whether the address belongs to anyone."""
