"""English versions: the same law and company data, in English, for both companies."""

from __future__ import annotations

import pytest
from docs_helpers import COMPANIES, build, company, fitting, pdf_text


@pytest.mark.parametrize(("kind_id", "key"), [(k, c) for c in COMPANIES for k in fitting(c)])
def test_every_kind_in_english(kind_id: str, key: str) -> None:
    text = pdf_text(build(kind_id, key, lang="en"))
    co = company(key)
    assert (co.name_en or co.name) in " ".join(text.split())
    assert "---" not in text  # table separator rows are markup, never printed


def test_english_manual_cites_the_right_ordinance() -> None:
    tokyo = " ".join(pdf_text(build("manual", "tokyo", lang="en")).split())
    assert "Tokyo ordinance Art. 9(2)" in tokyo and "30 minutes" in tokyo
    assert "[Unconfirmed]" in tokyo
    kuwana = " ".join(pdf_text(build("manual", "kuwana", lang="en")).split())
    assert "Kuwana" in kuwana and "Tokyo ordinance Art." not in kuwana and "20 minutes" in kuwana


def test_english_lease_limits() -> None:
    text = " ".join(pdf_text(build("clauses-lease", "kuwana", lang="en")).split())
    assert "This clause alone does not allow termination" in text


@pytest.mark.parametrize("key", ["tokyo", "kuwana", "clinic"])
@pytest.mark.parametrize("size", ["A4", "A3"])
def test_english_poster_is_one_sheet(key: str, size: str) -> None:
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(build("notice", key, lang="en", size=size))).pages) == 1
