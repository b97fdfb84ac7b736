"""The `folio demo` data set."""
