"""Locales: validated with Babel and limited to the languages documents are written in; an entity's default
follows its country."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from contract.errors import ValidationFailed

SUPPORTED_LANGUAGES = ("en", "de", "sl", "fr", "it", "es", "hr")


def default_locale(country: str) -> str:
    try:
        language = Locale.parse(f"und_{country}").language
    except (UnknownLocaleError, ValueError):
        return "en"
    return language if language in SUPPORTED_LANGUAGES else "en"


def locale_field(value: str, field: str) -> str:
    """``value`` as a locale tag (``sl_si`` → ``sl-SI``); a locale whose language documents are not written in
    (``pt``) is refused rather than silently rendered in English."""
    try:
        locale = Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationFailed.field(field, f"'{value}' is not a known locale (e.g. en, de, sl-SI)") from None
    if locale.language not in SUPPORTED_LANGUAGES:
        raise ValidationFailed.field(
            field, f"'{value}' is not supported: documents are written in {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return str(locale).replace("_", "-")
