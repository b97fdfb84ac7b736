"""A signed string is accepted only exactly as it was written: base64 leaves the low bits of a signature's
last character unused, and changing that character must not give a token that still verifies."""

from __future__ import annotations

import string

import pytest
from itsdangerous import BadSignature

from bff import APP_SESSION, TokenRefused, TokenSigner
from contract.credentials import read_shell, sign_shell
from contract.errors import Unauthorized
from contract.signing import SIGN_IN_LINK, serializer

ALPHABET = string.ascii_letters + string.digits + "-_"
WHO = {
    "account_id": "acc_1",
    "environment": "sandbox",
    "entity_id": "ent_abc",
    "user_id": "usr_1",
    "origin": None,
}


def _variants(token: str) -> list[str]:
    """``token`` with its last character replaced by every other base64url character."""
    return [token[:-1] + c for c in ALPHABET if c != token[-1]]


def test_an_embed_token_with_another_last_character_is_tampered():
    signer = TokenSigner(["secret"])
    for _ in range(5):  # several tokens: several unused-bit patterns in the last character
        token, claims = signer.mint_token(**WHO)
        assert signer.read_token(token) == claims
        for variant in _variants(token):
            with pytest.raises(TokenRefused) as refused:
                signer.read_token(variant)
            assert refused.value.code == "tampered", variant


@pytest.mark.parametrize("salt", ["embed-session", APP_SESSION])
def test_a_session_with_another_last_character_is_refused(salt):
    signer = TokenSigner(["secret"])
    _, claims = signer.mint_token(**WHO)
    session, _ = signer.mint_session(claims, 900, salt=salt)
    assert signer.read_session(session, salt=salt).jti == claims.jti
    for variant in _variants(session):
        with pytest.raises(TokenRefused):
            signer.read_session(variant, salt=salt)


def test_every_signed_string_is_read_strictly():
    signing = serializer(("secret",), SIGN_IN_LINK)
    link = signing.dumps({"u": "usr_1"})
    assert signing.loads(link) == {"u": "usr_1"}
    accepted = []
    for variant in _variants(link):
        try:
            signing.loads(variant)
        except BadSignature:
            continue
        accepted.append(variant)
    assert accepted == []
    shell = sign_shell(["secret"], "ent_abc")
    assert read_shell(["secret"], shell) == "ent_abc"
    for variant in _variants(shell):
        with pytest.raises(Unauthorized):
            read_shell(["secret"], variant)
