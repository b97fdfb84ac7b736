"""When the standalone dashboard's session cookie is marked Secure (``bff.app._session``)."""

from __future__ import annotations

from bff.app import secure_cookies


def test_secure_cookies_everywhere_but_local_http():
    assert not secure_cookies("http://127.0.0.1:8000") and not secure_cookies("http://localhost:5173")
    assert secure_cookies("https://invoices.example.com") and secure_cookies("http://invoices.example.com")
    assert secure_cookies("https://localhost:8443")
