"""The API's side of embedding: the endpoints the BFF calls and the credentials it signs for them.

Importing this package registers the BFF's credential kinds with the one guard.
"""

from invoicing.embed.controller import EmbedInternalController, MeController
from invoicing.embed.resolvers import register

register()

ROUTE_HANDLERS = [MeController, EmbedInternalController]

__all__ = ["ROUTE_HANDLERS", "EmbedInternalController", "MeController"]
