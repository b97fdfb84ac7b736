"""Tax over HTTP: VAT rates (``GET /v1/tax-rates``) and VAT number checks against VIES
(``POST /v1/vat-numbers/check``); the decisions themselves are in the pure :mod:`invoicing.tax`."""
