"""Webhooks: the account's endpoints (:mod:`.controller`, :mod:`.service`), the URL rules shared with
delivery (:func:`.service.check_url`, :mod:`invoicing.core.netsafety`), and Standard Webhooks signing
(:mod:`.signing`)."""
