"""What the API of record (:mod:`invoicing`) and the BFF (:mod:`bff`) agree on.

Both import from here and neither imports the other. Nothing in this package touches a database,
the ORM or rendering, so the BFF can be deployed (and imported) without any of them.
"""
