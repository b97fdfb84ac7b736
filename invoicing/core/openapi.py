"""The OpenAPI document's error answers and list filters, written where Litestar cannot infer them.

Litestar documents a ``400`` with its own ``ValidationException`` body on every operation with inputs;
Folio answers bad input with ``422 application/problem+json`` (:mod:`contract.errors`). :func:`install`
wraps the app's OpenAPI builder once, so the served document (``/schema``) and every dump of
``app.openapi_schema`` describe what the API really answers, each operation by its route's ``opt``:

=====  ==========================================================================================
400    the request body is not JSON (operations with a body)
401    no valid credential (every route but the public ones)
403    the credential's role lacks the route's permission (likewise)
404    a path id or the ``X-Entity-Id`` entity that does not exist or is outside the caller's scope
409    a write that conflicts: the document's state, a duplicate, an ``Idempotency-Key`` reused with another body
422    invalid input; ``errors: [{field, message}]`` names each body field or query parameter (every ``/v1``
       route refuses unknown query parameters, :func:`invoicing.core.paging.check_query`)
429    too many requests, with ``Retry-After`` (the BFF's rate-limited doors)
=====  ==========================================================================================

all as ``application/problem+json`` with the ``Problem`` schema. Routes outside ``/v1`` (the BFF's) name
theirs in ``opt["problems"]``. Lists with metadata filters (:data:`invoicing.core.paging.METADATA_FILTERS`)
get their ``metadata`` deepObject parameter; a ``204`` has no content; a route whose answer is one of
several media types names them in ``opt["media_types"]``; a route declared with ``security=[]`` needs no
credential (``security: []``, not the document's bearer).

The request bodies' schemas are exact (the schema plugins :func:`install` puts first): a Struct that
forbids unknown fields is ``additionalProperties: false``, and ``DecimalIn`` is ``anyOf: [number, string]``;
the bodies are decoded as strictly as that (:class:`contract.strict.StrictRequest`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Parameter,
    Reference,
    Schema,
)
from litestar.plugins import OpenAPISchemaPlugin, OpenAPISchemaPluginProtocol
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

from contract.errors import PROBLEM
from contract.permissions import Perm
from invoicing.core.paging import METADATA_OPT, METADATA_VALUE_MAX
from invoicing.core.schemas import DECIMAL_IN

METHODS = ("get", "put", "post", "delete", "patch")
WRITES = {"put", "post", "delete", "patch"}

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    description="An RFC 9457 problem. Bad input (422) names each field or query parameter in `errors`.",
    required=["type", "status", "title", "detail"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, examples=["about:blank"]),
        "status": Schema(type=OpenAPIType.INTEGER, examples=[422]),
        "title": Schema(type=OpenAPIType.STRING, examples=["Invalid input"]),
        "detail": Schema(type=OpenAPIType.STRING, examples=["items[0].price: must be at least 0"]),
        "code": Schema(type=OpenAPIType.STRING, description="A machine-readable reason, where one is given."),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["field", "message"],
                properties={
                    "field": Schema(
                        type=OpenAPIType.STRING,
                        description="The body field (`items[0].price`, `metadata.order_id`), query parameter "
                        "(`cursor`, `metadata[key]`) or header (`X-Entity-Id`).",
                    ),
                    "message": Schema(type=OpenAPIType.STRING),
                },
            ),
        ),
    },
)

ERRORS = {
    "400": "The request body is not valid JSON.",
    "401": "No valid credential: send `Authorization: Bearer <key>`.",
    "403": "The credential's role lacks this route's permission.",
    "404": "Not found, or outside the caller's account, environment or entity (the same answer).",
    "409": "Conflict: the object's state forbids it, a duplicate, or an `Idempotency-Key` reused with another body.",
    "422": "Invalid input: `errors` names each field or query parameter and what is wrong with it.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}
OTHER_ERRORS = {
    "401": "No valid credential of this route's kind; `code` says why (see the description).",
    "403": "Refused: `code` says why (see the description).",
}
"""The BFF's routes (outside ``/v1``) check their own credentials: their words differ."""
RETRY_AFTER = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.INTEGER, minimum=0), description="Seconds until a request can succeed."
)

CURSOR = "The `next_cursor` of the previous page, passed back unchanged (anything else: 422 naming `cursor`)."
METADATA_PARAMETER = Parameter(
    name="metadata",
    param_in="query",
    style="deepObject",
    explode=True,
    required=False,
    description="`metadata[KEY]=VALUE`: only objects whose metadata has KEY equal to VALUE (strings, compared "
    "exactly); several combine with AND. KEY is [A-Za-z0-9_.-], up to 40 characters.",
    schema=Schema(
        type=OpenAPIType.OBJECT,
        additional_properties=Schema(type=OpenAPIType.STRING, max_length=METADATA_VALUE_MAX),
        examples=[{"order_id": "ord_1001"}],
    ),
)


