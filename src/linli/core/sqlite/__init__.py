"""Django's SQLite backend, with a flush that can empty the append-only ledger."""
