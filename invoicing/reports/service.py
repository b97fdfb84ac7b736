"""The reports: summary, VAT and usage, each computed in the database (GROUP BY over indexed columns).

Who sees what (:class:`ReportScope`): an entity credential (entity key, entity user) its entity; an account
key with ``X-Entity-Id`` that entity; an account key without it every entity of its account and environment,
narrowed by ``entity_ids``. Periods are inclusive ISO dates; documents count by their own ``date``; drafts
and voided invoices count nowhere. Amounts are summed per currency only, exactly on both engines
(:mod:`invoicing.reports.sql`), and shown rounded to the currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ColumnElement, Select, and_, bindparam, case, column, func, null, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.coverage import Period, check_account_entities
from invoicing.core.money import format_decimal, round_money
from invoicing.core.paging import make_cursor, read_cursor
from invoicing.db.models import ActiveUser, Customer, Document, Email, Entity, Payment, Refund, ReportRollup
from invoicing.documents.queries import OPEN_STATUSES, is_overdue
from invoicing.reports.schemas import (
    EntityUsage,
    Figures,
    GroupBy,
    SummaryGroup,
    SummaryReport,
    UsageReport,
    VatReport,
    VatRow,
    VatTotal,
)
from invoicing.reports.sql import as_money, money_order, money_sum, month_of

CUSTOMER_GROUPS = 100
"""group_by=customer lists this many customers; the rest are summed into one group ``other``."""
ENTITY_IDS_MAX = 100
COUNTED = ("draft", "voided")
"""Statuses that count nowhere."""
ZERO = Decimal(0)
DOCUMENT_TYPES = ("invoice", "credit_note", "advance_invoice")
"""Advance invoices count like invoices (their VAT is due when the prepayment is received); a final invoice's
stored figures are already less its advances (:mod:`invoicing.documents.advances`), so nothing counts twice."""
CHARGING = ("invoice", "advance_invoice")
SENT = ("sent", "captured")
"""E-mails that went out: delivered to the SMTP server, or captured where none is configured."""


# -- who and when -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """The entities a report covers: ``entity_ids``, or (None) every entity of the account and environment."""

    account_id: str
    environment: str
    entity_ids: tuple[str, ...] | None

    def entities(self) -> Select[Any]:
        stmt = select(Entity.id).where(Entity.account_id == self.account_id, Entity.environment == self.environment)
        if self.entity_ids is not None:
            stmt = stmt.where(Entity.id.in_(self.entity_ids))
        return stmt

    def covers(self, entity_column: Any) -> ColumnElement[bool]:
        if self.entity_ids is not None:
            return entity_column.in_(self.entity_ids)  # the ids were checked to be the account's
        return entity_column.in_(self.entities().scalar_subquery())


async def report_scope(
    session: AsyncSession, scope: Scope, header_entity: str | None, entity_ids: str | None
) -> ReportScope:
    principal = scope.principal
    wanted = _parse_ids(entity_ids) if entity_ids is not None else None
    if principal.entity_id is not None:  # an entity key or user: its entity, whatever else is asked
        if wanted is not None and set(wanted) != {principal.entity_id}:
            raise ValidationFailed.field("entity_ids", "an entity credential reports on its own entity only")
        if header_entity is not None and header_entity != principal.entity_id:
            raise NotFound(f"Entity {header_entity} was not found.")
        return ReportScope(principal.account_id, principal.environment, (principal.entity_id,))
    base = ReportScope(principal.account_id, principal.environment, None)
    if header_entity is not None:
        if wanted is not None:
            raise ValidationFailed.field("entity_ids", "give X-Entity-Id or entity_ids, not both")
        found = (await session.execute(base.entities().where(Entity.id == header_entity))).scalar_one_or_none()
        if found is None:
            raise NotFound(f"Entity {header_entity} was not found.")
        return ReportScope(principal.account_id, principal.environment, (header_entity,))
    if wanted is None:
        return base
    await check_account_entities(session, principal, wanted, "entity_ids")
    return ReportScope(principal.account_id, principal.environment, tuple(wanted))


def _parse_ids(value: str) -> list[str]:
    ids = list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not ids:
        raise ValidationFailed.field("entity_ids", "give one or more entity ids, comma-separated")
    if len(ids) > ENTITY_IDS_MAX:
        raise ValidationFailed.field("entity_ids", f"at most {ENTITY_IDS_MAX} entity ids")
    if any(len(entity_id) > 40 for entity_id in ids):
        raise ValidationFailed.field("entity_ids", "an entity id is at most 40 characters")
    return ids


# -- summary -----------------------------------------------------------------------------------------


@dataclass
class _Sums:
    invoices: int = 0
    credit_notes: int = 0
    issued: Decimal = ZERO
    credited: Decimal = ZERO
    net: Decimal = ZERO
    tax: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    outstanding_count: int = 0
    overdue: Decimal = ZERO
    overdue_count: int = 0

    def add(self, other: _Sums) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self, currency: str) -> Figures:
        def m(value: Decimal) -> str:
            return format_decimal(round_money(value, currency))

        return Figures(
            currency_code=currency,
            invoices=self.invoices,
            credit_notes=self.credit_notes,
            issued=m(self.issued),
            credited=m(self.credited),
            net=m(self.net),
            tax=m(self.tax),
            total=m(self.issued - self.credited),
            paid=m(self.paid),
            outstanding=m(self.outstanding),
            outstanding_count=self.outstanding_count,
            overdue=m(self.overdue),
            overdue_count=self.overdue_count,
        )


@dataclass
class _Group:
    by_currency: dict[str, _Sums] = field(default_factory=dict)

    def sums(self, currency: str) -> _Sums:
        return self.by_currency.setdefault(currency, _Sums())

    def add(self, other: _Group) -> None:
        for currency, sums in other.by_currency.items():
            self.sums(currency).add(sums)

    def figures(self) -> list[Figures]:
        return [self.by_currency[c].figures(c) for c in sorted(self.by_currency)]

    def rank(self) -> Decimal:
        """Groups are ordered by net descending: the largest of their currencies' nets (never summed)."""
        return max((s.net for s in self.by_currency.values()), default=ZERO)


