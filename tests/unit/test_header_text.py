"""The rule for text that becomes an e-mail header (``invoicing.emails.headers``), and the message the worker
builds with it (``invoicing.emails.delivery.build_message``)."""

from __future__ import annotations

import email.policy
import sys
from datetime import UTC, datetime
from email.parser import BytesParser

import pytest

from contract.errors import ValidationFailed
from invoicing.db.models import Email
from invoicing.emails.delivery import WIRE, PermanentFailure, build_message
from invoicing.emails.headers import check_header, header_problem, one_line

# every character Python itself ends a line at (str.splitlines), and the other controls
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
TEXT = [
    "Invoice 2025-0001 from Acme d.o.o.",
    "Kavarna Šola <security@bank.example>",
    "Ärzte GmbH, Berlin",
    'He said "hi"; a\\b @ (x) [y]',
    "日本語の会社名",
    "Café\u00a0Zürich 🧾",
    "=?utf-8?q?looks_encoded?=",
    "x" * 300,
]


def test_ordinary_text_with_quotes_commas_and_any_script_passes():
    for value in TEXT:
        assert header_problem(value) is None, value
        assert check_header(value, "subject") == value


def test_a_line_break_or_control_anywhere_is_refused_naming_the_character():
    for ch, value in (
        (c, v) for c in set(LINE_BREAKS) | set(CONTROLS) for v in (f"Acme{c}Ltd", f"{c}Acme", f"Acme{c}")
    ):
        problem = header_problem(value)
        assert problem is not None and f"U+{ord(ch):04X}" in problem
        with pytest.raises(ValidationFailed) as refused:
            check_header(value, "settings.email.sender_name")
        assert refused.value.errors == [{"field": "settings.email.sender_name", "message": problem}]


def test_every_line_break_python_knows_is_covered():
    assert all(len(f"a{ch}b".splitlines()) == 2 for ch in LINE_BREAKS)  # the list is what it says
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".splitlines()) == 2)
    assert set(every) == set(LINE_BREAKS)
    assert all(header_problem(f"a{ch}b") for ch in every)


def test_a_lone_surrogate_is_refused():
    assert header_problem("Acme \ud800") is not None


def test_one_line_makes_any_text_safe_and_keeps_safe_text():
    assert one_line("Acme\r\nBcc: x@evil.example\u2028\x0bLtd\x1b ") == "Acme Bcc: x@evil.example Ltd"
    assert one_line("  Ärzte   GmbH,\tBerlin ") == "Ärzte GmbH, Berlin"
    for value in TEXT:  # blanks of any kind are one space, like the rest of a name that was made one line
        assert one_line(value) == " ".join(value.split())
    assert one_line("Café\u00a0Zürich") == "Café Zürich"
    hostile = "".join(LINE_BREAKS) + "".join(CONTROLS) + "a\ud800b"
    assert header_problem(one_line(hostile)) is None and one_line(hostile) == "a b"


def _email(**fields) -> Email:
    values = {
        "id": "eml_test",
        "to": ["buyer@example.com"],
        "subject": "Invoice 1",
        "text": "Hello",
        "sender_name": "Acme",
        "reply_to": "accounts@acme.example",
        "attachments": [],
        "created_at": datetime(2025, 3, 1, tzinfo=UTC),
        **fields,
    }
    return Email(**values)


def _wire(message) -> email.message.EmailMessage:
    raw = message.as_bytes(policy=WIRE)
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_the_built_message_has_one_sender_and_its_recipients():
    long_name = 'Very Long Trading Company Name, Subsidiary of "Another Long Group"; Accounts @ HQ'
    for name in ("Kavarna Šola <security@bank.example>", "Ärzte GmbH, Berlin", long_name):
        parsed = _wire(
            build_message(_email(sender_name=name, to=["a@x.example", "b@x.example"]), "f@folio.example", None)
        )
        [sender] = parsed["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (name, "f@folio.example")
        assert [a.addr_spec for a in parsed["To"].addresses] == ["a@x.example", "b@x.example"]
        [reply_to] = parsed["Reply-To"].addresses
        assert reply_to.addr_spec == "accounts@acme.example"
    no_name = _wire(build_message(_email(sender_name=None, reply_to=None), "f@folio.example", None))
    assert [(a.display_name, a.addr_spec) for a in no_name["From"].addresses] == [("", "f@folio.example")]
    assert no_name["Reply-To"] is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"subject": "Invoice\x0c1"}, "subject: must be one line"),
        ({"sender_name": "Acme\u2029Ltd"}, "sender_name: must be one line"),
        ({"to": ["a@x.example\r\nBcc: v@evil.example"]}, "the message's headers cannot be written"),
        ({"reply_to": "not an address"}, "the message's headers cannot be written"),
    ],
)
def test_a_message_that_cannot_be_written_is_a_permanent_failure(fields, reason):
    with pytest.raises(PermanentFailure) as failed:
        build_message(_email(**fields), "f@folio.example", None)
    assert str(failed.value).startswith(reason)
