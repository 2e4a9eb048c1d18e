"""Storage adapter: SQLAlchemy 2 (async) models and the database engine.

SQLite (on the event loop's thread, ``sqlite_inline``) is the embedded default; PostgreSQL through
asyncpg is for production.
Schema changes go through Alembic migrations (``voting_engine/storage/migrations``).
"""
