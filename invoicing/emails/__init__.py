"""E-mail: sending documents, the record of every message (``/v1/emails``), and its delivery.

A message's life::

    POST …/send, an invitation, a sign-in link
        ──▶ Email row (records.record), same transaction as its email.* event
                     ├── captured   no FOLIO_SMTP_URL: recorded, never delivered
                     └── queued ──▶ worker (emails.delivery, SMTP) ──▶ sent
                           ▲            │ failure: attempts += 1, next_attempt_at = now + backoff
                           └────────────┘ after the last attempt (or a permanent 5xx): failed + last_error
"""
