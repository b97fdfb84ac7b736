"""The summary's monthly rollups (table ``report_rollups``, :class:`~invoicing.db.models.ReportRollup`), kept on
PostgreSQL by triggers in the transaction of every write that changes a figure.

Every insert, update or delete of a document, payment or refund (issuing, voiding, a payment and its
deletion, a refund, a credit note and what it does to its invoice's ``total_due``, an advance deducted, SQL
run by hand) takes the row's old contribution out of its month's row and adds its new one: the figures are
the documents' own, summed, so a report from the rollups equals one recomputed from the documents
(``tests/integration/test_report_rollups.py`` checks this after every kind of write). A contribution is the
report's rules (:mod:`invoicing.reports.service`): invoices and advance invoices add their totals,
credit notes subtract in their own month, drafts and voided documents count nowhere, amounts per currency;
``outstanding`` is what is due now, ``open_due`` what is due on issued or partially paid invoices, in the
row of the month they fall due (``due_month``), so overdue as of any day is the rows due before its month
plus that month's invoices already past due (read from the documents, index ``ix_documents_open_due``).

Each trigger runs one statement: the row's old and new contributions, joined to its entity for the account,
grouped by rollup row and added with ``INSERT … ON CONFLICT DO UPDATE`` (about 0.05 ms more per issued
invoice). Rows are keyed by account, environment, month, currency, due month and ``stripe``, the writing
backend's pid modulo :data:`STRIPES`: two transactions at once (any entities) add to different rows unless
their backends' pids are equal modulo 64, so writers seldom wait on one another's row lock and no account
has a single hot row; the reader sums the stripes (a year of an account is a few thousand rows at most).
Rows that fall to zero stay (they are few).

:data:`DDL` creates the functions and triggers (migration 0021); :data:`REBUILD` recomputes the table from
the documents, payments and refunds (the migration's backfill; ``bench/seed_sql.py`` disables the
:data:`TRIGGERS` for its bulk clones and rebuilds after them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from invoicing.documents.queries import OPEN_STATUSES
from invoicing.reports.service import CHARGING, COUNTED, DOCUMENT_TYPES

STRIPES = 64
NO_DUE = date(9999, 12, 1)
"""``due_month`` of payments, refunds and documents without a due date: never overdue."""

_MONTH = "date_trunc('month', {0}::timestamp)::date"
_NO_DUE = f"DATE '{NO_DUE.isoformat()}'"
FIGURES = (
    "invoices",
    "credit_notes",
    "issued",
    "credited",
    "net",
    "tax",
    "paid",
    "outstanding",
    "outstanding_count",
    "open_due",
    "open_count",
    "entries",
)
_KEY = "account_id, environment, month, currency_code, due_month, stripe"


def _in(values: Iterable[str]) -> str:
    """A SQL list of the report's own constants (:mod:`invoicing.reports.service`), never of input."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _document_figures(d: str, sign: str) -> list[str]:
    """A document row's contribution, as the :data:`FIGURES` expressions (``{d}.`` its columns)."""
    charging = f"{d}.type IN {_in(CHARGING)}"
    due = f"(CASE WHEN {charging} AND {d}.total_due > 0 THEN {d}.total_due ELSE 0 END)"
    opened = f"({d}.status IN {_in(OPEN_STATUSES)} AND {due} > 0)"
    return [
        f"CASE WHEN {charging} THEN {sign} ELSE 0 END",
        f"CASE WHEN {charging} THEN 0 ELSE {sign} END",
        f"CASE WHEN {charging} THEN {sign} * COALESCE({d}.total_with_tax, 0) ELSE 0 END",
        f"CASE WHEN {charging} THEN 0 ELSE {sign} * COALESCE({d}.total_with_tax, 0) END",
        f"CASE WHEN {charging} THEN 1 ELSE -1 END * {sign} * COALESCE({d}.total, 0)",
        f"CASE WHEN {charging} THEN 1 ELSE -1 END * {sign} * COALESCE({d}.total_tax, 0)",
        "0",
        f"{sign} * {due}",
        f"CASE WHEN {due} > 0 THEN {sign} ELSE 0 END",
        f"CASE WHEN {opened} THEN {sign} * {due} ELSE 0 END",
        f"CASE WHEN {opened} THEN {sign} ELSE 0 END",
        sign,
    ]


def _counted(d: str) -> str:
    return f"{d}.type IN {_in(DOCUMENT_TYPES)} AND {d}.status NOT IN {_in(COUNTED)}"


_DOCUMENT_COLUMNS = (
    "entity_id, type, status, date, date_due, currency_code, total, total_tax, total_with_tax, total_due"
)


def _upsert(rows: str) -> str:
    """Add ``rows`` (entity_id, month, currency_code, due_month and the :data:`FIGURES`) to their rollup rows
    in one statement: grouped by row key (an update whose old and new rows share a key writes one row)."""
    return f"""
    INSERT INTO report_rollups AS r ({_KEY}, {", ".join(FIGURES)})
    SELECT e.account_id, e.environment, x.month, x.currency_code, x.due_month, pg_backend_pid() % {STRIPES},
           {", ".join(f"sum(x.{f})" for f in FIGURES)}
    FROM ({rows}) x JOIN entities e ON e.id = x.entity_id
    GROUP BY e.account_id, e.environment, x.month, x.currency_code, x.due_month
    ON CONFLICT ({_KEY}) DO UPDATE SET {", ".join(f"{f} = r.{f} + excluded.{f}" for f in FIGURES)}"""


