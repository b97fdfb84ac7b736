"""Embed tokens and dashboard sessions (:mod:`bff._tokens`) without a server: the round trip, each
refusal and its code, expiry on a frozen clock at the exact second, and secret rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bff import APP_SESSION, DEFAULT_TOKEN_TTL, MAX_TOKEN_TTL, Claims, TokenRefused, TokenSigner, split_token
from contract.signing import EMBED_TOKEN, serializer

START = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)
WHO = {
    "account_id": "acc_1",
    "environment": "sandbox",
    "entity_id": "ent_abc",
    "user_id": "usr_1",
    "origin": "https://platform.example",
}


def frozen(at: datetime):
    return time_machine.travel(at, tick=False)


class _Refusal:
    """``with _Refusal("expired"):`` expects a :class:`TokenRefused` with that code."""

    def __init__(self, code: str):
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        assert kind is TokenRefused, f"expected a refusal with code {self.code!r}, got {exc!r}"
        assert exc.code == self.code and exc.status == 401, (exc.code, exc.detail)
        self.detail = exc.detail
        return True


@pytest.fixture
def signer() -> TokenSigner:
    return TokenSigner(["newest-secret", "older-secret"])


def test_a_token_reads_back_as_who_it_was_minted_for(signer):
    with frozen(START):
        token, minted = signer.mint_token(**WHO, ttl=120)
        read = signer.read_token(token)
    assert token.startswith("ent_abc.")
    assert read == minted
    assert (read.account_id, read.environment, read.entity_id, read.user_id, read.origin) == tuple(WHO.values())
    assert read.issued_at == int(START.timestamp()) and read.ttl == 120
    assert read.expires_at_iso() == "2026-03-01T09:02:00Z"
    assert len(read.jti) >= 16 and signer.mint_token(**WHO)[1].jti != read.jti


@pytest.mark.parametrize("ttl", [0, -1, MAX_TOKEN_TTL + 1])
def test_a_token_lives_at_most_five_minutes(signer, ttl):
    with pytest.raises(ValueError, match="between 1 and 300"):
        signer.mint_token(**WHO, ttl=ttl)


def test_a_token_expires_after_its_ttl_to_the_second(signer):
    with frozen(START):
        token, _ = signer.mint_token(**WHO)
    with frozen(START + timedelta(seconds=DEFAULT_TOKEN_TTL)):
        assert signer.read_token(token).entity_id == "ent_abc"
    with frozen(START + timedelta(seconds=DEFAULT_TOKEN_TTL + 1)), _Refusal("expired") as refusal:
        signer.read_token(token)
    assert "embed token has expired" in refusal.detail


def test_a_session_expires_after_its_ttl_even_once_its_signature_was_checked(signer):
    with frozen(START):
        _, claims = signer.mint_token(**WHO)
        session, opened = signer.mint_session(claims, 900)
    assert opened.jti == claims.jti and opened.ttl == 900 and opened.issued_at == int(START.timestamp())
    with frozen(START + timedelta(seconds=900)):
        assert signer.read_session(session) == opened
    with frozen(START + timedelta(seconds=901)), _Refusal("expired") as refusal:
        signer.read_session(session)
    assert "session token has expired (it was valid for 900 s)" in refusal.detail


def test_changing_the_entity_prefix_is_tampering(signer):
    token, _ = signer.mint_token(**WHO)
    with _Refusal("tampered") as refusal:
        signer.read_token("ent_other." + token.partition(".")[2])
    assert "entity prefix" in refusal.detail


def test_a_changed_signature_is_tampering(signer):
    token, claims = signer.mint_token(**WHO)
    session, _ = signer.mint_session(claims, 900)
    # a character inside the signature (the last one may carry only padding bits, so changing it can decode alike)
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with _Refusal("tampered"):
        signer.read_token(flipped)
    with _Refusal("tampered"):
        signer.read_session(session[:-5] + ("A" if session[-5] != "A" else "B") + session[-4:])
    with _Refusal("tampered"):
        TokenSigner(["a-secret-nobody-listed"]).read_token(token)


def test_one_purpose_is_never_accepted_as_another(signer):
    token, claims = signer.mint_token(**WHO)
    session, _ = signer.mint_session(claims, 900)
    app_session, _ = signer.mint_session(claims, 900, salt=APP_SESSION)
    with _Refusal("wrong_purpose") as refusal:
        signer.read_token(session)
    assert "This is a session token, not an embed token" in refusal.detail
    with _Refusal("wrong_purpose") as refusal:
        signer.read_session(token.partition(".")[2])
    assert "This is an embed token, not a session token" in refusal.detail
    with _Refusal("wrong_purpose"):
        signer.read_session(app_session)
    with _Refusal("wrong_purpose"):
        signer.read_session(session, salt=APP_SESSION)
    assert signer.read_session(app_session, salt=APP_SESSION).user_id == "usr_1"


@pytest.mark.parametrize("text", ["", "   ", "ent_abc.", "no-dots-at-all", "ent_abc.one.dot", "x" * 5000])
def test_what_is_not_a_token_is_malformed(signer, text):
    with _Refusal("malformed"):
        signer.read_token(text)


def test_a_signed_payload_without_the_claims_is_malformed(signer):
    incomplete = serializer(signer.keys, EMBED_TOKEN).dumps({"acc": "acc_1", "ent": "ent_abc"})
    with _Refusal("malformed") as refusal:
        signer.read_token("ent_abc." + incomplete)
    assert "incomplete" in refusal.detail


def test_a_rotated_secret_keeps_verifying_until_it_is_dropped():
    old = TokenSigner(["older-secret"])
    token, claims = old.mint_token(**WHO)
    session, _ = old.mint_session(claims, 900)
    rotated = TokenSigner(["newest-secret", "older-secret"])
    assert rotated.read_token(token) == old.read_token(token)
    assert rotated.read_session(session).jti == claims.jti
    fresh, _ = rotated.mint_token(**WHO)
    with _Refusal("tampered"):
        old.read_token(fresh)  # the newest secret signs
    retired = TokenSigner(["newest-secret"])
    with _Refusal("tampered"):
        retired.read_token(token)


def test_a_signer_needs_a_secret():
    with pytest.raises(ValueError, match="at least one signing secret"):
        TokenSigner([])


@pytest.mark.parametrize(
    ("token", "parts"),
    [
        ("ent_abc.signed.part", ("ent_abc", "signed.part")),
        ("  ent_abc.signed  ", ("ent_abc", "signed")),
        ("a.session.token", (None, "a.session.token")),
        ("", (None, "")),
    ],
)
def test_the_entity_prefix_is_readable_without_a_secret(token, parts):
    assert split_token(token) == parts


def test_claims_expire_at_issue_plus_ttl():
    claims = Claims(
        account_id="acc_1",
        environment="live",
        entity_id="ent_abc",
        user_id="usr_1",
        origin=None,
        jti="j" * 16,
        issued_at=int(START.timestamp()),
        ttl=61,
    )
    assert claims.expires_at == int(START.timestamp()) + 61
    assert claims.expires_at_iso() == "2026-03-01T09:01:01Z"
