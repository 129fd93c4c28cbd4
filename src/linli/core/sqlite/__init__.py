"""Django's SQLite backend, with a flush that can empty tables guarded by triggers (the
append-only ledger)."""
