"""E-mail headers as they go over the wire: a sender name is one display name, never an address of its own;
what would break a header is refused when it is stored, and what was stored before that rule is made safe.

The messages are delivered to a real SMTP server on loopback (the ``mailer`` process of
``tests/integration/conftest.py`` on the ``server`` fixture's database, so SQLite and PostgreSQL), which
keeps the bytes it received; each test parses them with ``BytesParser(policy=email.policy.default)``
and asserts on the parsed result.
"""

from __future__ import annotations

import asyncio
import email.policy
import re
import threading
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from invoicing.db import Database
from invoicing.db.models import Email, Entity, Event
from tests.conftest import _free_port
from tests.integration.conftest import INVOICE, _tenant

NAMES = [
    "Kavarna Šola <security@bank.example>",
    "Ärzte GmbH, Berlin",
    'Studio "Bela" d.o.o.',
    "Back\\slash \\ Ltd",
    "Smith, Jones & Co.",
    "Firma; Verwaltung",
    "billing@seller.example",
    "<security@bank.example>",
    'Müller, Ärzte; "P" \\ @ <a@b.de>',
    "日本語の会社名、株式会社",
    "O'Brien & Sons",
    # long enough that the From line must be folded or is longer than 78 characters
    "Zobozdravstvo Šiška, Ljubljanska cesta 17, 1000 Ljubljana, Slovenija",
    'Very Long Trading Company Name, Subsidiary of "Another Long Group"; Accounts Receivable @ HQ, Berlin',
    "Plain words only " * 8 + "end",
]
# names in another script long enough to need several RFC 2047 encoded words (see test below)
LONG_ENCODED = ["Žužemberška zadruga, " * 5 + "z.o.o.", "Š" * 90, 'Müller, Ärzte (Berlin); "Praxis" \\ @ <a@b.example>']


@dataclass
class RawInbox:
    """An SMTP server's inbox that keeps each message as the bytes it received."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        self.received.set()
        return "250 OK"

    def by_id(self, email_id: str) -> tuple[list[str], bytes, EmailMessage]:
        """The envelope recipients, the bytes and the parsed message of the one delivery of ``email_id``."""
        found = [(rcpts, raw, parse(raw)) for rcpts, raw in self.messages]
        [hit] = [m for m in found if m[2]["X-Folio-Email-Id"] == email_id]
        return hit


@pytest.fixture(scope="module")
def smtp():
    """Overrides the conftest's ``smtp`` (which keeps parsed messages) for this module, ``mailer`` included."""
    inbox = RawInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def sender(mailer):
    """The mailer process's From address."""
    return mailer.settings.email.from_address


def parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def only_mailbox(message: EmailMessage, header: str) -> Address:
    addresses = message[header].addresses
    assert len(addresses) == 1, (header, message[header], addresses)
    return addresses[0]


def display_name(message: EmailMessage, header: str = "From") -> str:
    """The one mailbox's display name as RFC 2047 reads it. Python 3.11's address parser keeps the blank
    between two adjacent encoded words of a phrase (CPython gh-128110; RFC 2047 6.2 drops it), so where the
    header has such, the name is decoded from the header's own text; else it is the parsed display name."""
    mailbox = only_mailbox(message, header)
    [folded] = [value for key, value in message.raw_items() if key == header]
    text = folded.replace("\r", "").replace("\n", "").strip()
    if not re.search(r"\?=\s+=\?", text):
        return mailbox.display_name
    phrase, addr_spec = text.rsplit(" <", 1)
    assert addr_spec == f"{mailbox.addr_spec}>" and phrase.startswith("=?") and phrase.endswith("?="), text
    return str(make_header(decode_header(phrase)))


