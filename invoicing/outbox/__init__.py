"""Side effects delivered from the outbox, outside the request that caused them.

:class:`EmailWorker` delivers queued ``Email`` rows over SMTP. Any number of processes may run it:
a row is claimed inside a write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers) by pushing its ``next_attempt_at`` past a lease, so one message goes to one
worker at a time, and a worker that dies mid-delivery only delays it until the lease ends. Delivery
is at least once.
"""

from invoicing.outbox._email import EmailWorker, SmtpTarget, build_message
from invoicing.outbox._lifespan import outbox_lifespan

__all__ = ["EmailWorker", "SmtpTarget", "build_message", "outbox_lifespan"]
