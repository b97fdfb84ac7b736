"""The audit log: who (an entity user or an API key) did what to which object, and when.

It is a read of the outbox: every state change writes its event row in the same transaction as
the change (:func:`invoicing.events.emit`), with the actor taken from the credential, so the
log cannot miss a change or record one that did not happen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.audit.schemas import Actor, AuditEntry, AuditLog
from invoicing.auth.context import Scope
from invoicing.core.ids import PREFIXES
from invoicing.core.paging import page
from invoicing.db.models import Customer, Document, Email, Entity, EntityUser, Event, Item, Payment, Refund

_TYPES = {prefix: kind for kind, prefix in PREFIXES.items()}


def _object_type(object_id: str) -> str:
    return _TYPES.get(object_id.split("_", 1)[0], "unknown")


def _actor(raw: str | None, emails: dict[str, str]) -> Actor:
    if not raw:
        return Actor(type="system", id=None)
    kind, _, ident = raw.partition(":")
    if kind == "user":
        return Actor(type="user", id=ident, email=emails.get(ident))
    if kind == "system":  # Folio's own background work, e.g. "system:vies-recheck"
        return Actor(type="system", id=ident)
    return Actor(type="key", id=ident)


def list_stmt(
    scope: Scope,
    *,
    action: str | None,
    object_id: str | None,
    actor: str | None,
    date_from: date | None,
    date_to: date | None,
) -> Select:
    stmt = select(Event).where(Event.entity_id == scope.entity_id)
    if action:
        stmt = stmt.where(Event.type.startswith(action.rstrip("*")) if action.endswith("*") else Event.type == action)
    if object_id:
        stmt = stmt.where(Event.object_id == object_id)
    if actor:
        stmt = stmt.where(Event.actor == actor)
    if date_from:
        stmt = stmt.where(Event.created_at >= datetime.combine(date_from, time.min, UTC))
    if date_to:
        stmt = stmt.where(Event.created_at < datetime.combine(date_to + timedelta(days=1), time.min, UTC))
    return stmt


Label = tuple[str | None, str | None]
"""an object's label and currency"""


async def _labels(session: AsyncSession, entity_id: str | None, object_ids: set[str]) -> dict[str, Label]:
    """What a person calls each object (and its currency), read in one query per kind of object on the page."""
    by_type: dict[str, list[str]] = {}
    for object_id in object_ids:
        by_type.setdefault(_object_type(object_id), []).append(object_id)
    out: dict[str, Label] = {}
    ids = (
        by_type.get("invoice", [])
        + by_type.get("credit_note", [])
        + by_type.get("estimate", [])
        + by_type.get("advance_invoice", [])
    )
    if ids:
        rows = await session.execute(
            select(Document.id, Document.number, Document.customer, Document.currency_code).where(
                Document.entity_id == entity_id, Document.id.in_(ids)
            )
        )
        for id_, number, customer, currency in rows.all():
            out[id_] = (number or (customer or {}).get("name"), currency)
    for kind, money_model in (("payment", Payment), ("refund", Refund)):
        if ids := by_type.get(kind, []):
            rows = await session.execute(
                select(money_model.id, Document.number, money_model.currency_code)
                .join(Document, Document.id == money_model.invoice_id)
                .where(money_model.entity_id == entity_id, money_model.id.in_(ids))
            )
            out.update({id_: (number, currency) for id_, number, currency in rows.all()})
    for kind, model in (("customer", Customer), ("item", Item)):
        if ids := by_type.get(kind, []):
            rows = await session.execute(
                select(model.id, model.name).where(model.entity_id == entity_id, model.id.in_(ids))
            )
            out.update({id_: (name, None) for id_, name in rows.all()})
    if ids := by_type.get("user", []):
        rows = await session.execute(
            select(EntityUser.id, EntityUser.email).where(EntityUser.entity_id == entity_id, EntityUser.id.in_(ids))
        )
        out.update({id_: (email, None) for id_, email in rows.all()})
    if ids := by_type.get("email", []):
        rows = await session.execute(select(Email.id, Email.to).where(Email.entity_id == entity_id, Email.id.in_(ids)))
        out.update({id_: (", ".join(to or []), None) for id_, to in rows.all()})
    if entity_id in by_type.get("entity", []):
        name = await session.scalar(select(Entity.name).where(Entity.id == entity_id))
        out[entity_id] = (name, None)
    return out


def _recorded_label(event: Event) -> str | None:
    """A label the event itself recorded, for an object that is gone (a removed member's e-mail, a number)."""
    data = event.data or {}
    for key in ("number", "email"):
        if isinstance(data.get(key), str) and data[key]:
            return str(data[key])
    return None


async def entries(session: AsyncSession, events: list[Event]) -> list[AuditEntry]:
    user_ids = {e.actor.split(":", 1)[1] for e in events if e.actor and e.actor.startswith("user:")}
    emails: dict[str, str] = {}
    if user_ids:
        emails = dict(
            (await session.execute(select(EntityUser.id, EntityUser.email).where(EntityUser.id.in_(user_ids)))).all()
        )
    # a removed user's e-mail survives in the event that removed them
    for e in events:
        if e.type == "entity_user.removed" and e.data.get("email"):
            emails.setdefault(e.object_id, e.data["email"])
    entity_id = events[0].entity_id if events else None
    labels = await _labels(session, entity_id, {e.object_id for e in events})
    return [
        AuditEntry(
            id=e.id,
            object="audit_entry",
            entity_id=e.entity_id,
            action=e.type,
            object_id=e.object_id,
            object_type=_object_type(e.object_id),
            actor=_actor(e.actor, emails),
            data={k: v for k, v in (e.data or {}).items() if k != "object"},  # the webhook's object: /v1/events
            created_at=e.created_at,
            label=labels.get(e.object_id, (None, None))[0] or _recorded_label(e),
            currency=labels.get(e.object_id, (None, None))[1],
        )
        for e in events
    ]


class AuditLogService:
    """The entity's audit log, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def list(
        self,
        limit: int,
        cursor: str | None,
        *,
        action: str | None,
        object_id: str | None,
        actor: str | None,
        date_from: date | None,
        date_to: date | None,
    ) -> AuditLog:
        stmt = list_stmt(
            self.scope, action=action, object_id=object_id, actor=actor, date_from=date_from, date_to=date_to
        )
        events, next_cursor = await page(self.session, stmt, Event.id, limit, cursor, lambda e: e)
        return AuditLog(data=await entries(self.session, events), next_cursor=next_cursor)
