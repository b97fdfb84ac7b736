"""Invoices and credit notes, split by what changes together::

schemas.py       requests and responses (LineIn … InvoiceOut, CreditNoteOut)
lines.py         LineIn ──▶ DocumentLine (validated, catalogue resolved) ──▶ StoredLine (+ figures)
numbering.py     the next number, taken inside the issuing transaction
invoices.py      drafts, issuing, voiding; the status that payments and credits imply
credit_notes.py  crediting an issued invoice, never beyond what is left
rules.py         the life cycle's pure rules (status, amount due, what may be credited)
queries.py       one document by id, the list query
output.py        a stored document as the API shows it
controller.py    the /v1/invoices and /v1/credit-notes routes
"""
