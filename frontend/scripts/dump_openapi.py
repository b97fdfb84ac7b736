"""Write the API's OpenAPI document to ``frontend/openapi.json``, the source of the dashboard's typed client.

Run ``.venv/bin/python frontend/scripts/dump_openapi.py`` after changing an API schema or route, then
``npm run build`` (or ``npm run generate``) in ``frontend/`` regenerates ``src/api/schema.d.ts`` from it.
``tests/unit/test_openapi_client_fresh.py`` fails while the committed document is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "openapi.json"


def render() -> str:
    from litestar.serialization import encode_json

    import invoicing.embed
    from invoicing.app import create_app

    # the API as `folio serve` mounts it: with the embed routes (`GET /v1/me`; the BFF-only ones stay out of the schema)
    schema = create_app(extra_route_handlers=invoicing.embed.ROUTE_HANDLERS).openapi_schema.to_schema()
    return json.dumps(json.loads(encode_json(schema)), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(OUT.parent.parent))
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
