"""The backend-for-frontend: what stands between the dashboard in a browser and the API of record.

::

    bff/                the core both doors use (private modules, public names re-exported here)
      _api.py           FolioApi: the one shared httpx client to the API (in process or FOLIO_API_URL)
      _asgi.py          StreamingASGITransport: the in-process way to the API, streaming both ways
      _tokens.py        TokenSigner: embed tokens and dashboard sessions (the life cycle is drawn there)
      _proxy.py         forward(): a dashboard call relayed to /v1 as the session's entity user
      _shell.py         Bundle, shell_page(): the dashboard's HTML page around the built bundle
      _limits.py        Limits, take(): abuse limits on the public doors (in memory, or shared in the database)
      config.py         BffSettings
    bff/embed/          the embedding door: /embed/tokens, /embed/session, /embed/api, /embed, the SDK
    bff/app/            the standalone dashboard at /app, and the BFF as an app of its own (create_bff_app)
    bff/demo/           a demo platform page that embeds the dashboard (``folio demo``)

It speaks to the API over HTTP only and shares nothing with it but :mod:`contract` (the signing
scheme, the credentials, the answers it reads); importing it loads no database driver, ORM or renderer.
"""

from bff._api import ApiProblem, FolioApi, UpstreamTimeout, api_problem, make_client, upstream_failure
from bff._asgi import StreamingASGITransport
from bff._limits import (
    RATE_LIMIT_HANDLERS,
    Limit,
    Limits,
    RateLimited,
    SharedCounts,
    SlidingWindow,
    client_key,
    hit,
    take,
)
from bff._proxy import PROXY_METHODS, forward, upstream_path
from bff._shell import IMMUTABLE, Bundle, BundleMissing, ShellPage, content_security_policy, is_entity_id, shell_page
from bff._tokens import (
    APP_SESSION,
    DEFAULT_TOKEN_TTL,
    EMBED_SESSION,
    MAX_TOKEN_TTL,
    Claims,
    TokenRefused,
    TokenSigner,
    split_token,
)

__all__ = [
    "APP_SESSION",
    "DEFAULT_TOKEN_TTL",
    "EMBED_SESSION",
    "IMMUTABLE",
    "MAX_TOKEN_TTL",
    "PROXY_METHODS",
    "RATE_LIMIT_HANDLERS",
    "ApiProblem",
    "Bundle",
    "BundleMissing",
    "Claims",
    "FolioApi",
    "Limit",
    "Limits",
    "RateLimited",
    "SharedCounts",
    "ShellPage",
    "SlidingWindow",
    "StreamingASGITransport",
    "TokenRefused",
    "TokenSigner",
    "UpstreamTimeout",
    "api_problem",
    "client_key",
    "content_security_policy",
    "forward",
    "hit",
    "is_entity_id",
    "make_client",
    "shell_page",
    "split_token",
    "take",
    "upstream_failure",
    "upstream_path",
]
