"""Fixtures for the document tests (helpers live in docs_helpers.py)."""

from __future__ import annotations

import pytest
from docs_helpers import COMPANIES, build, fitting


@pytest.fixture(scope="session")
def pdfs() -> dict[tuple[str, str], bytes]:
    """Every A4 Japanese document that fits each of the four companies, built once per session."""
    return {(kind_id, key): build(kind_id, key) for key in COMPANIES for kind_id in fitting(key)}
