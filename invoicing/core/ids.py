"""Prefixed, time-sortable identifiers (``inv_01J…``).

The body is a ULID-like 26-character Crockford base32 string: 48 bits of milliseconds followed
by 80 random bits, so ``ORDER BY id`` is creation order and a cursor is just the last id.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"

PREFIXES = {
    "account": "acc",
    "api_key": "key",
    "entity": "ent",
    "customer": "cus",
    "item": "itm",
    "tax": "tax",
    "invoice": "inv",
    "credit_note": "cre",
    "estimate": "est",
    "advance_invoice": "adv",
    "payment": "pay",
    "refund": "rfd",
    "user": "usr",
    "webhook": "whk",
    "webhook_delivery": "whd",
    "event": "evt",
    "email": "eml",
    "audit": "aud",
    "file": "fil",
    "export": "exp",
    "invitation": "inv_link",
    "recurring_invoice": "rin",
}


def _encode(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_id(kind: str) -> str:
    prefix = PREFIXES[kind]
    millis = int(time.time() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    return f"{prefix}_{_encode(millis, 10)}{_encode(rand, 16)}"
