"""Passwordless sign-in to the standalone dashboard: single-use e-mailed links.

:mod:`invoicing.signin.links` draws the link's life cycle; :mod:`invoicing.signin.mail` writes the
invitation and sign-in e-mails; :mod:`invoicing.signin.service` redeems links and answers sign-in
requests for the BFF (``bff.app``).
"""

from invoicing.signin.controller import SignInInternalController

ROUTE_HANDLERS = [SignInInternalController]

__all__ = ["ROUTE_HANDLERS", "SignInInternalController"]
