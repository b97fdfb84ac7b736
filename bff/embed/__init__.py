"""Embedding: tokens, sessions, the scoped proxy, the dashboard shell and the host SDK.

The public names live here; the modules behind them are private (``_tokens``, ``_api``, ``_proxy``,
``_shell``). See :mod:`bff.embed._tokens` for the token life cycle.
"""

from bff.embed._api import FolioApi, UpstreamTimeout, make_client
from bff.embed._proxy import forward, upstream_path
from bff.embed._shell import Bundle, BundleMissing, content_security_policy
from bff.embed._tokens import DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL, Claims, TokenRefused, TokenSigner, split_token
from bff.embed.controller import ROUTE_HANDLERS
from bff.embed.service import EmbedService

__all__ = [
    "DEFAULT_TOKEN_TTL", "MAX_TOKEN_TTL", "ROUTE_HANDLERS", "Bundle", "BundleMissing", "Claims", "EmbedService",
    "FolioApi", "TokenRefused", "TokenSigner", "UpstreamTimeout", "content_security_policy", "forward",
    "make_client", "split_token", "upstream_path",
]
