"""The standalone dashboard, first-party at ``/app`` (:mod:`bff.app._session` draws the cookie
session's life cycle, :mod:`bff.app._origin` the same-origin check on its doors), and the BFF as an
app: ``create_bff_app`` (alone, for an API elsewhere), or ``BFF_ROUTE_HANDLERS`` and ``lifespan_hooks``
added to the API's app in one process (:mod:`folio.server`)."""

from bff.app._factory import BFF_ROUTE_HANDLERS, create_bff_app, lifespan_hooks
from bff.app._origin import origin_of
from bff.app._session import secure_cookies
from bff.app.controller import ROUTE_HANDLERS
from bff.app.service import AppService

__all__ = [
    "BFF_ROUTE_HANDLERS",
    "ROUTE_HANDLERS",
    "AppService",
    "create_bff_app",
    "lifespan_hooks",
    "origin_of",
    "secure_cookies",
]
