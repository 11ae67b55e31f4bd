"""Fixtures for the web tests: the case-file world (see casefile_world.py)."""

from casefile_world import fast_password_hashing, world  # noqa: F401
