"""EU VAT: which treatment a document gets, at which rates, and why.

::

    rates.json ─► rates.py     rates_for(country, on), rate(country, tax_class, on)
    model.py                   Seller, Buyer, Line ─► Decision(LineDecision, …)
    decide.py                  decide(seller, buyer, lines, on, locale): the rule table
    explain.py                 the English reason and the legal note from locales/tax/
    names.py                   tax_name(country): what VAT is called on the seller's documents (DDV, MwSt.)

Pure: no database, no HTTP. VIES results come in as ``Buyer.vies``.
"""

from invoicing.tax.decide import THRESHOLD, decide, treatment
from invoicing.tax.model import CATEGORIES, CODES, KINDS, Buyer, Decision, Line, LineDecision, Seller
from invoicing.tax.names import tax_name
from invoicing.tax.rates import MEMBER_STATES, TAX_CLASSES, RateNotFound, iso_country, rate, rates_for

__all__ = [
    "CATEGORIES",
    "CODES",
    "KINDS",
    "MEMBER_STATES",
    "TAX_CLASSES",
    "THRESHOLD",
    "Buyer",
    "Decision",
    "Line",
    "LineDecision",
    "RateNotFound",
    "Seller",
    "decide",
    "iso_country",
    "rate",
    "rates_for",
    "tax_name",
    "treatment",
]
