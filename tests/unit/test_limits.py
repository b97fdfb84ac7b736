"""The abuse limits' sliding window, the limit syntax, and the client key a window counts by (``bff._limits``)."""

from __future__ import annotations

import pytest

from bff._limits import Limit, SlidingWindow, client_key


def test_sliding_window_and_limit_parsing():
    clock = [1000.0]
    window = SlidingWindow(Limit(2, 10), clock=lambda: clock[0], max_keys=3)
    for t in (1000.0, 1004.0):
        clock[0] = t
        assert window.retry_after("a") is None
        window.add("a")
    clock[0] = 1009.5
    assert window.retry_after("a") == 1  # the hit at 1000 leaves at 1010
    clock[0] = 1010.0
    assert window.retry_after("a") is None
    for key in ("b", "c", "d"):  # past max_keys, idle keys go first, then the oldest
        window.add(key)
    assert len(window._hits) <= 3 and "d" in window._hits
    assert Limit.parse("5/900") == Limit(5, 900) and Limit.parse("0") is None and Limit.parse("off") is None
    for bad in ("5", "a/b", "0/10", "5/0"):
        with pytest.raises(ValueError):
            Limit.parse(bad)
    assert SlidingWindow(None).retry_after("x") is None


def test_client_keys():
    class Conn:
        def __init__(self, host):
            self.client = type("C", (), {"host": host})()

    assert client_key(Conn("203.0.113.9")) == "203.0.113.9"
    assert client_key(Conn("2001:db8:1:2:3:4:5:6")) == client_key(Conn("2001:db8:1:2::ffff")) == "2001:db8:1:2::/64"
    assert client_key(Conn("::ffff:203.0.113.9")) == "203.0.113.9"
