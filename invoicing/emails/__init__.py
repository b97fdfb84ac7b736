"""E-mail: sending documents, and the record of every message (``/v1/emails``).

A message's life::

    POST …/send ──▶ Email row, same transaction as its outbox event
                     ├── captured   no FOLIO_SMTP_URL: recorded, never delivered
                     └── queued ──▶ worker (invoicing.outbox) ──▶ sent
                           ▲            │ failure: attempts += 1, next_attempt_at = now + backoff
                           └────────────┘ after the last attempt (or a permanent 5xx): failed + last_error
"""