def run(coro_fn, database_url: str):
    async def go():
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                return await coro_fn(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _invoice(api) -> dict:
    r = api.post("/v1/invoices", json=INVOICE)
    assert r.status_code == 201, r.text
    return r.json()


def _deliver_all(mailer) -> int:
    total = 0
    while done := mailer.run_worker():
        total += done
    return total


def _sent(api, ids: list[str]) -> None:
    for email_id in ids:
        out = api.get(f"/v1/emails/{email_id}").json()
        assert out["status"] == "sent" and out["last_error"] is None, out


def test_every_sender_name_is_one_display_name_on_the_wire(server, smtp, mailer, sender):
    _, inbox = smtp
    api, ent = _tenant(server, mailer.url)
    inv = _invoice(api)
    queued: dict[str, str] = {}
    for name in NAMES:
        r = api.patch(f"/v1/entities/{ent['id']}", json={"settings": {"email": {"sender_name": name}}})
        assert r.status_code == 200, r.text
        r = api.post(
            f"/v1/invoices/{inv['id']}/send", json={"to": ["buyer@example.com", "cfo@example.com"], "subject": name}
        )
        assert r.status_code == 202, r.text
        assert r.json()["sender_name"] == name
        queued[r.json()["id"]] = name
    assert _deliver_all(mailer) == len(NAMES)
    _sent(api, list(queued))
    for email_id, name in queued.items():
        rcpts, raw, message = inbox.by_id(email_id)
        mailbox = only_mailbox(message, "From")
        assert (mailbox.addr_spec, display_name(message)) == (sender, name), raw.split(b"\r\nTo:")[0]
        assert message["Subject"] == name
        assert only_mailbox(message, "Reply-To").addr_spec == "accounts@seller.example"
        assert [a.addr_spec for a in message["To"].addresses] == ["buyer@example.com", "cfo@example.com"]
        assert sorted(rcpts) == ["buyer@example.com", "cfo@example.com"]
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_a_long_name_in_another_script_is_encoded_words_that_join_back(server, smtp, mailer, sender):
    """Several RFC 2047 encoded words, each on a line of at most 78 characters, that join back into the name
    (and a subject that long)."""
    _, inbox = smtp
    api, ent = _tenant(server, mailer.url)
    inv = _invoice(api)
    queued: dict[str, str] = {}
    for name in LONG_ENCODED:
        assert api.patch(f"/v1/entities/{ent['id']}", json={"settings": {"email": {"sender_name": name}}}).is_success
        r = api.post(f"/v1/invoices/{inv['id']}/send", json={"subject": f"{name} ✓"})
        queued[r.json()["id"]] = name
    assert _deliver_all(mailer) == len(LONG_ENCODED)
    _sent(api, list(queued))
    for email_id, name in queued.items():
        _, _, message = inbox.by_id(email_id)
        mailbox = only_mailbox(message, "From")
        assert (mailbox.addr_spec, display_name(message)) == (sender, name)
        [folded] = [value for key, value in message.raw_items() if key == "From"]
        lines = f"From: {folded}".splitlines()
        assert len(lines) > 2 and all(len(line) <= 78 for line in lines)
        assert message["Subject"] == f"{name} ✓"


BREAKERS = ["\x0b", "\x0c", "\u2028", "\u2029", "\x85", "\r", "\n", "\r\n", "\x1b", "\x7f", "\t"]


def test_text_that_would_break_a_header_is_refused_when_stored(server):
    api, ent = _tenant(server)
    inv = _invoice(api)
    account = api.__class__(base_url=api.base_url, headers={"Authorization": api.headers["Authorization"]})
    for ch in BREAKERS:
        r = api.post(f"/v1/invoices/{inv['id']}/send", json={"subject": f"Your invoice{ch}Bcc: x@evil.example"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "subject", (ch, r.text)
        r = api.patch(f"/v1/entities/{ent['id']}", json={"name": f"Acme{ch}Ltd"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name", (ch, r.text)
        r = api.patch(f"/v1/entities/{ent['id']}", json={"settings": {"email": {"sender_name": f"Acme{ch}Billing"}}})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "settings.email.sender_name", (ch, r.text)
        r = account.post("/v1/entities", json={"name": f"New{ch}Co", "country": "SI"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name", (ch, r.text)
        r = account.post(
            "/v1/entities",
            json={"name": "New Co", "country": "SI", "settings": {"email": {"sender_name": f"New{ch}Co"}}},
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "settings.email.sender_name", (ch, r.text)
    assert api.get("/v1/emails").json()["data"] == []
    now = api.get(f"/v1/entities/{ent['id']}").json()
    assert now["name"] == ent["name"] and now["settings"]["email"]["sender_name"] == "Seller Billing"
    # blanks at the ends are trimmed; the rest of the line is text
    r = api.patch(f"/v1/entities/{ent['id']}", json={"name": " Ärzte GmbH, Berlin <x@y.example>  "})
    assert r.status_code == 200 and r.json()["name"] == "Ärzte GmbH, Berlin <x@y.example>", r.text
    sent = api.post(f"/v1/invoices/{inv['id']}/send", json={"subject": ' Invoice «1» — "paid"; thanks  '})
    assert sent.status_code == 202 and sent.json()["subject"] == 'Invoice «1» — "paid"; thanks', sent.text


async def _set_entity_name(session, entity_id: str, name: str) -> None:
    await session.execute(update(Entity).where(Entity.id == entity_id).values(name=name))


def test_a_name_stored_before_the_rule_makes_a_one_line_default(server, smtp, mailer, sender):
    """An entity named with a line break before names were checked: a send without a subject gets the
    default subject and sender name on one line, not 'subject: must be one line', and delivers."""
    _, inbox = smtp
    api, ent = _tenant(server, mailer.url, settings={"email": {"reply_to": "accounts@seller.example"}})
    inv = _invoice(api)
    stored = "Acme\r\nBcc: victim@evil.example\u2028\x0bLtd\x1b"
    run(lambda s: _set_entity_name(s, ent["id"], stored), server.database_url)
    r = api.post(f"/v1/invoices/{inv['id']}/send", json={})
    assert r.status_code == 202, r.text
    queued = r.json()
    safe = "Acme Bcc: victim@evil.example Ltd"
    assert queued["subject"] == f"Invoice {inv['number']} from {safe}" and queued["sender_name"] == safe
    assert mailer.run_worker() == 1
    _sent(api, [queued["id"]])
    rcpts, _, message = inbox.by_id(queued["id"])
    assert rcpts == ["buyer@example.com"] and message["Bcc"] is None
    assert message["Subject"] == queued["subject"]
    mailbox = only_mailbox(message, "From")
    assert (mailbox.addr_spec, display_name(message)) == (sender, safe)


def test_an_invitation_is_from_the_entity_by_its_whole_name(server, smtp, mailer, sender):
    _, inbox = smtp
    api, _ = _tenant(server, mailer.url, name="Ärzte GmbH, Berlin", settings={})
    r = api.post("/v1/entity-users", json={"email": "new.user@team.example", "role": "viewer", "send_invite": True})
    assert r.status_code == 201, r.text
    [queued] = [e for e in api.get("/v1/emails").json()["data"] if e["to"] == ["new.user@team.example"]]
    assert queued["status"] == "queued"
    assert mailer.run_worker() == 1
    _sent(api, [queued["id"]])
    rcpts, _, message = inbox.by_id(queued["id"])
    assert rcpts == ["new.user@team.example"]
    mailbox = only_mailbox(message, "From")
    assert (mailbox.addr_spec, display_name(message)) == (sender, "Ärzte GmbH, Berlin")
    assert only_mailbox(message, "To").addr_spec == "new.user@team.example"
    assert message["Subject"] == queued["subject"] and "Ärzte GmbH, Berlin" in queued["subject"]


async def _break(session, email_id: str, **values) -> None:
    await session.execute(update(Email).where(Email.id == email_id).values(**values))


async def _failed_events(session, email_id: str) -> list[dict]:
    rows = await session.execute(select(Event).where(Event.object_id == email_id, Event.type == "email.failed"))
    return [event.data for event in rows.scalars()]


def test_a_stored_message_that_cannot_be_written_fails_once_with_its_reason(server, smtp, mailer):
    """Messages queued before the rule (or written around the API): the worker applies the same rule,
    and records each as failed on its first attempt, with the reason, instead of retrying it."""
    _, inbox = smtp
    api, _ = _tenant(server, mailer.url)
    inv = _invoice(api)
    broken = {
        "subject": {"subject": "Invoice\x0bpaid"},
        "sender_name": {"sender_name": "Acme\u2028Billing"},
        "to": {"to": ["buyer@example.com\r\nBcc: victim@evil.example"]},
    }
    ids = {}
    for what, values in broken.items():
        queued = api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()
        run(lambda s, i=queued["id"], v=values: _break(s, i, **v), server.database_url)
        ids[what] = queued["id"]
    before = len(inbox.messages)
    assert mailer.run_worker() == len(broken)
    assert mailer.run_worker() == 0  # nothing left to retry
    assert len(inbox.messages) == before
    for what, email_id in ids.items():
        out = api.get(f"/v1/emails/{email_id}").json()
        assert out["status"] == "failed" and out["attempts"] == 1 and out["next_attempt_at"] is None, out
        assert out["last_error"].startswith(what if what != "to" else "the message's headers"), out
        events = run(lambda s, i=email_id: _failed_events(s, i), server.database_url)
        assert len(events) == 1 and events[0]["last_error"] == out["last_error"]
