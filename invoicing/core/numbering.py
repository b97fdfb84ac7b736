"""Document number formats.

A format is literal text with ``{yyyy}``, ``{yy}``, ``{mm}`` and exactly one ``{n…}`` sequence
token whose length is the zero padding: ``INV-{yyyy}-{nnnn}`` → ``INV-2026-0042``. A format that
contains a year restarts its sequence each year, so the counter's *period* is the year;
otherwise one sequence runs forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DEFAULT_FORMAT = "{yyyy}-{nnnnn}"
_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"n+")
_DATE_TOKENS = {"yyyy", "yy", "mm"}
MAX_LENGTH = 60


class FormatError(ValueError):
    pass


@dataclass(frozen=True)
class NumberFormat:
    pattern: str

    @classmethod
    def parse(cls, pattern: str) -> NumberFormat:
        if not pattern or len(pattern) > MAX_LENGTH:
            raise FormatError(f"must be 1 to {MAX_LENGTH} characters")
        tokens = _TOKEN.findall(pattern)
        stripped = _TOKEN.sub("", pattern)
        if "{" in stripped or "}" in stripped:
            raise FormatError("has an unbalanced brace")
        seq = [t for t in tokens if _SEQ.fullmatch(t)]
        unknown = [t for t in tokens if t not in _DATE_TOKENS and not _SEQ.fullmatch(t)]
        if unknown:
            raise FormatError(f"unknown token {{{unknown[0]}}}; use {{yyyy}}, {{yy}}, {{mm}} and one {{n…}}")
        if len(seq) != 1:
            raise FormatError("needs exactly one sequence token such as {nnnn}")
        if len(seq[0]) > 12:
            raise FormatError("sequence token pads to at most 12 digits")
        return cls(pattern)

    @property
    def yearly(self) -> bool:
        return "{yyyy}" in self.pattern or "{yy}" in self.pattern

    def period(self, on: date) -> str:
        """The counter key for a document dated ``on``: its year, or ``"all"``."""
        return str(on.year) if self.yearly else "all"

    def render(self, sequence: int, on: date) -> str:
        def sub(match: re.Match[str]) -> str:
            token = match.group(1)
            if token == "yyyy":
                return f"{on.year:04d}"
            if token == "yy":
                return f"{on.year % 100:02d}"
            if token == "mm":
                return f"{on.month:02d}"
            return str(sequence).zfill(len(token))

        return _TOKEN.sub(sub, self.pattern)
