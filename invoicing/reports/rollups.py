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

Rows are keyed by account, environment, month, currency, due month and ``stripe``, the writing backend's
pid modulo :data:`STRIPES`: two transactions at once (any entities) add to different rows, so no writer waits
on another's row lock and no account has a single hot row; the reader sums the stripes (a year of an
account is a few thousand rows at most). Rows that fall to zero stay (they are few).

:data:`DDL` creates the functions and triggers (migration 0021); :data:`REBUILD` recomputes the table from
the documents, payments and refunds (the migration's backfill; run it after writing with the triggers
disabled).
"""

from __future__ import annotations

from datetime import date

STRIPES = 64
NO_DUE = date(9999, 12, 1)
"""``due_month`` of payments, refunds and documents without a due date: never overdue."""

_MONTH = "date_trunc('month', {0}::timestamp)::date"
_NO_DUE = f"DATE '{NO_DUE.isoformat()}'"
_FIGURES = (
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
)
_KEY = "account_id, environment, month, currency_code, due_month, stripe"


def _document_figures(d: str, sign: str) -> list[str]:
    """A document row's contribution, as the :data:`_FIGURES` expressions (``{d}.`` its columns)."""
    charging = f"{d}.type IN ('invoice', 'advance_invoice')"
    due = f"(CASE WHEN {charging} AND {d}.total_due > 0 THEN {d}.total_due ELSE 0 END)"
    opened = f"({d}.status IN ('issued', 'partially_paid') AND {due} > 0)"
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
    ]


def _counted(d: str) -> str:
    return f"{d}.type IN ('invoice', 'credit_note', 'advance_invoice') AND {d}.status NOT IN ('draft', 'voided')"


_DOCUMENT_COLUMNS = (
    "entity_id, type, status, date, date_due, currency_code, total, total_tax, total_with_tax, total_due"
)

DDL = [
    f"""
CREATE FUNCTION report_rollup_add(
    acc text, env text, mon date, cur text, due date,
    invoices integer, credit_notes integer, issued numeric, credited numeric, net numeric, tax numeric,
    paid numeric, outstanding numeric, outstanding_count integer, open_due numeric, open_count integer
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_rollups AS r ({_KEY}, {", ".join(_FIGURES)})
    VALUES (acc, env, mon, cur, due, pg_backend_pid() % {STRIPES},
            invoices, credit_notes, issued, credited, net, tax, paid, outstanding, outstanding_count,
            open_due, open_count)
    ON CONFLICT ({_KEY}) DO UPDATE SET {", ".join(f"{f} = r.{f} + excluded.{f}" for f in _FIGURES)}
$$""",
    f"""
CREATE FUNCTION report_rollup_document(d documents, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    acc text;
    env text;
BEGIN
    IF NOT ({_counted("d")}) THEN
        RETURN;
    END IF;
    SELECT account_id, environment INTO acc, env FROM entities WHERE id = d.entity_id;
    PERFORM report_rollup_add(acc, env, {_MONTH.format("d.date")}, d.currency_code,
                              COALESCE({_MONTH.format("d.date_due")}, {_NO_DUE}),
                              {", ".join(_document_figures("d", "sign"))});
END
$$""",
    """
CREATE FUNCTION report_rollup_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_rollup_document(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_rollup_document(NEW, 1);
    END IF;
    RETURN NULL;
END
$$""",
    f"""
CREATE FUNCTION report_rollup_money() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE WHEN TG_TABLE_NAME = 'refunds' THEN -1 ELSE 1 END;
    acc text;
    env text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT account_id, environment INTO acc, env FROM entities WHERE id = OLD.entity_id;
        PERFORM report_rollup_add(acc, env, {_MONTH.format("OLD.date")}, OLD.currency_code, {_NO_DUE},
                                  0, 0, 0, 0, 0, 0, -sign * OLD.amount, 0, 0, 0, 0);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT account_id, environment INTO acc, env FROM entities WHERE id = NEW.entity_id;
        PERFORM report_rollup_add(acc, env, {_MONTH.format("NEW.date")}, NEW.currency_code, {_NO_DUE},
                                  0, 0, 0, 0, 0, 0, sign * NEW.amount, 0, 0, 0, 0);
    END IF;
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

DROP = [
    "DROP TRIGGER IF EXISTS report_rollup_documents ON documents",
    "DROP TRIGGER IF EXISTS report_rollup_documents_update ON documents",
    *(f"DROP TRIGGER IF EXISTS report_rollup_{t} ON {t}" for t in ("payments", "refunds")),
    *(f"DROP TRIGGER IF EXISTS report_rollup_{t}_update ON {t}" for t in ("payments", "refunds")),
    "DROP FUNCTION IF EXISTS report_rollup_money()",
    "DROP FUNCTION IF EXISTS report_rollup_documents()",
    "DROP FUNCTION IF EXISTS report_rollup_document(documents, integer)",
    "DROP FUNCTION IF EXISTS report_rollup_add(text, text, date, text, date, integer, integer, numeric, numeric, "
    "numeric, numeric, numeric, numeric, integer, numeric, integer)",
]

REBUILD = [
    "DELETE FROM report_rollups",
    f"""
INSERT INTO report_rollups ({_KEY}, {", ".join(_FIGURES)})
SELECT e.account_id, e.environment, x.month, x.currency_code, x.due_month, 0,
       {", ".join(f"sum(x.{f})" for f in _FIGURES)}
FROM (
    SELECT d.entity_id, {_MONTH.format("d.date")} AS month, d.currency_code,
           COALESCE({_MONTH.format("d.date_due")}, {_NO_DUE}) AS due_month,
           {", ".join(f"{expr} AS {name}" for expr, name in zip(_document_figures("d", "1"), _FIGURES, strict=True))}
    FROM documents d WHERE {_counted("d")}
    UNION ALL
    SELECT entity_id, {_MONTH.format("date")}, currency_code, {_NO_DUE}, 0, 0, 0, 0, 0, 0, amount, 0, 0, 0, 0
    FROM payments
    UNION ALL
    SELECT entity_id, {_MONTH.format("date")}, currency_code, {_NO_DUE}, 0, 0, 0, 0, 0, 0, -amount, 0, 0, 0, 0
    FROM refunds
) x JOIN entities e ON e.id = x.entity_id
GROUP BY e.account_id, e.environment, x.month, x.currency_code, x.due_month""",
]
"""Recompute every row from the documents, payments and refunds (PostgreSQL; in one transaction)."""
