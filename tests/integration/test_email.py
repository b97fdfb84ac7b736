"""Sending documents by e-mail: the record, validation, and delivery to a real SMTP server on loopback.

Delivery runs outside the request. Here a second Folio process (sharing the database of the
``server`` fixture, so every test runs on SQLite and PostgreSQL) queues messages with its worker
switched off, and each test runs one worker pass itself: deterministic, no sleeps.
"""

from __future__ import annotations

import asyncio

from folio.server import create_server_app
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from tests.conftest import Server, _free_port, start_server
from tests.integration.conftest import INVOICE, _tenant
from tests.integration.pdf_helpers import pdf_text


def _invoice(api, **extra) -> dict:
    r = api.post("/v1/invoices", json={**INVOICE, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_without_smtp_the_message_is_captured_and_recorded(server):
    api, ent = _tenant(server)
    inv = _invoice(api)
    r = api.post(f"/v1/invoices/{inv['id']}/send", json={})
    assert r.status_code == 202, r.text
    sent = r.json()
    assert sent["status"] == "captured" and sent["to"] == ["buyer@example.com"]
    assert sent["subject"] == f"Invoice {inv['number']} from {ent['name']}"
    assert "€120.78" in sent["text"]
    assert sent["attachments"] == [f"invoice-{inv['number']}.pdf"]
    assert sent["sender_name"] == "Seller Billing" and sent["reply_to"] == "accounts@seller.example"
    listed = api.get("/v1/emails").json()["data"]
    assert [e["id"] for e in listed] == [sent["id"]]
    assert api.get(f"/v1/emails/{sent['id']}").json() == sent
    assert api.get("/v1/emails", params={"document_id": inv["id"]}).json()["data"][0]["id"] == sent["id"]
    assert api.get("/v1/emails", params={"status": "sent"}).json()["data"] == []


def test_defaults_follow_the_document_language(server):
    api, ent = _tenant(server)
    inv = _invoice(api, locale="de", date="2025-03-01", date_due="2025-03-15")
    sent = api.post(f"/v1/invoices/{inv['id']}/send", json={"to": ["a@x.example", "b@x.example"]}).json()
    assert sent["subject"] == f"Rechnung {inv['number']} von {ent['name']}"
    assert "120,78\xa0€" in sent["text"] and "15.03.2025" in sent["text"]
    assert sent["to"] == ["a@x.example", "b@x.example"]
    custom = api.post(
        f"/v1/invoices/{inv['id']}/send", json={"to": "c@x.example", "subject": "Your invoice", "message": "Hi!"}
    ).json()
    assert (custom["subject"], custom["text"], custom["to"]) == ("Your invoice", "Hi!", ["c@x.example"])


def test_bad_input_is_422_naming_the_field(server):
    api, _ = _tenant(server)
    inv = _invoice(api)
    cases = [
        ({"to": "not-an-address"}, "to"),
        ({"to": ["ok@x.example", "bad@@x"]}, "to[1]"),
        ({"to": "a@x.example\r\nBcc: victim@x.example"}, "to"),
        ({"to": "a@x.example", "subject": "Hi\r\nBcc: victim@x.example"}, "subject"),
        ({"to": 42}, "to"),
        ({"to": ["x@x.example"] * 21}, "to"),
    ]
    for body, field in cases:
        r = api.post(f"/v1/invoices/{inv['id']}/send", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == field, (body, r.json())
    no_email = _invoice(api, customer={"name": "No Mail Ltd"})
    r = api.post(f"/v1/invoices/{no_email['id']}/send", json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    assert api.get("/v1/emails").json()["data"] == []


def test_a_draft_is_not_sent(server):
    api, _ = _tenant(server)
    draft = _invoice(api, is_draft=True)
    r = api.post(f"/v1/invoices/{draft['id']}/send", json={"to": "a@x.example"})
    assert r.status_code == 409 and "draft" in r.json()["detail"].lower()


def test_other_entities_cannot_send_or_read(server):
    api, _ = _tenant(server)
    inv = _invoice(api)
    sent = api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()
    stranger, _ = _tenant(server)
    assert stranger.post(f"/v1/invoices/{inv['id']}/send", json={}).status_code == 404
    assert stranger.get(f"/v1/emails/{sent['id']}").status_code == 404
    assert stranger.get("/v1/emails").json()["data"] == []
    assert api.post(f"/v1/credit-notes/{inv['id']}/send", json={}).status_code == 404


def test_delivered_over_smtp_with_the_pdf_attached(server, smtp, mailer):
    _, inbox = smtp
    api, ent = _tenant(server, mailer.url)
    inv = _invoice(api)
    r = api.post(
        f"/v1/invoices/{inv['id']}/send", json={"to": ["buyer@example.com", "cfo@example.com"], "message": "Thanks!"}
    )
    assert r.status_code == 202, r.text
    queued = r.json()
    assert queued["status"] == "queued" and queued["attempts"] == 0
    before = len(inbox.messages)
    assert mailer.run_worker() == 1
    done = api.get(f"/v1/emails/{queued['id']}").json()
    assert done["status"] == "sent" and done["attempts"] == 1 and done["sent_at"] and done["last_error"] is None
    rcpts, message = inbox.messages[before]
    assert sorted(rcpts) == ["buyer@example.com", "cfo@example.com"]
    assert message["Subject"] == f"Invoice {inv['number']} from {ent['name']}"
    assert message["From"].addresses[0].display_name == "Seller Billing"
    assert message["Reply-To"].addresses[0].addr_spec == "accounts@seller.example"
    assert message.get_body(("plain",)).get_content().strip() == "Thanks!"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"invoice-{inv['number']}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf == api.get(f"/v1/invoices/{inv['id']}/pdf").content  # the kept PDF
    assert inv["number"] in pdf_text(pdf)
    assert mailer.run_worker() == 0  # nothing left: delivered once


def test_credit_note_is_sent_too(server, smtp, mailer):
    _, inbox = smtp
    api, _ = _tenant(server, mailer.url)
    inv = _invoice(api)
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    queued = api.post(f"/v1/credit-notes/{cn['id']}/send", json={}).json()
    assert queued["attachments"] == [f"credit-note-{cn['number']}.pdf"]
    assert queued["subject"].startswith(f"Credit note {cn['number']}")
    assert mailer.run_worker() == 1
    assert api.get(f"/v1/emails/{queued['id']}").json()["status"] == "sent"
    assert inbox.messages[-1][1]["Subject"] == queued["subject"]


def test_an_unreachable_server_leaves_the_message_failed_after_retries(server, mailer):
    api, _ = _tenant(server, mailer.url)
    inv = _invoice(api)
    queued = api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()
    dead = f"smtp://127.0.0.1:{_free_port()}"  # nothing listens there
    assert mailer.run_worker(dead) == 1
    retrying = api.get(f"/v1/emails/{queued['id']}").json()
    assert retrying["status"] == "queued" and retrying["attempts"] == 1 and retrying["last_error"]
    assert retrying["next_attempt_at"] is not None
    assert mailer.run_worker(dead) == 1
    assert mailer.run_worker(dead) == 1
    failed = api.get(f"/v1/emails/{queued['id']}").json()
    assert failed["status"] == "failed" and failed["attempts"] == 3 and failed["last_error"]
    assert failed["next_attempt_at"] is None
    assert mailer.run_worker(dead) == 0  # failed is final, and still on record
    assert [e["id"] for e in api.get("/v1/emails", params={"status": "failed"}).json()["data"]] == [queued["id"]]


def test_retries_wait_for_their_backoff(server, mailer):
    api, _ = _tenant(server, mailer.url)
    inv = _invoice(api)
    queued = api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()
    dead = f"smtp://127.0.0.1:{_free_port()}"
    assert mailer.run_worker(dead, retry_seconds=3600) == 1
    assert mailer.run_worker(dead, retry_seconds=3600) == 0  # not due yet
    assert api.get(f"/v1/emails/{queued['id']}").json()["status"] == "queued"

    async def expire():  # the backoff has passed
        from sqlalchemy import update

        from invoicing.db.models import Email
        from invoicing.db.types import utcnow

        db = Database(mailer.settings.database.url)
        try:
            async with db.transaction() as s:
                await s.execute(update(Email).where(Email.id == queued["id"]).values(next_attempt_at=utcnow()))
        finally:
            await db.dispose()

    asyncio.run(expire())
    assert mailer.run_worker(dead, max_attempts=2) == 1
    assert api.get(f"/v1/emails/{queued['id']}").json()["status"] == "failed"


def test_the_worker_in_the_lifespan_delivers(tmp_path, smtp):
    """The app's own worker picks a message up without anyone calling it (own SQLite database, so it
    delivers nothing that belongs to the tests above)."""
    from invoicing.config import Settings

    controller, inbox = smtp
    inbox.received.clear()
    before = len(inbox.messages)
    settings = Settings()
    settings.database.url = f"sqlite:///{tmp_path / 'own.db'}"
    upgrade(settings.database.url)
    settings.email.smtp_url = f"smtp://{controller.hostname}:{controller.port}"
    settings.email.worker = True
    port = _free_port()
    srv, thread = start_server(create_server_app(settings), port)
    try:
        own = Server(f"http://127.0.0.1:{port}", settings.database.url, "sqlite", settings)
        api, _ = _tenant(own)
        inv = _invoice(api)
        queued = api.post(f"/v1/invoices/{inv['id']}/send", json={}).json()
        assert queued["status"] == "queued"
        assert inbox.received.wait(60), "the lifespan worker delivered nothing"  # a hang guard, not a timing check
        assert inbox.messages[before][1]["X-Folio-Email-Id"] == queued["id"]
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_every_document_e_mailed_reaches_the_buyer_with_its_pdf(server, smtp, mailer):
    """An estimate, an advance invoice and an invoice paid in part before its PDF was ever asked for: the
    worker finds each attachment (the message is not failed for a PDF that was rendered but not kept)."""
    _, inbox = smtp
    api, _ = _tenant(server, mailer.url)
    body = {"customer": INVOICE["customer"], "items": INVOICE["items"]}
    estimate = api.post("/v1/estimates", json=body).json()
    advance = api.post("/v1/advance-invoices", json=body).json()
    invoice = _invoice(api)
    assert api.post("/v1/payments", json={"invoice_id": invoice["id"], "amount": "20.00"}).status_code == 201
    sends = {
        estimate["number"]: api.post(f"/v1/estimates/{estimate['id']}/send", json={}),
        advance["number"]: api.post(f"/v1/advance-invoices/{advance['id']}/send", json={}),
        invoice["number"]: api.post(f"/v1/invoices/{invoice['id']}/send", json={}),
    }
    assert {n: r.status_code for n, r in sends.items()} == dict.fromkeys(sends, 202), [r.text for r in sends.values()]
    before = len(inbox.messages)
    assert mailer.run_worker() == 3
    statuses = {n: api.get(f"/v1/emails/{r.json()['id']}").json() for n, r in sends.items()}
    assert {n: (e["status"], e["last_error"]) for n, e in statuses.items()} == dict.fromkeys(sends, ("sent", None))
    for _, message in inbox.messages[before:]:
        [attachment] = list(message.iter_attachments())
        number = next(n for n in sends if n in attachment.get_filename())
        assert number in pdf_text(attachment.get_content())
