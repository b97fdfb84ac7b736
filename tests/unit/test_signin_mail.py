"""The invitation and sign-in e-mails in every supported language (``invoicing.signin.mail``)."""

from __future__ import annotations

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