def _dec(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


class ReportService:
    """The reports for one request: its read transaction and the caller."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def _execute(self, stmt: Executable) -> Sequence[Any]:
        return (await self.session.execute(stmt)).all()

    def _documents(self, who: ReportScope, period: Period) -> ColumnElement[bool]:
        """The invoices and credit notes that count in the period (index ``ix_documents_entity_date``)."""
        return and_(
            who.covers(Document.entity_id),
            Document.type.in_(DOCUMENT_TYPES),
            Document.date >= period.date_from,
            Document.date <= period.date_to,
            Document.status.not_in(COUNTED),
        )

    async def _sums(
        self, who: ReportScope, period: Period, as_of: date, group_by: GroupBy | None
    ) -> dict[str | None, _Group]:
        """The figures per group key and currency. A whole account (not grouped, or by month) on PostgreSQL
        reads the period's whole months from the rollups (:meth:`_rolled_up`) and only its partial first and
        last months from the documents; anything else reads the documents (:meth:`_counted`)."""
        groups: dict[str | None, _Group] = {}
        months = _whole_months(period)
        rolled = (
            who.entity_ids is None
            and group_by in (None, "month")
            and months is not None
            and self.session.get_bind().dialect.name == "postgresql"
        )
        if not rolled or months is None:
            await self._counted(who, period, as_of, group_by, groups)
            return groups
        first, last = months
        if period.date_from < first:
            await self._counted(who, Period(period.date_from, first - timedelta(days=1)), as_of, group_by, groups)
        await self._rolled_up(who, Period(first, last), as_of, group_by, groups)
        if last < period.date_to:
            await self._counted(who, Period(last + timedelta(days=1), period.date_to), as_of, group_by, groups)
        return groups

    async def _rolled_up(
        self, who: ReportScope, months: Period, as_of: date, group_by: GroupBy | None, groups: dict[str | None, _Group]
    ) -> None:
        """The figures of whole ``months`` of the account from ``report_rollups``: overdue is what is due on
        the open invoices falling due before ``as_of``'s month, plus this month's open invoices already past
        their due day, read from the documents (``ix_documents_open_due``)."""
        this_month = as_of.replace(day=1)
        r = ReportRollup
        k = (month_of(r.month) if group_by == "month" else null()).label("key")
        before = r.due_month < this_month
        stmt = select(
            k,
            r.currency_code,
            func.sum(r.invoices).label("invoices"),
            func.sum(r.credit_notes).label("credit_notes"),
            func.sum(r.issued).label("issued"),
            func.sum(r.credited).label("credited"),
            func.sum(r.net).label("net"),
            func.sum(r.tax).label("tax"),
            func.sum(r.paid).label("paid"),
            func.sum(r.outstanding).label("outstanding"),
            func.sum(r.outstanding_count).label("outstanding_count"),
            func.sum(case((before, r.open_due))).label("overdue"),
            func.sum(case((before, r.open_count))).label("overdue_count"),
        ).where(
            r.account_id == who.account_id,
            r.environment == who.environment,
            r.month >= months.date_from,
            r.month <= months.date_to,
        )
        stmt = stmt.group_by(*([k] if group_by else []), r.currency_code).having(func.sum(r.entries) > 0)
        for row in await self._execute(stmt):  # a group with nothing counted left (all voided) is no group
            s = groups.setdefault(row.key, _Group()).sums(row.currency_code)
            s.invoices, s.credit_notes = s.invoices + (row.invoices or 0), s.credit_notes + (row.credit_notes or 0)
            s.issued, s.credited = s.issued + _dec(row.issued), s.credited + _dec(row.credited)
            s.net, s.tax, s.paid = s.net + _dec(row.net), s.tax + _dec(row.tax), s.paid + _dec(row.paid)
            s.outstanding += _dec(row.outstanding)
            s.outstanding_count += row.outstanding_count or 0
            s.overdue, s.overdue_count = s.overdue + _dec(row.overdue), s.overdue_count + (row.overdue_count or 0)
        if as_of == this_month:
            return
        dk = (month_of(Document.date) if group_by == "month" else null()).label("key")
        due_now = (
            select(dk, Document.currency_code, func.sum(Document.total_due).label("due"), func.count().label("n"))
            .where(
                # inlined, not bound: a generic plan (a prepared statement's, from its 6th run) can use the
                # partial index only if its condition is in the SQL text
                Document.status.in_(bindparam("open", list(OPEN_STATUSES), expanding=True, literal_execute=True)),
                Document.date_due >= this_month,
                Document.date_due < as_of,
                Document.type.in_(CHARGING),
                Document.date >= months.date_from,
                Document.date <= months.date_to,
                Document.total_due > 0,
                who.covers(Document.entity_id),
            )
            .group_by(*([dk] if group_by else []), Document.currency_code)
        )
        for row in await self._execute(due_now):
            s = groups.setdefault(row.key, _Group()).sums(row.currency_code)
            s.overdue, s.overdue_count = s.overdue + _dec(row.due), s.overdue_count + row.n

    async def _counted(
        self, who: ReportScope, period: Period, as_of: date, group_by: GroupBy | None, groups: dict[str | None, _Group]
    ) -> None:
        """The figures counted from the documents, payments and refunds, added to ``groups``: three grouped
        queries, their rows merged here (a few per group, never per document)."""

        def key(entity_column: Any, date_column: Any, customer_column: Any) -> ColumnElement[Any]:
            if group_by == "month":
                return month_of(date_column)
            if group_by == "entity":
                return entity_column
            if group_by == "customer":
                return customer_column
            return null()

        def keyed(column: ColumnElement[Any]) -> list[ColumnElement[Any]]:
            return [column] if group_by is not None else []  # PostgreSQL refuses GROUP BY NULL

        def sums(row: Any) -> _Sums:
            return groups.setdefault(row.key, _Group()).sums(row.currency_code)

        k = key(Document.entity_id, Document.date, Document.customer_id).label("key")
        overdue = is_overdue(as_of)
        due = money_order(Document.total_due) > 0
        documents = (  # invoices and credit notes in one pass over the period's rows
            select(
                k,
                Document.currency_code,
                Document.type,
                func.count().label("n"),
                money_sum(Document.total_with_tax).label("with_tax"),
                money_sum(Document.total).label("net"),
                money_sum(Document.total_tax).label("tax"),
                money_sum(case((due, Document.total_due))).label("outstanding"),
                func.count(case((due, 1))).label("outstanding_count"),
                money_sum(case((overdue, Document.total_due))).label("overdue"),
                func.count(case((overdue, 1))).label("overdue_count"),
            )
            .where(self._documents(who, period))
            .group_by(*keyed(k), Document.currency_code, Document.type)
        )
        for row in await self._execute(documents):
            s = sums(row)
            if row.type in CHARGING:  # invoices and advance invoices (counted among the invoices)
                s.invoices, s.issued = s.invoices + row.n, s.issued + _dec(row.with_tax)
                s.net, s.tax = s.net + _dec(row.net), s.tax + _dec(row.tax)
                s.outstanding += _dec(row.outstanding)
                s.outstanding_count += row.outstanding_count
                s.overdue, s.overdue_count = s.overdue + _dec(row.overdue), s.overdue_count + row.overdue_count
            else:  # credit notes subtract (nothing is due on them: total_due 0)
                s.credit_notes, s.credited = s.credit_notes + row.n, s.credited + _dec(row.with_tax)
                s.net, s.tax = s.net - _dec(row.net), s.tax - _dec(row.tax)
        for model, sign in ((Payment, 1), (Refund, -1)):
            money_key = key(model.entity_id, model.date, Document.customer_id).label("key")
            stmt = select(money_key, model.currency_code, money_sum(model.amount).label("amount")).where(
                who.covers(model.entity_id), model.date >= period.date_from, model.date <= period.date_to
            )
            if group_by == "customer":
                stmt = stmt.join(Document, Document.id == model.invoice_id)
            for row in await self._execute(stmt.group_by(*keyed(money_key), model.currency_code)):
                sums(row).paid += sign * _dec(row.amount)

    async def summary(
        self,
        header_entity: str | None,
        entity_ids: str | None,
        date_from: date | None,
        date_to: date | None,
        group_by: GroupBy | None,
    ) -> SummaryReport:
        period = Period.of(date_from, date_to, today=date.today())
        who = await report_scope(self.session, self.scope, header_entity, entity_ids)
        as_of = date.today()
        found = await self._sums(who, period, as_of, group_by)
        totals = _Group()  # the groups partition the period's documents and money: their sums are the totals
        for group in found.values():
            totals.add(group)
        groups = await self._groups(group_by, period, found) if group_by is not None else []
        return SummaryReport(
            date_from=period.date_from,
            date_to=period.date_to,
            group_by=group_by,
            as_of=as_of,
            totals=totals.figures(),
            groups=groups,
        )

    async def _groups(self, group_by: GroupBy, period: Period, found: dict[str | None, _Group]) -> list[SummaryGroup]:
        if group_by == "month":
            return [
                SummaryGroup(key=month, name=None, figures=found.get(month, _Group()).figures())
                for month in _months(period.date_from, period.date_to)
            ]
        ranked = sorted(found.items(), key=lambda item: (-item[1].rank(), item[0] or ""))
        other = _Group()
        kept: list[tuple[str, _Group]] = []
        for group_key, group in ranked:
            if group_key is None or (group_by == "customer" and len(kept) >= CUSTOMER_GROUPS):
                other.add(group)
            else:
                kept.append((group_key, group))
        model = Entity if group_by == "entity" else Customer
        names = dict(
            (await self.session.execute(select(model.id, model.name).where(model.id.in_([k for k, _ in kept]))))
            .tuples()
            .all()
        )
        out = [SummaryGroup(key=k, name=names.get(k), figures=g.figures()) for k, g in kept]
        if other.by_currency:
            out.append(SummaryGroup(key="other", name=None, figures=other.figures()))
        return out

    # -- VAT ------------------------------------------------------------------------------------------

    async def vat(
        self, header_entity: str | None, entity_ids: str | None, date_from: date | None, date_to: date | None
    ) -> VatReport:
        """Net and tax per currency, tax treatment, VAT category, rate (and buyer country for oss), summed
        in SQL from the documents' own tax lines (``documents.taxes``, a JSON array, expanded by
        ``jsonb_array_elements`` / ``json_each``); credit notes subtract."""
        period = Period.of(date_from, date_to, today=date.today())
        who = await report_scope(self.session, self.scope, header_entity, entity_ids)
        postgres = self.session.get_bind().dialect.name == "postgresql"
        elements = func.jsonb_array_elements if postgres else func.json_each
        line = elements(Document.taxes).table_valued(column("value", JSON)).alias("tax_line")
        treatment = Document.tax_treatment["code"].as_string()
        category = line.c.value["category"].as_string()
        rate = line.c.value["rate"].as_string()
        country = case((treatment == "oss", Document.customer["country"].as_string()))
        is_invoice = Document.type.in_(CHARGING)
        is_credit = Document.type == "credit_note"
        base, amount = as_money(line.c.value["base"].as_string()), as_money(line.c.value["amount"].as_string())
        keys = (Document.currency_code, treatment.label("treatment"), category.label("category"), rate.label("rate"))
        stmt = (
            select(
                *keys,
                country.label("country"),
                money_sum(case((is_invoice, base))).label("net_in"),
                money_sum(case((is_credit, base))).label("net_out"),
                money_sum(case((is_invoice, amount))).label("tax_in"),
                money_sum(case((is_credit, amount))).label("tax_out"),
                func.count(Document.id.distinct()).label("documents"),
            )
            .select_from(Document)
            .join(line, true())
            .where(self._documents(who, period))
            .group_by(*(k for k in keys), country)
        )
        rows = []
        totals: dict[str, list[Decimal]] = {}
        for row in await self._execute(stmt):
            net, tax = _dec(row.net_in) - _dec(row.net_out), _dec(row.tax_in) - _dec(row.tax_out)
            rows.append((row, net, tax))
            total = totals.setdefault(row.currency_code, [ZERO, ZERO])
            total[0] += net
            total[1] += tax

        def order(item: tuple[Any, Decimal, Decimal]) -> tuple[Any, ...]:
            row = item[0]
            return (row.currency_code, row.treatment or "", row.category or "", -Decimal(row.rate), row.country or "")

        def m(value: Decimal, currency: str) -> str:
            return format_decimal(round_money(value, currency))

        return VatReport(
            date_from=period.date_from,
            date_to=period.date_to,
            rows=[
                VatRow(
                    currency_code=row.currency_code,
                    tax_treatment=row.treatment,
                    category=row.category,
                    rate=format_decimal(Decimal(row.rate)),
                    buyer_country=row.country,
                    net=m(net, row.currency_code),
                    tax=m(tax, row.currency_code),
                    documents=row.documents,
                )
                for row, net, tax in sorted(rows, key=order)
            ],
            totals=[VatTotal(currency_code=c, net=m(totals[c][0], c), tax=m(totals[c][1], c)) for c in sorted(totals)],
        )

    # -- usage ----------------------------------------------------------------------------------------

    async def usage(self, month: str | None, limit: int, cursor: str | None) -> UsageReport:
        """Per entity of the account and environment (ordered by id, cursor-paged): the month's invoices and
        credit notes issued, e-mails sent and active dashboard users."""
        principal = self.scope.principal
        first, after = _month(month)
        label = first.strftime("%Y-%m")
        stmt = select(Entity.id, Entity.name).where(
            Entity.account_id == principal.account_id, Entity.environment == principal.environment
        )
        if cursor is not None:
            stmt = stmt.where(Entity.id > read_cursor("entities", cursor))
        entities = (await self.session.execute(stmt.order_by(Entity.id).limit(limit + 1))).all()
        more = len(entities) > limit
        entities = entities[:limit]
        ids = [e.id for e in entities]
        documents = (
            select(Document.entity_id, Document.type, func.count())
            .where(
                Document.entity_id.in_(ids),
                Document.date >= first,
                Document.date < after,
                Document.status.not_in(COUNTED),
            )
            .group_by(Document.entity_id, Document.type)
        )
        counts: dict[tuple[str, str], int] = {}
        for entity_id, doc_type, n in await self._execute(documents):
            counts[(entity_id, doc_type)] = n
        start_at, end_at = (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (first, after))
        sent_on = func.coalesce(Email.sent_at, Email.created_at)  # captured (no SMTP): when it was recorded
        emails = dict(
            await self._execute(
                select(Email.entity_id, func.count())
                .where(
                    Email.entity_id.in_(ids),
                    Email.status.in_(SENT),
                    sent_on >= start_at,
                    sent_on < end_at,
                )
                .group_by(Email.entity_id)
            )
        )
        users = dict(
            await self._execute(
                select(ActiveUser.entity_id, func.count())
                .where(ActiveUser.entity_id.in_(ids), ActiveUser.month == label)
                .group_by(ActiveUser.entity_id)
            )
        )
        return UsageReport(
            month=label,
            data=[
                EntityUsage(
                    entity_id=e.id,
                    name=e.name,
                    invoices_issued=counts.get((e.id, "invoice"), 0),
                    credit_notes_issued=counts.get((e.id, "credit_note"), 0),
                    emails_sent=emails.get(e.id, 0),
                    active_users=users.get(e.id, 0),
                    estimates_issued=counts.get((e.id, "estimate"), 0),
                )
                for e in entities
            ],
            next_cursor=make_cursor("entities", entities[-1].id) if more and entities else None,
        )


def _whole_months(period: Period) -> tuple[date, date] | None:
    """The first day of the period's first whole month and the last day of its last whole month (None if it
    holds no whole month)."""
    first = period.date_from
    if first.day != 1:
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    after = period.date_to + timedelta(days=1)
    last = date(after.year, after.month, 1) - timedelta(days=1)
    return (first, last) if first <= last else None


def _months(first: date, last: date) -> Iterable[str]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _month(value: str | None) -> tuple[date, date]:
    """The month ``YYYY-MM`` (default: this one) as [first day, first day of the next)."""
    if value is None:
        today = date.today()
        first = date(today.year, today.month, 1)
    else:
        try:
            if len(value) != 7 or value[4] != "-":
                raise ValueError
            first = date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            raise ValidationFailed.field("month", "is a month as YYYY-MM, e.g. 2026-11") from None
    after = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return first, after