def _document_rows() -> str:
    """The trigger's OLD row taken out (an update or delete), its NEW row added (an insert or update)."""
    columns = _DOCUMENT_COLUMNS.split(", ")
    old = ", ".join(f"OLD.{c} AS {c}" for c in columns)
    new = ", ".join(f"NEW.{c}" for c in columns)
    figures = ", ".join(f"{e} AS {f}" for e, f in zip(_document_figures("d", "d.sign"), FIGURES, strict=True))
    return f"""
        SELECT d.entity_id, {_MONTH.format("d.date")} AS month, d.currency_code,
               COALESCE({_MONTH.format("d.date_due")}, {_NO_DUE}) AS due_month, {figures}
        FROM (SELECT -1 AS sign, {old} WHERE TG_OP <> 'INSERT'
              UNION ALL SELECT 1, {new} WHERE TG_OP <> 'DELETE') d
        WHERE {_counted("d")}"""


def _money(r: str, sign: str, entries: str) -> str:
    """A payment's or refund's contribution (``{r}.amount`` times ``sign`` paid; ``entries`` rows)."""
    return ", ".join({"paid": f"{sign} * {r}.amount", "entries": entries}.get(f, "0") for f in FIGURES)


def _money_rows() -> str:
    """A payment (``sign`` 1) or refund (-1): its amount in its month, OLD taken out and NEW added."""

    def row(r: str, sign: str, entries: str) -> str:
        return f"{r}.entity_id, {_MONTH.format(r + '.date')}, {r}.currency_code, {_NO_DUE}, {_money(r, sign, entries)}"

    names = ", ".join(["entity_id", "month", "currency_code", "due_month", *FIGURES])
    return f"""
        SELECT * FROM (
            SELECT {row("OLD", "-sign", "-1")} WHERE TG_OP <> 'INSERT'
            UNION ALL SELECT {row("NEW", "sign", "1")} WHERE TG_OP <> 'DELETE'
        ) AS m({names})"""


DDL = [
    f"""
CREATE FUNCTION report_rollup_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{_upsert(_document_rows())};
    RETURN NULL;
END
$$""",
    f"""
CREATE FUNCTION report_rollup_money() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE WHEN TG_TABLE_NAME = 'refunds' THEN -1 ELSE 1 END;
BEGIN{_upsert(_money_rows())};
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER report_rollup_documents AFTER INSERT OR DELETE ON documents "
    "FOR EACH ROW EXECUTE FUNCTION report_rollup_documents()",
    "CREATE TRIGGER report_rollup_documents_update AFTER UPDATE ON documents FOR EACH ROW "
    f"WHEN (({', '.join('OLD.' + c for c in _DOCUMENT_COLUMNS.split(', '))}) IS DISTINCT FROM "
    f"({', '.join('NEW.' + c for c in _DOCUMENT_COLUMNS.split(', '))})) "
    "EXECUTE FUNCTION report_rollup_documents()",
    *(
        f"CREATE TRIGGER report_rollup_{table} AFTER INSERT OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION report_rollup_money()"
        for table in ("payments", "refunds")
    ),
    *(
        f"CREATE TRIGGER report_rollup_{table}_update AFTER UPDATE ON {table} FOR EACH ROW "
        "WHEN ((OLD.entity_id, OLD.currency_code, OLD.date, OLD.amount) IS DISTINCT FROM "
        "(NEW.entity_id, NEW.currency_code, NEW.date, NEW.amount)) EXECUTE FUNCTION report_rollup_money()"
        for table in ("payments", "refunds")
    ),
]

TRIGGERS = [
    (table, f"report_rollup_{name}{suffix}")
    for table, name in (("documents", "documents"), ("payments", "payments"), ("refunds", "refunds"))
    for suffix in ("", "_update")
]
"""(table, trigger) of every trigger :data:`DDL` creates (to disable them for a bulk load, then :data:`REBUILD`)."""

DROP = [
    *(f"DROP TRIGGER IF EXISTS {trigger} ON {table}" for table, trigger in TRIGGERS),
    "DROP FUNCTION IF EXISTS report_rollup_money()",
    "DROP FUNCTION IF EXISTS report_rollup_documents()",
]

REBUILD = [
    "DELETE FROM report_rollups",
    f"""
INSERT INTO report_rollups ({_KEY}, {", ".join(FIGURES)})
SELECT e.account_id, e.environment, x.month, x.currency_code, x.due_month, 0,
       {", ".join(f"sum(x.{f})" for f in FIGURES)}
FROM (
    SELECT d.entity_id, {_MONTH.format("d.date")} AS month, d.currency_code,
           COALESCE({_MONTH.format("d.date_due")}, {_NO_DUE}) AS due_month,
           {", ".join(f"{expr} AS {name}" for expr, name in zip(_document_figures("d", "1"), FIGURES, strict=True))}
    FROM documents d WHERE {_counted("d")}
    UNION ALL
    SELECT p.entity_id, {_MONTH.format("p.date")}, p.currency_code, {_NO_DUE}, {_money("p", "1", "1")}
    FROM payments p
    UNION ALL
    SELECT r.entity_id, {_MONTH.format("r.date")}, r.currency_code, {_NO_DUE}, {_money("r", "-1", "1")}
    FROM refunds r
) x JOIN entities e ON e.id = x.entity_id
GROUP BY e.account_id, e.environment, x.month, x.currency_code, x.due_month""",
]
"""Recompute every row from the documents, payments and refunds (PostgreSQL; in one transaction)."""
