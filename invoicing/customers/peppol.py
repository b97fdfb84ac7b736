"""Peppol participant ids and the e-invoice formats a customer may require.

A Peppol participant id is written ``scheme:id``: the scheme a 4-digit ICD code of the Peppol
Electronic Address Scheme (EAS) code list (``0088`` GLN, ``0192`` Norwegian organisation number,
``0204`` German Leitweg-ID, ``0208`` Belgian enterprise number, ``9930`` German VAT number, …) and the
id itself, not empty. It is the electronic address of EN 16931 (BT-34 for the seller, BT-49 for the buyer).
"""

from __future__ import annotations

import re
from typing import Literal

from contract.errors import ValidationFailed

EinvoiceFormat = Literal["facturx", "cii", "ubl", "xrechnung", "peppol"]

_ICD = """
    0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 0177 0183 0184
    0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205 0208 0209 0210 0211
    0212 0213 0215 0216 0217 0218 0221 0225 0230 0235 0240 0244
    9901 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933
    9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953
    9957 9959
    """
ICD_CODES = frozenset(_ICD.split())
"""The 4-digit schemes of the Peppol EAS code list (Peppol BIS Billing 3.0, ``eas`` code list)."""

_PEPPOL_ID = re.compile(r"^(\d{4}):(\S{1,80})$")


def peppol_id_field(value: str, field: str) -> str:
    """``value`` stripped, when it is ``scheme:id`` with a known scheme; else 422 naming ``field``."""
    value = value.strip()
    match = _PEPPOL_ID.match(value)
    if not match:
        raise ValidationFailed.field(field, 'must be "scheme:id", e.g. "0088:4012345000009"')
    if match.group(1) not in ICD_CODES:
        raise ValidationFailed.field(field, f"scheme {match.group(1)} is not in the Peppol EAS code list")
    return value
