"""EN 16931 e-invoices: the semantic model, the CII writer, Factur-X, the formats, and the endpoint."""
