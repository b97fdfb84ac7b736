"""The printed words of invoices and credit notes per language, from ``locales/documents/`` (see
:mod:`invoicing.core.i18n`). Numbers, dates and money are formatted by Babel; these are only the
labels. A document's language is its locale's language when we have it, otherwise English."""

from __future__ import annotations

from collections.abc import Mapping

from invoicing.core.i18n import catalogue, language_of
from invoicing.core.locales import SUPPORTED_LANGUAGES

LABELS: Mapping[str, Mapping[str, str]] = {
    language: catalogue("documents", language) for language in SUPPORTED_LANGUAGES
}

__all__ = ["LABELS", "language_of"]
