"""Writing the published election record (``docs/election-record.md``)."""
