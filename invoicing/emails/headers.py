"""What may become the text of an e-mail header (a subject, a sender's name): one line of printable text.

One rule, applied where a value is stored and again where the message is built:

* the API refuses a value that breaks it with a 422 naming the field (:func:`check_header`): a send
  request's ``subject``, an entity's ``name`` and ``settings.email.sender_name``;
* the delivery worker asks the same question (:func:`header_problem`) before it builds a message, and
  records a message that fails it as ``failed`` at once (retrying cannot help);
* a default made from data stored before the rule (an entity's name in the default subject or as the
  sender's name) is made safe instead (:func:`one_line`), so a send the caller wrote nothing odd in
  never fails because of it.

Refused: control characters (CR, LF, TAB, VT ``\\x0b``, FF ``\\x0c``, NEL ``U+0085``, NUL, DEL, …), the
Unicode line and paragraph separators (``U+2028``, ``U+2029``) and lone surrogates, which cannot be
encoded. Everything else (quotes, commas, ``@``, ``<…>``, any script) is text: the message builder
quotes and encodes a display name as one unit (:class:`email.headerregistry.Address`).
"""

from __future__ import annotations

import unicodedata

from contract.errors import ValidationFailed

__all__ = ["check_header", "header_problem", "one_line"]

# Cc: C0/C1 controls and DEL; Zl/Zp: U+2028/U+2029; Cs: lone surrogates
_REFUSED = frozenset({"Cc", "Zl", "Zp", "Cs"})


def _refused(ch: str) -> bool:
    return unicodedata.category(ch) in _REFUSED


def header_problem(value: str) -> str | None:
    """Why ``value`` cannot be the text of a header, or None when it can."""
    for ch in value:
        if _refused(ch):
            name = unicodedata.name(ch, "a control character")
            return f"must be one line of text: U+{ord(ch):04X} ({name}) is not allowed"
    return None


def check_header(value: str, field: str) -> str:
    """``value`` when it may be header text, else 422 naming ``field``."""
    problem = header_problem(value)
    if problem is not None:
        raise ValidationFailed.field(field, problem)
    return value


def one_line(value: str) -> str:
    """``value`` made safe for a header: every refused character becomes a blank, each run of blanks one
    space, no blanks at the ends (``"Acme\\r\\nd.o.o."`` is ``"Acme d.o.o."``)."""
    return " ".join("".join(" " if _refused(ch) else ch for ch in value).split())
