"""SQL constructs that read the same on both engines.

Money is NUMERIC on PostgreSQL but TEXT on SQLite (:class:`~invoicing.db.types.Money`), where ``SUM`` and
comparisons would go through floats or compare strings. So:

- :class:`money_sum` is ``SUM`` on PostgreSQL and ``decimal_sum`` on SQLite, an exact aggregate over
  :class:`decimal.Decimal` registered on every SQLite connection (:class:`invoicing.db.engine.DecimalSum`);
  both answer a :class:`~decimal.Decimal` (typed ``Money``).
- :class:`money_order` is the column itself on PostgreSQL (indexed, exact) and ``CAST(… AS REAL)`` on SQLite:
  for ordering and comparing with 0 only, never for figures.
- :class:`month_of` is a date's ``YYYY-MM``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from invoicing.db.types import Money


class money_sum(FunctionElement[Any]):
    type = Money()
    inherit_cache = True


@compiles(money_sum)
def _sum(element: money_sum, compiler: Any, **kw: Any) -> str:
    return f"sum({compiler.process(element.clauses, **kw)})"


@compiles(money_sum, "sqlite")
def _sum_sqlite(element: money_sum, compiler: Any, **kw: Any) -> str:
    return f"decimal_sum({compiler.process(element.clauses, **kw)})"


class money_order(FunctionElement[Any]):
    type = Numeric()
    inherit_cache = True


@compiles(money_order)
def _order(element: money_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(money_order, "sqlite")
def _order_sqlite(element: money_order, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS REAL)"


class month_of(FunctionElement[Any]):
    type = String()
    inherit_cache = True


@compiles(month_of)
def _month(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


class as_money(FunctionElement[Any]):
    """A decimal string read from JSON as a number to sum: ``CAST(… AS NUMERIC)`` on PostgreSQL; on SQLite the
    text itself, which :class:`money_sum` (``decimal_sum``) reads exactly."""

    type = Money()
    inherit_cache = True


@compiles(as_money)
def _as_money(element: as_money, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS NUMERIC)"


@compiles(as_money, "sqlite")
def _as_money_sqlite(element: as_money, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))
