"""Identifiers: ``{prefix}_`` and 26 Crockford base32 characters, the milliseconds first (time-sortable)."""

from __future__ import annotations

import random

import pytest

from invoicing.core import ids


def _reference(prefix: str, millis: int, rand: bytes) -> str:
    """The encoding written out: 5 bits a character, most significant first."""

    def encode(value: int, length: int) -> str:
        return "".join(ids._ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(length)))

    return f"{prefix}_{encode(millis, 10)}{encode(int.from_bytes(rand, 'big'), 16)}"


@pytest.mark.parametrize("seed", range(5))
def test_new_id_encodes_time_and_randomness_bit_for_bit(monkeypatch, seed):
    rng = random.Random(seed)
    for _ in range(200):
        millis = rng.choice([0, 1, 31, 32, 1_764_000_000_000, (1 << 50) - 1, rng.getrandbits(50)])
        rand = bytes(rng.getrandbits(8) for _ in range(10))
        monkeypatch.setattr(ids.time, "time", lambda millis=millis: millis / 1000 + 0.0004)
        monkeypatch.setattr(ids.os, "urandom", lambda n, rand=rand: rand[:n])
        assert ids.new_id("invoice") == _reference("inv", millis, rand)


def test_new_ids_sort_by_time_and_use_the_alphabet():
    made = [ids.new_id("event") for _ in range(2000)]
    assert len(set(made)) == 2000
    assert all(len(i) == 30 and i.startswith("evt_") and set(i[4:]) <= set(ids._ALPHABET) for i in made)
    assert [i[4:14] for i in made] == sorted(i[4:14] for i in made)  # the time part never goes back
