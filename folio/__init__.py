"""The composition root, the only package that imports both :mod:`invoicing` (the API of record) and
:mod:`bff` (the backend-for-frontend): :mod:`folio.server` builds the one-process server,
:mod:`folio.cli` the ``folio`` command line (``serve``, ``demo``, ``permissions``, ``db``, ``account``)."""
