"""What every domain shares.

Pure parts (no database): ids, money, totals, lines, number formats, locales and message catalogues
(``i18n``), tax-number and field validation, shared schema types. The request plumbing handlers are
given: ``deps`` (the caller, the request's transaction), ``idempotency`` (``Idempotency-Key``), ``paging``
and ``params`` (cursors, limits, ``metadata[KEY]=`` filters).
"""
