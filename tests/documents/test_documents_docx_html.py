"""DOCX (for editing) and HTML carry the same content as the PDF, and the profile loader
rejects bad company files naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_helpers import COMPANIES, build, company, docx_text, fitting, flat

from kasuhara.documents.profile import company_from_mapping, load_company
from kasuhara.errors import InputError

EDITABLE = ("policy", "manual", "clauses-terms", "clauses-lease", "phone-script", "warning-letter")


@pytest.mark.parametrize(("kind_id", "key"), [(k, c) for k in EDITABLE for c in COMPANIES if k in fitting(c)])
def test_docx_has_company_and_ordinance(kind_id: str, key: str) -> None:
    text = flat(docx_text(build(kind_id, key, "docx")))
    co = company(key)
    assert flat(co.name) in text
    if kind_id in ("manual", "clauses-lease"):
        # Tokyo's ordinance: at the Tokyo retailer's place, and at the Osaka call centre's Tokyo centre
        assert ("東京都カスタマー・ハラスメント防止条例" in text) == (key in ("tokyo", "osaka"))
        assert ("桑名市" in text) == (key == "kuwana")


def test_docx_manual_thresholds_and_unconfirmed() -> None:
    text = flat(docx_text(build("manual", "kuwana", "docx")))
    assert "20分" in text and "7日間に5回" in text and "【未確認】" in text


def test_html_is_escaped_and_complete() -> None:
    html = build("manual", "tokyo", "html").decode("utf-8")
    assert html.startswith("<!doctype html>") and 'lang="ja"' in html
    assert "東京都カスタマー・ハラスメント防止条例" in html
    assert "<script" not in html


def test_every_kind_builds_in_every_format_for_every_company() -> None:
    for key in COMPANIES:
        for kind_id in fitting(key):
            for fmt in ("docx", "html"):
                assert len(build(kind_id, key, fmt)) > 1000


def test_a_document_that_does_not_fit_the_industry_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        build("clauses-lease", "tokyo")
    assert exc.value.problems[0].field == "kind"
    with pytest.raises(InputError):
        build("notice", "osaka")  # a call centre has no shop front
    assert "clauses-lease" in fitting("kuwana") and "notice" not in fitting("osaka")


def test_company_errors_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        company_from_mapping({"name": "", "industry": "bakery", "prefecture": "東京", "thresholds": {"time_limit_minutes": 0}, "colour": 1})
    fields = {p.field for p in exc.value.problems}
    assert {"name", "industry", "prefecture", "thresholds.time_limit_minutes", "colour"} <= fields
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(InputError):
        load_company(bad)


def test_example_profiles() -> None:
    tokyo, kuwana = company("tokyo"), company("kuwana")
    assert tokyo.prefecture_code == "13" and kuwana.prefecture_code == "24"
    assert kuwana.municipality_code == "24205" and kuwana.is_rental_housing
    assert kuwana.thresholds.time_limit_minutes == 20
