"""The invitation and sign-in e-mails: a fresh link, the text in the entity's language, and the
recorded ``Email`` row (``captured`` without SMTP, ``queued`` for the delivery worker), written in
the caller's transaction with its ``email.*`` event.

The words come from ``locales/emails/<language>.json`` (:mod:`invoicing.core.i18n`): ``<kind>.subject``,
a greeting (``greeting.named`` when the user has a name) and ``<kind>.body``, with the role's word
(``role.<role>``) in place of ``{role}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.config import Settings
from invoicing.core.i18n import message
from invoicing.events import emit
from invoicing.core.ids import new_id
from invoicing.db.models import Email, Entity, EntityUser
from invoicing.db.types import utcnow
from invoicing.entities.service import effective_settings
from invoicing.signin import links

KINDS = ("invitation", "sign_in")


@dataclass(frozen=True)
class Mailer:
    """What sending a link needs from the settings."""

    keys: list[str]
    public_url: str
    deliver: bool

    @classmethod
    def of(cls, settings: Settings) -> Mailer:
        return cls(settings.security.signing_keys(), settings.public_url, bool(settings.email.smtp_url))


def render(kind: str, locale: str | None, values: Mapping[str, Any]) -> tuple[str, str]:
    """``(subject, text)`` of an e-mail in the locale's language."""
    words = {**values, "role": message("emails", locale, f"role.{values['role']}")}
    subject = message("emails", locale, f"{kind}.subject", words)
    greeting = message("emails", locale, "greeting.named" if values.get("name") else "greeting", words)
    body = message("emails", locale, f"{kind}.body", words)
    return " ".join(subject.split()), f"{greeting}\n\n{body}".strip() + "\n"


async def send_link(session: AsyncSession, scope: Scope, entity: Entity, user: EntityUser, mailer: Mailer,
                    kind: str) -> Email:
    """Sign a link for the user's current ``link_generation`` and record the e-mail carrying it."""
    assert kind in KINDS
    token, claims = links.sign_link(mailer.keys, account_id=entity.account_id, environment=entity.environment,
                                    entity_id=entity.id, user_id=user.id, generation=user.link_generation)
    url = links.link_url(mailer.public_url, entity.id, token)
    subject, text = render(kind, entity.locale, {"entity": entity.name, "role": user.role, "name": user.name or "",
                                                 "email": user.email, "url": url, "hours": links.LINK_TTL // 3600})
    settings = effective_settings(entity.settings)
    sender = " ".join((settings["email"].get("sender_name") or entity.name or "").split()) or None
    now = utcnow()
    email = Email(id=new_id("email"), entity_id=entity.id, document_id=None, to=[user.email], subject=subject,
                  text=text, sender_name=sender, reply_to=settings["email"].get("reply_to") or entity.email,
                  attachments=[], status="queued" if mailer.deliver else "captured", attempts=0,
                  next_attempt_at=now if mailer.deliver else None, created_at=now)
    session.add(email)
    emit(session, scope, f"email.{email.status}", email.id, {"to": email.to, "user_id": user.id, "kind": kind,
                                                             "link_expires_at": claims.expires_at.isoformat()})
    return email


async def next_generation(session: AsyncSession, user: EntityUser) -> int:
    """Bump the user's ``link_generation`` in the database (so concurrent bumps never share a value):
    every link signed before stops working."""
    user.link_generation = EntityUser.link_generation + 1
    await session.flush()
    await session.refresh(user, ["link_generation"])
    return user.link_generation


def wake_worker(app: Any) -> None:
    """Tell an in-process delivery worker that a message is waiting (others find it when they poll)."""
    worker = getattr(app.state, "email_worker", None)
    if worker is not None:
        worker.wake()
