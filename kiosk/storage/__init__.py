"""Storage: SQLAlchemy models, the SQLite database under the data folder, Alembic migrations."""
