"""The invitation and sign-in e-mails: a fresh link, the text in the entity's language, and the
recorded ``Email`` row (``captured`` without SMTP, ``queued`` for the delivery worker), written in
the caller's transaction with its ``email.*`` event by :func:`invoicing.emails.records.record`.

The words come from ``locales/emails/<language>.json`` (:mod:`invoicing.core.i18n`): ``<kind>.subject``,
a greeting (``greeting.named`` when the user has a name) and ``<kind>.body``, with the role's word
(``role.<role>``) in place of ``{role}``. The subject is made one line of header text
(:func:`~invoicing.emails.headers.one_line`: an entity name stored before that rule may hold a line break).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.config import Settings
from invoicing.core.i18n import message
from invoicing.db.models import Email, Entity, EntityUser
from invoicing.emails.headers import one_line
from invoicing.emails.records import Message, Sender, record
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
    return one_line(subject), f"{greeting}\n\n{body}".strip() + "\n"


async def send_link(
    session: AsyncSession, scope: Scope, entity: Entity, user: EntityUser, mailer: Mailer, kind: str
) -> Email:
    """Sign a link for the user's current ``link_generation`` and record the e-mail carrying it."""
    assert kind in KINDS
    token, claims = links.sign_link(
        mailer.keys,
        account_id=entity.account_id,
        environment=entity.environment,
        entity_id=entity.id,
        user_id=user.id,
        generation=user.link_generation,
    )
    url = links.link_url(mailer.public_url, entity.id, token)
    subject, text = render(
        kind,
        entity.locale,
        {
            "entity": entity.name,
            "role": user.role,
            "name": user.name or "",
            "email": user.email,
            "url": url,
            "hours": links.LINK_TTL // 3600,
        },
    )
    mail = Message(to=[user.email], subject=subject, text=text, sender=Sender.of(entity))
    return record(
        session,
        scope,
        mail,
        document_id=None,
        deliver=mailer.deliver,
        event={"to": mail.to, "user_id": user.id, "kind": kind, "link_expires_at": claims.expires_at.isoformat()},
    )


async def next_generation(session: AsyncSession, user: EntityUser) -> int:
    """Bump the user's ``link_generation`` in the database (so concurrent bumps never share a value):
    every link signed before stops working."""
    user.link_generation = EntityUser.link_generation + 1
    await session.flush()
    await session.refresh(user, ["link_generation"])
    return user.link_generation
