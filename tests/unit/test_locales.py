"""The message catalogues (``locales/<domain>/<language>.json``): every language has exactly English's keys
with the same placeholders, every domain (the dashboard's too) covers every supported language, the dashboard
imports every UI language, every key the code asks for exists; and how placeholders are filled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contract.errors import ValidationFailed
from invoicing.auth.permissions import ROLES
from invoicing.config import ROOT
from invoicing.core.i18n import LOCALES, PLACEHOLDER, REFERENCE, catalogue, fill, language_of, message
from invoicing.core.locales import SUPPORTED_LANGUAGES, locale_field
from invoicing.signin.mail import KINDS

DOMAINS = sorted(path.name for path in LOCALES.iterdir() if path.is_dir())
FILES = [(domain, path) for domain in DOMAINS for path in sorted((LOCALES / domain).glob("*.json"))]


def read(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_domains():
    assert DOMAINS == ["documents", "emails", "tax", "ui"]


@pytest.mark.parametrize(("domain", "path"), FILES, ids=[f"{d}/{p.name}" for d, p in FILES])
def test_every_language_has_englishs_keys_and_placeholders(domain, path):
    english, texts = read(LOCALES / domain / f"{REFERENCE}.json"), read(path)
    assert list(texts) == list(english), (
        f"missing: {english.keys() - texts.keys()}, extra: {texts.keys() - english.keys()}"
    )
    for key, text in texts.items():
        assert isinstance(text, str) and text.strip(), key
        assert placeholders(text) == placeholders(english[key]), key
        assert "{" not in PLACEHOLDER.sub("", text) and "}" not in PLACEHOLDER.sub("", text), key


UI_TRANSLATIONS = sorted(path for path in (LOCALES / "ui").glob("*.json") if path.stem != REFERENCE)


@pytest.mark.parametrize("path", UI_TRANSLATIONS, ids=[path.name for path in UI_TRANSLATIONS])
def test_every_ui_language_is_translated_not_copied(path):
    """A copy of English passes the key and placeholder checks; most of a real translation's texts differ."""
    english, texts = read(LOCALES / "ui" / f"{REFERENCE}.json"), read(path)
    differ = sum(texts.get(key) != text for key, text in english.items())
    assert differ >= 0.7 * len(english), f"{path.name}: only {differ} of {len(english)} texts differ from English"


@pytest.mark.parametrize("domain", ["documents", "emails", "tax", "ui"])
def test_every_domain_has_every_supported_language(domain):
    assert {path.stem for path in (LOCALES / domain).glob("*.json")} == set(SUPPORTED_LANGUAGES)


def test_the_dashboard_imports_every_ui_language():
    source = (ROOT / "frontend" / "src" / "i18n" / "messages.ts").read_text(encoding="utf-8")
    # each language a chunk of its own: `de: () => import("../../../locales/ui/de.json")`
    imported = re.findall(r'(\w+): \(\) => import\("\.\./\.\./\.\./locales/ui/(\w+)\.json"\)', source)
    assert all(name == language for name, language in imported)
    assert {language for _, language in imported} == {path.stem for path in (LOCALES / "ui").glob("*.json")}


def test_every_key_the_server_asks_for_exists():
    labels = set(catalogue("documents", REFERENCE))
    used = set()
    for path in (ROOT / "templates" / "documents").glob("*.html"):
        used |= set(re.findall(r"\bL\.(\w+)", path.read_text(encoding="utf-8")))
    for path in (ROOT / "invoicing" / "rendering").glob("*.py"):
        used |= set(re.findall(r"labels\[[\"'](\w+)[\"']", path.read_text(encoding="utf-8")))
    assert used and used <= labels, used - labels
    emails = set(catalogue("emails", REFERENCE))
    wanted = {"greeting", "greeting.named"} | {f"role.{role}" for role in ROLES}
    wanted |= {f"{kind}.{part}" for kind in KINDS for part in ("subject", "body")}
    wanted |= {f"{kind}.{part}" for kind in ("invoice", "credit_note") for part in ("subject", "message")}
    assert wanted <= emails, wanted - emails


def test_a_locale_reads_its_language_or_english():
    assert [language_of(tag) for tag in ("de-AT", "sl_SI", "HR", None, "", "pt-BR")] == [
        "de",
        "sl",
        "hr",
        "en",
        "en",
        "en",
    ]
    assert catalogue("documents", "pt") == catalogue("documents", "en")
    for tag in ("de-AT", "sl_si", "hr"):
        assert locale_field(tag, "locale").split("-")[0] in SUPPORTED_LANGUAGES
    with pytest.raises(ValidationFailed):  # documents are not written in Portuguese: refused, not English
        locale_field("pt-BR", "locale")
    assert message("documents", "de-CH", "invoice") == "Rechnung"
    assert message("emails", "xx", "invoice.subject", {"number": "7", "seller": "Acme"}) == "Invoice 7 from Acme"


def test_placeholders_fill_in_one_pass_and_a_missing_value_is_an_error():
    assert fill("{a} and {b}", {"a": "{b}", "b": 2}) == "{b} and 2"
    assert fill("no placeholders", {}) == "no placeholders"
    with pytest.raises(KeyError):
        fill("Hello {name}", {})
