"""The invitation and sign-in e-mails: a fresh link, the text in the entity's language, and the
recorded ``Email`` row (``captured`` without SMTP, ``queued`` for the delivery worker), written in
the caller's transaction with its ``email.*`` event by :func:`invoicing.emails.records.record`.

Templates: ``templates/emails/<kind>.<language>.txt``; the first line is ``Subject: …``, the body
follows a blank line. A language without its own template gets English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.config import ROOT, Settings
from invoicing.db.models import Email, Entity, EntityUser
from invoicing.emails.records import Message, Sender, record
from invoicing.rendering import language_of
from invoicing.signin import links

KINDS = ("invitation", "sign_in")
TEMPLATES = ROOT / "templates" / "emails"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                   keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Mailer:
    """What sending a link needs from the settings."""

    keys: list[str]
    public_url: str
    deliver: bool

    @classmethod
    def of(cls, settings: Settings) -> Mailer:
        return cls(settings.security.signing_keys(), settings.public_url, bool(settings.email.smtp_url))


def render(kind: str, locale: str | None, values: dict[str, Any]) -> tuple[str, str]:
    """``(subject, text)`` of an e-mail in the locale's language."""
    language = language_of(locale)
    name = f"{kind}.{language}.txt"
    if not (TEMPLATES / name).is_file():
        name = f"{kind}.en.txt"
    head, _, body = _env.get_template(name).render(**values).partition("\n\n")
    subject = head.removeprefix("Subject:").strip()
    return " ".join(subject.split()), body.strip() + "\n"


async def send_link(session: AsyncSession, scope: Scope, entity: Entity, user: EntityUser, mailer: Mailer,
                    kind: str) -> Email:
    """Sign a link for the user's current ``link_generation`` and record the e-mail carrying it."""
    assert kind in KINDS
    token, claims = links.sign_link(mailer.keys, account_id=entity.account_id, environment=entity.environment,
                                    entity_id=entity.id, user_id=user.id, generation=user.link_generation)
    url = links.link_url(mailer.public_url, entity.id, token)
    subject, text = render(kind, entity.locale, {"entity": entity.name, "role": user.role, "name": user.name or "",
                                                 "email": user.email, "url": url, "hours": links.LINK_TTL // 3600})
    message = Message(to=[user.email], subject=subject, text=text, sender=Sender.of(entity))
    return record(session, scope, message, document_id=None, deliver=mailer.deliver,
                  event={"to": message.to, "user_id": user.id, "kind": kind,
                         "link_expires_at": claims.expires_at.isoformat()})


async def next_generation(session: AsyncSession, user: EntityUser) -> int:
    """Bump the user's ``link_generation`` in the database (so concurrent bumps never share a value):
    every link signed before stops working."""
    user.link_generation = EntityUser.link_generation + 1
    await session.flush()
    await session.refresh(user, ["link_generation"])
    return user.link_generation

