"""Exports: documents, document lines and payments as CSV or XLSX, and documents' PDFs as a zip.

``POST /v1/exports`` records a job (:class:`invoicing.db.models.Export`, ``queued``); the export worker
(:mod:`invoicing.exports.worker`, one in every ``folio serve`` process) claims it, counts its rows in SQL
(``progress.total``), streams them from the database in keyset batches into a temporary file
(:mod:`invoicing.exports.writers`), updating ``progress.done`` as it goes, and stores the file in the
database in 1 MiB chunks (``export_chunks``), so every process serves it. Files are kept
``FOLIO_EXPORT_RETENTION_DAYS`` (7) days, then a periodic purge deletes them (the file then answers 410).
"""
