"""What the API of record (:mod:`invoicing`) and the BFF (:mod:`bff`) agree on.

::

    contract/
      signing.py       the secrets (newest first), the purpose salts and prefixes, the refusal
      credentials.py   what the BFF signs for the API: embu_ (a user), embs_ (the shell), embr_ (sign-in request)
      schemas.py       the API's answers the BFF reads or passes on (MeOut, SignInOut, EntityOut, EntityUserOut)
      permissions.py   the permission names routes declare (Perm)
      addresses.py     the one e-mail address check
      errors.py        the FolioError hierarchy and its problem+json handler

Both import from here and neither imports the other (:mod:`folio` puts them together). Nothing in
this package touches a database, the ORM or rendering, so the BFF can be deployed (and imported)
without any of them; ``tests/unit/test_boundaries.py`` keeps it so.
"""
