"""Message catalogues: every text a person reads, per language, in one kind of file.

::

    locales/<domain>/<language>.json      flat {"key": "text"}, placeholders written {name}
        ui/         en de sl              the dashboard (bundled by Vite from these same files)
        documents/  en de sl fr it es hr  printed words on invoices and credit notes
        emails/     en de sl fr it es hr  document e-mails' default subject and message, invitation
                                          and sign-in e-mails

English is the reference: ``tests/unit/test_locales.py`` checks that every language of a domain has
exactly English's keys, with the same placeholders. The server reads ``documents`` and ``emails``
(each file once); numbers, money and dates are formatted by Babel, not here. A locale's language is
used when the server supports it (:data:`invoicing.core.locales.SUPPORTED_LANGUAGES`), else English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from invoicing.config import ROOT
from invoicing.core.locales import SUPPORTED_LANGUAGES

LOCALES = ROOT / "locales"
REFERENCE = "en"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def language_of(locale: str | None) -> str:
    """``"de-AT"`` → ``"de"``; a language the server does not support → ``"en"``."""
    language = (locale or REFERENCE).replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED_LANGUAGES else REFERENCE


@cache
def catalogue(domain: str, language: str) -> Mapping[str, str]:
    """One language's texts of a domain, read once (English when that language has no file)."""
    path = LOCALES / domain / f"{language}.json"
    if not path.is_file():
        path = LOCALES / domain / f"{REFERENCE}.json"
    with path.open(encoding="utf-8") as file:
        return MappingProxyType(json.load(file))


def fill(text: str, values: Mapping[str, object]) -> str:
    """Replace each ``{name}`` with its value in one pass (a value is never searched for placeholders);
    a placeholder without a value raises ``KeyError``."""
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), text)


def message(domain: str, locale: str | None, key: str, values: Mapping[str, object] | None = None) -> str:
    """The text of ``key`` in the locale's language with its placeholders filled."""
    return fill(catalogue(domain, language_of(locale))[key], values or {})
