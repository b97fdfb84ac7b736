"""The BFF's abuse limits (:mod:`bff._limits`): limits as written in settings, the sliding window on a
frozen clock at its exact boundary, counting several windows at once, the 429 answer, client keys."""

from __future__ import annotations

import pytest
from litestar import Litestar, Request, post
from litestar.testing import TestClient

from bff import RATE_LIMIT_HANDLERS, Limit, Limits, RateLimited, SlidingWindow, client_key, hit
from bff.config import BffSettings


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "limit"),
    [("5/900", Limit(5, 900)), (" 120/60 ", Limit(120, 60)), ("0", None), ("off", None), ("none", None), ("", None)],
)
def test_a_limit_is_read_as_written_in_the_settings(text, limit):
    assert Limit.parse(text) == limit


@pytest.mark.parametrize("text", ["5", "a/b", "0/10", "5/0", "-1/10", "5/900/1"])
def test_a_malformed_limit_is_refused(text):
    with pytest.raises(ValueError, match=r"COUNT/SECONDS|positive"):
        Limit.parse(text)


def test_the_window_lets_a_request_in_again_when_the_oldest_leaves_it():
    clock = Clock(1000.0)
    window = SlidingWindow(Limit(2, 10), clock=clock)
    for t in (1000.0, 1004.0):
        clock.now = t
        assert window.retry_after("a") is None
        window.add("a")
    clock.now = 1009.0
    assert window.retry_after("a") == 1  # the request at 1000 leaves at 1010
    assert window.retry_after("b") is None  # another key has its own count
    clock.now = 1010.0
    assert window.retry_after("a") is None
    window.add("a")
    clock.now = 1013.9
    assert window.retry_after("a") == 1  # now the one at 1004 is the oldest: it leaves at 1014
    clock.now = 1014.0
    assert window.retry_after("a") is None


def test_retry_after_rounds_up_to_whole_seconds():
    clock = Clock(0.0)
    window = SlidingWindow(Limit(1, 60), clock=clock)
    window.add("a")
    clock.now = 0.5
    assert window.retry_after("a") == 60
    clock.now = 59.2
    assert window.retry_after("a") == 1


def test_no_limit_counts_nothing():
    window = SlidingWindow(None, clock=Clock(0.0))
    for _ in range(1000):
        window.add("a")
    assert window.retry_after("a") is None


def test_past_max_keys_idle_keys_go_first_then_the_oldest():
    clock = Clock(0.0)
    window = SlidingWindow(Limit(1, 10), clock=clock, max_keys=2)
    window.add("idle")
    clock.now = 20.0  # "idle" has left its window
    window.add("busy")
    window.add("new")
    assert window.retry_after("idle") is None and window.retry_after("busy") == 10
    window.add("newest")  # no idle key to drop: the oldest goes
    assert window.retry_after("busy") is None
    assert window.retry_after("new") == 10 and window.retry_after("newest") == 10


def test_hit_refuses_with_the_longest_wait_and_counts_nothing():
    clock = Clock(0.0)
    per_ip = SlidingWindow(Limit(3, 100), clock=clock)
    per_email = SlidingWindow(Limit(1, 60), clock=clock)
    hit((per_ip, "203.0.113.1", "from this address"), (per_email, "a@example.com", "to this e-mail address"))
    clock.now = 10.0
    with pytest.raises(RateLimited) as refused:
        hit((per_ip, "203.0.113.1", "from this address"), (per_email, "a@example.com", "to this e-mail address"))
    assert refused.value.retry_after == 50
    assert refused.value.detail == ("Too many requests to this e-mail address (at most 1 per 60 s); try again in 50 s.")
    # the refused request was not counted in the window that had room: the address still has two
    hit((per_ip, "203.0.113.1", "from this address"), (per_email, "b@example.com", "to this e-mail address"))
    hit((per_ip, "203.0.113.1", "from this address"))
    with pytest.raises(RateLimited) as refused:  # both full: the longer wait is the one that counts
        hit((per_ip, "203.0.113.1", "from this address"), (per_email, "b@example.com", "to this e-mail address"))
    assert refused.value.retry_after == 90 and "from this address (at most 3 per 100 s)" in refused.value.detail


def test_each_door_has_its_own_windows_read_from_the_settings():
    limits = Limits.of(BffSettings(limit_sign_in_email="1/60", limit_sign_in_ip="off", limit_session_ip="2/10"))
    assert limits.sign_in_email.limit == Limit(1, 60) and limits.sign_in_ip.limit is None
    assert limits.embed_session_ip.limit == limits.app_session_ip.limit == Limit(2, 10)
    limits.embed_session_ip.add("x")
    limits.embed_session_ip.add("x")
    assert limits.embed_session_ip.retry_after("x") is not None
    assert limits.app_session_ip.retry_after("x") is None


def test_a_refusal_is_a_429_problem_with_retry_after():
    window = SlidingWindow(Limit(1, 30))

    @post("/door", exception_handlers=RATE_LIMIT_HANDLERS, status_code=204)
    async def door(request: Request) -> None:
        hit((window, client_key(request), "through this door"))

    with TestClient(Litestar([door])) as client:
        assert client.post("/door").status_code == 204
        r = client.post("/door")
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["retry-after"] == str(r.json()["retry_after"]) and 29 <= int(r.headers["retry-after"]) <= 30
    assert r.headers["cache-control"] == "no-store"
    assert r.json()["code"] == "rate_limited" and r.json()["status"] == 429


def _request_from(host: str | None) -> Request:
    return Request({"type": "http", "client": (host, 50000) if host is not None else None, "headers": []})


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),  # the same /64: one client
        ("::ffff:203.0.113.9", "203.0.113.9"),  # an IPv4 client on a dual-stack socket
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_clients_are_counted_by_address_and_ipv6_by_its_64(host, key):
    assert client_key(_request_from(host)) == key
