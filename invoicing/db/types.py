"""Column types that keep Decimal and UTC datetimes exact on SQLite and PostgreSQL, and JSON columns
read and written as msgspec Structs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import GenericAlias
from typing import Any

import msgspec
from sqlalchemy import JSON, BindParameter, Boolean, ColumnElement, DateTime, Numeric, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Money(TypeDecorator):
    """Decimal stored exactly: TEXT on SQLite (which has no decimal type), NUMERIC on PostgreSQL."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(28, 8, asdecimal=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return Decimal(value)
        return format(Decimal(value), "f")

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).normalize() if dialect.name == "postgresql" else Decimal(value)


OMITTED_AT_DEFAULT: dict[str, Any] = {
    "category": None,
    "kind": "services",
    "tax_class": "standard",
    "decided_taxes": False,
}
"""Keys of stored lines and taxes left out at their default, so a line stored before the tax decision
(no category, services, standard class, named taxes) is written back exactly as it was."""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {
            key: _plain(item)
            for key, item in value.items()
            if key not in OMITTED_AT_DEFAULT or OMITTED_AT_DEFAULT[key] != item
        }
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


class StructList(TypeDecorator):
    """A JSON array of ``struct`` values (a msgspec Struct type), read back typed.

    Decimals are stored as plain strings (``"100"``, never ``"1E+2"``); rows are read with
    :func:`msgspec.convert`, so fields missing from older rows take the Struct's defaults.
    """

    impl = JSON
    cache_ok = True

    def __init__(self, struct: type[msgspec.Struct]):
        super().__init__()
        self.struct = struct

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return _plain(msgspec.to_builtins(value, builtin_types=(Decimal,)))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return msgspec.convert(value, GenericAlias(list, (self.struct,)))


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdList(TypeDecorator):
    """A list of strings bound as one parameter: an array on PostgreSQL, a JSON array (text) on SQLite."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return list(value)
        return msgspec.json.encode(list(value)).decode()


class Among(ColumnElement[bool]):
    """``column`` is one of the strings bound to the parameter ``name`` (a list, :class:`IdList`): one
    statement whatever the list's length, unlike an expanding ``IN``, whose SQL changes with the length (so
    it is rendered anew on every call and, on PostgreSQL, prepared anew per length on every connection).
    PostgreSQL: ``column = ANY(:name)`` (asyncpg's dialect casts the parameter to ``VARCHAR[]``); SQLite:
    ``column IN (SELECT value FROM json_each(:name))``. Both use the column's index."""

    __visit_name__ = "folio_among"
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is (no ``= 1`` where booleans are integers)
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("parameter", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.parameter: BindParameter[Any] = bindparam(name, type_=IdList())


def among(column: ColumnElement[Any], name: str = "ids") -> Among:
    """``column`` among the list bound to ``name`` (:class:`Among`)."""
    return Among(column, name)


@compiles(Among)
def _among_sqlite(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.parameter, **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"


@compiles(Among, "postgresql")
def _among_postgresql(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.parameter, **kw)
    return f"{column} = ANY({values})"
