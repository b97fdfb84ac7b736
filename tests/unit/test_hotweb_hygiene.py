"""The raw-bytes pre-check of :mod:`contract.hygiene`: a JSON body is walked only when its bytes may hold a
refused character, so it must never miss one, however the JSON writes it."""

from __future__ import annotations

import json

import pytest

from contract.hygiene import bad_character, may_hold_refused


def encodings(text: str) -> list[bytes]:
    """``text`` as a JSON string, every way a client may write it: escaped (ASCII-only), raw UTF-8, and
    with each character as a ``\\uXXXX`` escape, lower- and upper-case."""
    lower = "".join(f"\\u{ord(c):04x}" for c in text)
    upper = "".join(f"\\u{ord(c):04X}" for c in text)
    return [
        json.dumps(text).encode(),
        json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        f'"{lower}"'.encode(),
        f'"{upper}"'.encode(),
    ]


def test_every_character_a_string_may_not_hold_is_seen_in_every_encoding():
    refused = [chr(c) for c in range(0x10000) if bad_character(chr(c))]
    assert len(refused) > 2000  # C0 but tab, DEL, C1, the surrogates, U+FFFE and U+FFFF
    for char in refused:
        for body in encodings(f"ab{char}cd"):
            assert may_hold_refused(b'{"name": ' + body + b"}"), (hex(ord(char)), body)


def test_a_key_holding_one_is_seen_too():
    assert may_hold_refused(b'{"na\\u0000me": "x"}')
    assert may_hold_refused(json.dumps({"a\x85": 1}, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    "value",
    [
        {"customer": {"name": "Bench Buyer d.o.o.", "country": "SI"}, "items": [{"name": "Book", "price": "20.00"}]},
        {"name": "Tab\tseparated, é, €, 漢字, ß"},
        {"note": 'quotes " and a backslash \\ stay quiet', "metadata": {"order_id": "A-1"}},
    ],
)
def test_an_ordinary_compact_body_needs_no_walk(value):
    for body in (json.dumps(value, separators=(",", ":")), json.dumps(value, ensure_ascii=False)):
        assert not may_hold_refused(body.encode()), body


def test_an_escaped_emoji_is_a_surrogate_pair_walked_and_allowed():
    body = json.dumps({"name": "😀"}).encode()  # "\\ud83d\\ude00"
    assert may_hold_refused(body)
    assert bad_character(json.loads(body)["name"]) is None


def test_a_pretty_printed_body_is_walked_and_only_the_walk_decides():
    body = json.dumps({"name": "ok"}, indent=2).encode()
    assert may_hold_refused(body)  # raw line breaks between tokens
    assert bad_character(json.loads(body)["name"]) is None
