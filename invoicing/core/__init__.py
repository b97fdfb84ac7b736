"""Pure building blocks shared by every domain: ids, money, totals, numbering, errors."""
