"""Origins in their canonical form (``bff.app._origin``)."""

from __future__ import annotations

from bff.app import origin_of


def test_origins_are_compared_in_their_canonical_form():
    assert origin_of("https://Folio.Example.com:443/app") == "https://folio.example.com"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("null") is None and origin_of("file:///etc") is None and origin_of("http://x:99999") is None
