"""Recurring invoices: a template (an invoice body) made into one invoice per period of a schedule.

``/v1/recurring-invoices`` (:mod:`.controller`, :mod:`.service`) stores schedules; the period arithmetic
is :mod:`.periods` (pure, ``now`` explicit); :mod:`.scheduler` makes each due period's invoice, exactly
once per period, in every ``folio serve`` process (README "Recurring invoices").
"""
