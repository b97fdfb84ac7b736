"""Embedding: the routes a platform and its iframe use (tokens, sessions, the scoped proxy, the
dashboard shell, the host SDK ``sdk.js``) and the rules behind them (:class:`EmbedService`).

The token and session life cycle is drawn in :mod:`bff._tokens`; the proxy in :mod:`bff._proxy`.
"""

from bff.embed.controller import ROUTE_HANDLERS
from bff.embed.service import EmbedService

__all__ = ["ROUTE_HANDLERS", "EmbedService"]
