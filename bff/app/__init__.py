"""The BFF as an app (:mod:`bff.app._factory`: ``create_bff_app``, ``lifespan_hooks``) and the
standalone dashboard it serves first-party at ``/app`` (:mod:`bff.app._session` draws the cookie
session's life cycle, :mod:`invoicing.signin.links` the sign-in link's)."""

from bff.app._factory import create_bff_app, lifespan_hooks
from bff.app.controller import ROUTE_HANDLERS
from bff.app.service import AppService

__all__ = ["ROUTE_HANDLERS", "AppService", "create_bff_app", "lifespan_hooks"]
