"""Fixtures for the service tests (defined in casefile_db.py)."""

from casefile_db import db, fast_password_hashing  # noqa: F401
