"""Pure cryptographic core: no I/O, no database, no HTTP."""
