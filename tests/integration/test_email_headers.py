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
        r = api.post(f"/v1/invoices/{inv['id']}/send", json={"to": ["buyer@example.com", "cfo@example.com"]})
        assert r.status_code == 202, r.text
        assert r.json()["sender_name"] == name
        queued[r.json()["id"]] = name
    assert _deliver_all(mailer) == len(NAMES)
    _sent(api, list(queued))
    for email_id, name in queued.items():
        rcpts, raw, message = inbox.by_id(email_id)
        mailbox = only_mailbox(message, "From")
        assert (mailbox.addr_spec, mailbox.display_name) == (sender, name), raw.split(b"\r\nTo:")[0]
        assert only_mailbox(message, "Reply-To").addr_spec == "accounts@seller.example"
        assert [a.addr_spec for a in message["To"].addresses] == ["buyer@example.com", "cfo@example.com"]
        assert sorted(rcpts) == ["buyer@example.com", "cfo@example.com"]
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_a_long_name_in_another_script_is_encoded_words_that_join_back(server, smtp, mailer, sender):
    """Several RFC 2047 encoded words, each on a line of at most 78 characters. RFC 2047 (6.2) joins adjacent
    encoded words without the blank between them; Python 3.11's address parser keeps that blank (CPython
    gh-128110), so the display name is read here as RFC 2047 reads it, from the parsed header's own text."""
    _, inbox = smtp
    api, ent = _tenant(server, mailer.url)
    inv = _invoice(api)
    queued: dict[str, str] = {}
    for name in LONG_ENCODED:
        assert api.patch(f"/v1/entities/{ent['id']}", json={"settings": {"email": {"sender_name": name}}}).is_success
        queued[api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()["id"]] = name
    assert _deliver_all(mailer) == len(LONG_ENCODED)
    _sent(api, list(queued))
    for email_id, name in queued.items():
        _, raw, message = inbox.by_id(email_id)
        mailbox = only_mailbox(message, "From")
        assert mailbox.addr_spec == sender
        [folded] = [value for key, value in message.raw_items() if key == "From"]
        assert len(folded.splitlines()) > 1 and all(len(line) <= 78 for line in f"From: {folded}".splitlines())
        from_text = folded.replace("\r", "").replace("\n", "")
        phrase = from_text.strip().rsplit(" <", 1)[0]
        assert "=?utf-8?" in phrase and str(make_header(decode_header(phrase))) == name, from_text
        assert mailbox.display_name.replace(" ", "") == name.replace(" ", "")
