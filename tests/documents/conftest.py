"""Fixtures for the document tests (helpers live in docs_helpers.py)."""

from __future__ import annotations

import pytest
from docs_helpers import COMPANIES, build


@pytest.fixture(scope="session")
def pdfs() -> dict[tuple[str, str], bytes]:
    """Every A4 Japanese document for both companies, built once per session."""
    from kasuhara.documents.catalog import kinds

    return {(k.id, key): build(k.id, key) for k in kinds() for key in COMPANIES}
