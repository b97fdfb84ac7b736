"""The invitation and sign-in e-mails in every supported language (``invoicing.signin.mail``)."""

from __future__ import annotations

from invoicing.emails.headers import header_problem
from invoicing.signin.mail import render


def test_every_supported_language_has_both_messages():
    for language in ("en", "de", "sl", "hr", "fr", "it", "es"):
        for kind in ("invitation", "sign_in"):
            subject, text = render(
                kind,
                language,
                {
                    "entity": "Acme",
                    "role": "admin",
                    "name": "",
                    "email": "a@b.co",
                    "url": "https://f.example/app/sign-in#token=x",
                    "hours": 72,
                },
            )
            assert "Acme" in subject and "https://f.example/app/sign-in#token=x" in text and "72" in text


def test_the_subject_is_one_line_of_header_text_whatever_the_entity_was_named():
    """An entity name stored before names were checked may hold a line break: the subject is made safe."""
    values = {"role": "viewer", "name": "", "email": "a@b.co", "url": "https://f.example/app", "hours": 72}
    for kind in ("invitation", "sign_in"):
        subject, _ = render(kind, "en", {**values, "entity": "Acme\r\nBcc: x@evil.example\u2028\x0bLtd"})
        assert header_problem(subject) is None
        assert "Acme Bcc: x@evil.example Ltd" in subject
