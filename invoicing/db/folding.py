"""One case-folding rule for search and duplicate detection, the same on SQLite and PostgreSQL.

SQL ``lower()`` is not one rule: SQLite's folds ASCII only (``Šola`` stays ``Šola``), PostgreSQL's follows
the database's ``LC_CTYPE`` (one character at a time: ``ß`` stays, ``İ`` becomes ``i``). So the
application folds, with Python, and stores the folded text beside the original (the ``*_folded``
columns, written whenever the original is set; migration 0012 backfilled them); a search folds its
text the same way and compares folded with folded, a plain ``LIKE``/``=`` on either engine::

    fold("Šola d.o.o.")    "šola d.o.o."
    fold("STRASSE"), fold("Straße")          both "strasse"
    fold("İSTANBUL")       "istanbul"        (the dotted capital I folds to a plain i)
    fold("ΟΔΟΣ"), fold("οδός")               "οδοσ", "οδόσ" (final sigma is a sigma)

The rule: Unicode NFKC normalisation, then full case folding (:meth:`str.casefold`), then NFKC again
(folding can produce decomposed text), and ``i`` + combining dot above becomes ``i``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def fold(text: str | None) -> str | None:
    """``text`` case-folded for comparison; None stays None."""
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("i\u0307", "i")


def customer_name(snapshot: Any) -> str | None:
    """The customer name in a document's customer snapshot."""
    name = snapshot.get("name") if isinstance(snapshot, dict) else None
    return name if isinstance(name, str) else None


def keep_folded(source: Any, target_key: str, of: Callable[[Any], str | None] = lambda value: value) -> None:
    """Whenever the ORM attribute ``source`` is set, set ``target_key`` on the same object to its folded value
    (``of`` picks the text out of the value first)."""

    @event.listens_for(source, "set", propagate=True)
    def _set(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(target, target_key, fold(of(value)))
