"""What VAT is called on a seller's documents: the name in its country's language.

A tax the platform does not name (a line without ``taxes``, whose rate Folio decides, or a
``taxes[]`` entry without ``name``) is named after the seller's country: a Slovenian seller's
documents say ``DDV``, a German one's ``MwSt.``. A name the platform gives is kept as given.
Germany has two names in use (``USt.``, the law's, and ``MwSt.``, the one buyers read on
receipts); Folio prints ``MwSt.``. Belgium and Luxembourg print the French ``TVA``. Countries not in
the table (outside the EU, or a seller without a country) get ``VAT``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT = "VAT"

TAX_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "AT": "MwSt.",
        "BE": "TVA",
        "BG": "ДДС",
        "CH": "MWST",
        "CY": "ΦΠΑ",
        "CZ": "DPH",
        "DE": "MwSt.",
        "DK": "moms",
        "EE": "km",
        "ES": "IVA",
        "FI": "ALV",
        "FR": "TVA",
        "GB": "VAT",
        "GR": "ΦΠΑ",
        "HR": "PDV",
        "HU": "ÁFA",
        "IE": "VAT",
        "IT": "IVA",
        "LT": "PVM",
        "LU": "TVA",
        "LV": "PVN",
        "MC": "TVA",
        "MT": "VAT",
        "NL": "BTW",
        "NO": "MVA",
        "PL": "VAT",
        "PT": "IVA",
        "RO": "TVA",
        "SE": "moms",
        "SI": "DDV",
        "SK": "DPH",
    }
)


def tax_name(country: str | None) -> str:
    """The seller country's name for VAT: ``"SI"`` → ``"DDV"``; ``"VAT"`` for a country not in the table.
    Greece's VIES prefix ``EL`` is read as ``GR``."""
    code = (country or "").strip().upper()
    return TAX_NAMES.get("GR" if code == "EL" else code, DEFAULT)


VAT_NAMES = frozenset({DEFAULT, *TAX_NAMES.values()})
"""Every name VAT goes by: a credit line naming any of them at a rate its invoice carries once takes that tax."""
