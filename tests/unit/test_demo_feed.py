"""The demo platform's webhook receiver (bff/demo/feed.py): only what verifies with the endpoint's secret is kept,
once per webhook-id, the last 100, newest first, summarised for the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from bff.demo.feed import KEEP, Feed, Unverified
from invoicing.webhooks.signing import generate_secret

SECRET = generate_secret()
ENTITY = "ent_01lipa"


def event(n: int, **fields) -> dict:
    return {
        "id": f"evt_{n:04d}",
        "type": "invoice.issued",
        "created_at": f"2026-12-03T10:00:{n % 60:02d}Z",
        "entity_id": ENTITY,
        "data": {
            "object": {
                "number": f"2026-{n:05d}",
                "status": "issued",
                "total_with_tax": "120.78",
                "currency_code": "EUR",
            }
        },
        **fields,
    }


def signed(body: dict, secret: str = SECRET, at: datetime | None = None) -> tuple[bytes, dict[str, str]]:
    """As Folio's worker sends it: the body's bytes and the Standard Webhooks headers."""
    raw = json.dumps(body, sort_keys=True).encode()
    at = at or datetime.now(UTC)
    headers = {
        "Webhook-Id": body["id"],  # header names arrive in any case
        "Webhook-Timestamp": str(int(at.timestamp())),
        "Webhook-Signature": Webhook(secret).sign(body["id"], at, raw.decode()),
    }
    return raw, headers


def feed() -> Feed:
    return Feed(entity_names={ENTITY: "Kavarna Lipa d.o.o."}, secret=SECRET)


def test_a_verified_event_is_kept_with_what_the_page_shows():
    f = feed()
    assert f.receive(*signed(event(1))) is True
    [kept] = f.after(0)
    assert kept["id"] == "evt_0001" and kept["seq"] == 1
    assert (kept["type"], kept["created_at"], kept["entity_name"]) == (
        "invoice.issued",
        "2026-12-03T10:00:01Z",
        "Kavarna Lipa d.o.o.",
    )
    assert (kept["number"], kept["status"], kept["amount"], kept["currency"], kept["verified"]) == (
        "2026-00001",
        "issued",
        "120.78",
        "EUR",
        True,
    )


def test_a_payment_shows_its_amount_and_an_event_without_object_or_entity_shows_what_it_has():
    f = feed()
    payment = event(2, type="payment.created", data={"object": {"amount": "50.00", "currency_code": "EUR"}})
    test = event(3, type="webhook.test", entity_id=None, data={})
    f.receive(*signed(payment))
    f.receive(*signed(test))
    newest, older = f.after(0)
    assert (newest["type"], newest["entity_name"], newest["number"], newest["amount"]) == (
        "webhook.test",
        None,
        None,
        None,
    )
    assert (older["amount"], older["currency"], older["number"]) == ("50.00", "EUR", None)


def test_the_same_webhook_id_is_kept_once():
    f = feed()
    body, headers = signed(event(1))
    assert f.receive(body, headers) is True
    assert f.receive(*signed(event(1))) is False  # a retry: signed again, later
    assert [e["id"] for e in f.after(0)] == ["evt_0001"]


def test_only_the_last_hundred_are_kept_newest_first_and_polling_gets_only_newer_ones():
    f = feed()
    for n in range(1, KEEP + 6):
        f.receive(*signed(event(n)))
    kept = f.after(0)
    assert len(kept) == KEEP == 100
    assert [e["seq"] for e in kept] == list(range(KEEP + 5, 5, -1))
    assert [e["seq"] for e in f.after(KEEP + 3)] == [KEEP + 5, KEEP + 4]
    # a page that polled another run of the backend gets everything this one keeps
    assert len(f.state(KEEP + 3, "another-run")["events"]) == KEEP
    assert len(f.state(KEEP + 3, f.run)["events"]) == 2


@pytest.mark.parametrize(
    "tamper",
    [
        "wrong secret",
        "body changed",
        "no signature",
        "no id",
        "no timestamp",
        "signature not base64",
        "signature without version",
        "too old",
        "id changed",
    ],
)
def test_what_does_not_verify_is_refused_and_not_kept(tamper: str):
    f = feed()
    body, headers = signed(event(1), secret=generate_secret() if tamper == "wrong secret" else SECRET)
    if tamper == "body changed":
        body = body.replace(b"120.78", b"999.99")
    elif tamper == "no signature":
        del headers["Webhook-Signature"]
    elif tamper == "no id":
        del headers["Webhook-Id"]
    elif tamper == "no timestamp":
        del headers["Webhook-Timestamp"]
    elif tamper == "signature not base64":
        headers["Webhook-Signature"] = "v1,***"
    elif tamper == "signature without version":
        headers["Webhook-Signature"] = "garbage"
    elif tamper == "too old":
        body, headers = signed(event(1), at=datetime.now(UTC) - timedelta(minutes=10))
    elif tamper == "id changed":
        headers["Webhook-Id"] = "evt_other"
    with pytest.raises(Unverified):
        f.receive(body, headers)
    assert f.after(0) == [] and f.seq == 0 and not f.seen


def test_nothing_is_accepted_before_the_endpoint_is_registered():
    f = Feed()
    with pytest.raises(Unverified, match="not registered"):
        f.receive(*signed(event(1)))
    assert f.after(0) == []
