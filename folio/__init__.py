"""The composition root: builds the one-process server and the ``folio`` CLI from :mod:`invoicing`
(the API of record) and :mod:`bff` (the backend-for-frontend)."""
