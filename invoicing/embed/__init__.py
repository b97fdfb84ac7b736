"""The API's side of embedding: the endpoints the BFF calls (``/v1/me``, spending embed tokens, the
shell's branding) and the resolvers that read the BFF's credentials (:mod:`contract.credentials`)
for the one guard. Nothing happens on import: the composition root (:mod:`folio.server`) mounts
``ROUTE_HANDLERS`` and calls :func:`register_resolvers`.
"""

from invoicing.embed.controller import EmbedInternalController, MeController
from invoicing.embed.resolvers import register as register_resolvers

ROUTE_HANDLERS = [MeController, EmbedInternalController]

__all__ = ["ROUTE_HANDLERS", "EmbedInternalController", "MeController", "register_resolvers"]