class StrictStructSchemaPlugin(OpenAPISchemaPlugin):
    """Litestar's schema of a Struct that forbids unknown fields (made by ``struct_plugin``, Litestar's
    own, which lives in a private module), with ``additionalProperties: false``."""

    def __init__(self, struct_plugin: OpenAPISchemaPluginProtocol) -> None:
        self.struct_plugin = struct_plugin

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        if not (isinstance(value, type) and issubclass(value, msgspec.Struct)):
            return False
        return bool(value.__struct_config__.forbid_unknown_fields)

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and self.is_plugin_supported_type(field_definition.annotation)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = self.struct_plugin.to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema


class DecimalInSchemaPlugin(OpenAPISchemaPlugin):
    """``DecimalIn``: what msgspec decodes to a ``Decimal``, a JSON number or a string."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return False

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return DECIMAL_IN in field_definition.metadata

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(
            any_of=[Schema(type=OpenAPIType.NUMBER), Schema(type=OpenAPIType.STRING)],
            description=DECIMAL_IN.description,
            examples=["99.90"],
        )


def _problem(code: str, api: bool) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=ERRORS[code] if api else OTHER_ERRORS.get(code, ERRORS[code]),
        content={PROBLEM: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))},
        headers={"Retry-After": RETRY_AFTER} if code == "429" else None,
    )


def _handlers(app: Litestar) -> dict[str, HTTPRouteHandler]:
    out = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if isinstance(handler.operation_id, str):
                    out[handler.operation_id] = handler
    return out


def _errors(path: str, method: str, handler: HTTPRouteHandler, had_400: bool, has_body: bool) -> list[str]:
    opt = handler.opt
    api = path.startswith("/v1/")
    guarded = api and opt.get("permission") not in (None, Perm.PUBLIC)
    codes = []
    if has_body:
        codes.append("400")
    if guarded:
        codes += ["401", "403"]
    if api and ("{" in path or opt.get("entity_scoped")):
        codes.append("404")
    if api and method in WRITES:
        codes.append("409")
    if api or had_400:
        codes.append("422")
    return sorted({*codes, *opt.get("problems", ())})


def document(openapi: OpenAPI, app: Litestar) -> OpenAPI:
    """Rewrite ``openapi`` in place (idempotent): the error answers and metadata parameters above."""
    if openapi.components.schemas.get("Problem") is PROBLEM_SCHEMA:
        return openapi
    openapi.components.schemas["Problem"] = PROBLEM_SCHEMA
    handlers = _handlers(app)
    for path, item in (openapi.paths or {}).items():
        for method in METHODS:
            operation = getattr(item, method, None)
            handler = handlers.get(operation.operation_id or "") if operation is not None else None
            if operation is None or handler is None:
                continue
            responses: dict[str, Any] = dict(operation.responses or {})
            had_400 = responses.pop("400", None) is not None
            for code in _errors(path, method, handler, had_400, operation.request_body is not None):
                responses.setdefault(code, _problem(code, path.startswith("/v1/")))
            if isinstance(responses.get("204"), OpenAPIResponse):
                responses["204"].content = None
            if handler.security is not None and not list(handler.security):
                operation.security = []  # Litestar leaves out an empty list: the document's bearer would apply
            media_types = handler.opt.get("media_types")
            if media_types and isinstance(ok := responses.get("200"), OpenAPIResponse):
                binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ok.content = {media_type: OpenAPIMediaType(schema=binary) for media_type in media_types}
            operation.responses = dict(sorted(responses.items()))
            for parameter in operation.parameters or []:
                if isinstance(parameter, Parameter) and parameter.name == "cursor" and not parameter.description:
                    parameter.description = CURSOR
            if handler.opt.get(METADATA_OPT):
                operation.parameters = [
                    *(p for p in operation.parameters or [] if getattr(p, "name", None) != "metadata"),
                    METADATA_PARAMETER,
                ]
    return openapi


@cache
def _documented(plugin_class: Any) -> Any:
    """Litestar's OpenAPI plugin class, its document passed through :func:`document` (still built lazily,
    once). Made from the class at hand: the plugin's module is Litestar's private one."""

    class DocumentedOpenAPIPlugin(plugin_class):
        __slots__ = ()

        def provide_openapi(self) -> OpenAPI:
            return document(super().provide_openapi(), self.app)

    # still found by its name (``app.plugins.get("OpenAPIPlugin")``)
    DocumentedOpenAPIPlugin.__name__ = plugin_class.__name__
    DocumentedOpenAPIPlugin.__qualname__ = plugin_class.__qualname__
    DocumentedOpenAPIPlugin.__module__ = plugin_class.__module__
    return DocumentedOpenAPIPlugin


def install(app: Litestar) -> None:
    """Make the app's OpenAPI document (served at ``/schema`` and ``app.openapi_schema`` alike) the
    :func:`document`-ed one. Litestar always builds its own plugin, so that instance takes the subclass."""
    plugin: Any = app.plugins.get("OpenAPIPlugin")
    plugin.__class__ = _documented(plugin.__class__)
    struct_plugin = next(p for p in app.plugins.openapi if type(p).__name__ == "StructSchemaPlugin")
    first = (DecimalInSchemaPlugin(), StrictStructSchemaPlugin(struct_plugin))
    app.plugins.openapi = (*first, *app.plugins.openapi)
