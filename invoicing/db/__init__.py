from invoicing.db.engine import Database, normalize_url
from invoicing.db.models import Base

__all__ = ["Base", "Database", "normalize_url"]
