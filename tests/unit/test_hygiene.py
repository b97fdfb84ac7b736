"""contract.hygiene's checks on their own: the nesting scan of raw JSON, the characters refused and the
field each refusal names."""

from __future__ import annotations

import json

import pytest

from contract.errors import ValidationFailed
from contract.hygiene import MAX_DEPTH, bad_character, check_json, too_deep


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def test_nesting_up_to_the_cap_passes_and_one_more_level_does_not():
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert too_deep(nested(100_000))
    deep_objects = ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)).encode()
    assert too_deep(deep_objects)


def test_brackets_inside_strings_are_not_nesting():
    text = json.dumps({"name": "[{" * 500, "quote": 'a\\"[[[[' * 50, "items": [{"x": "]]]"}]}).encode()
    assert not too_deep(text)
    # siblings never add up: 1000 objects side by side are 2 deep
    assert not too_deep(json.dumps([{"a": [1]} for _ in range(1000)]).encode())


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters_are_refused_in_every_field(char):
    assert bad_character(f"a{char}b")
    assert bad_character(f"a{char}b", multi_line=True)


def test_tab_everywhere_and_line_breaks_only_in_multi_line_fields():
    assert bad_character("a\tb") is None
    assert bad_character("Črni Vrh — ünïcode ✓ 漢字") is None
    for brk in ("\n", "\r"):
        assert "one line" in (bad_character(f"a{brk}b") or "")
        assert bad_character(f"a{brk}b", multi_line=True) is None


def field_of(value) -> str | None:
    try:
        check_json(value)
    except ValidationFailed as exc:
        assert exc.errors
        return exc.errors[0]["field"]
    return None


def test_the_refusal_names_the_field_by_its_path():
    assert field_of({"items": [{"name": "a"}, {"name": "b"}, {"description": "x\x00"}]}) == "items[2].description"
    assert field_of({"customer": {"address": "a\nb", "name": "x\ny"}}) == "customer.name"
    assert field_of("top\x00") == "body"
    assert field_of(["ok", "no\x00"]) == "[1]"
    # the first in the document's order
    assert field_of({"a": "1\x00", "b": "2\x00"}) == "a"


def test_multi_line_fields_and_metadata():
    body = {"address": "1\n2", "note": "a\r\nb", "footer": "x\ny", "items": [{"description": "l1\nl2"}]}
    assert field_of(body) is None
    assert field_of({"metadata": {"note": "a\nb"}}) == "metadata.note"  # a metadata value is one line
    assert field_of({"metadata": {"k\x00": "v"}}) == "metadata"  # a key is named by its object
