"""Every document, for the Tokyo retailer and the Kuwana rental manager, as PDF: the company's
data, the right ordinance, the thresholds, sources and unconfirmed marks are in the text; the
fonts are embedded; no glyph is missing (tofu); Japanese line breaking keeps closing marks off
the start of a line."""

from __future__ import annotations

import io
import re

import pytest
from docs_helpers import COMPANIES, build, company, fitting, flat, pdf_text
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from kasuhara.documents.fonts import GOTHIC, MINCHO, register_fonts

ALL = [(kind_id, key) for key in COMPANIES for kind_id in fitting(key)]
TOKYO_ORDINANCE = "東京都カスタマー・ハラスメント防止条例"


@pytest.mark.parametrize(("kind_id", "key"), ALL)
def test_company_name_in_every_document(pdfs: dict[tuple[str, str], bytes], kind_id: str, key: str) -> None:
    text = flat(pdf_text(pdfs[(kind_id, key)]))
    assert flat(company(key).name) in text
    assert "---" not in text


@pytest.mark.parametrize(("kind_id", "key"), ALL)
def test_fonts_embedded_and_no_tofu(pdfs: dict[tuple[str, str], bytes], kind_id: str, key: str) -> None:
    reader = PdfReader(io.BytesIO(pdfs[(kind_id, key)]))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            f = font.get_object()
            descriptor = f.get("/FontDescriptor")
            fonts[str(f["/BaseFont"])] = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), f"fonts not embedded: {fonts}"
    assert all("IPAex" in name or "DejaVuSansMono" in name for name in fonts), fonts
    # every character of the text exists in the IPAex fonts (a missing glyph prints as a box)
    register_fonts()
    mincho = pdfmetrics.getFont(MINCHO).face.charToGlyph
    gothic = pdfmetrics.getFont(GOTHIC).face.charToGlyph
    text = pdf_text(pdfs[(kind_id, key)])
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in mincho and ord(ch) not in gothic}
    assert not missing, f"characters without a glyph: {sorted(missing)}"


CANNOT_START = "、。，．）」』】〕！？ゃゅょっャュョッー"
CANNOT_END = "（「『【〔［"


@pytest.mark.parametrize(("kind_id", "key"), ALL)
def test_kinsoku_at_both_ends_of_every_line(pdfs: dict[tuple[str, str], bytes], kind_id: str, key: str) -> None:
    lines = [line.strip() for line in pdf_text(pdfs[(kind_id, key)]).splitlines() if line.strip()]
    starts = [line for line in lines if line[0] in CANNOT_START]
    ends = [line for line in lines if line[-1] in CANNOT_END]
    assert not starts, starts[:5]
    assert not ends, ends[:5]


def test_tokyo_manual_cites_the_ordinance_by_article_and_the_act(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("manual", "tokyo")]))
    assert TOKYO_ORDINANCE in text and "令和6年東京都条例第140号" in text
    for article in ("第2条第5号", "第4条", "第5条", "第8条第1項", "第9条第2項", "第14条"):
        assert f"東京都条例{article}" in text, article
    assert "何人も、あらゆる場において、カスタマー・ハラスメントを行ってはならない。" in text
    assert "労働施策総合推進法第33条第1項" in text
    assert "出典:" in text
    # thresholds of the Tokyo company
    assert "30分" in text and "7日間に10回" in text
    assert "桑名" not in text


def test_kuwana_manual_cites_kuwana_not_tokyo(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("manual", "kuwana")]))
    assert "桑名市" in text and "条例第43号" in text
    assert "約1年間公表" in text
    assert TOKYO_ORDINANCE not in text
    assert "20分" in text and "7日間に5回" in text
    # Mie's own ordinance is pending: shown as unconfirmed, not as law
    assert "【未確認】" in text and "三重県" in text


@pytest.mark.parametrize("key", list(COMPANIES))
def test_unconfirmed_points_are_marked(pdfs: dict[tuple[str, str], bytes], key: str) -> None:
    text = flat(pdf_text(pdfs[("manual", key)]))
    assert "【未確認】施行政令の番号と公布日は未確認です。" in text
    assert "【未確認】指針の告示番号・告示日は未確認です。" in text


def test_manual_penalties_are_those_in_force_on_the_document_date(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("manual", "tokyo")]))
    assert "二年以下の拘禁刑又は三十万円以下の罰金" in text  # art. 222 after 2025-06-01
    assert "懲役" not in text


def test_lease_clauses_carry_the_legal_limit_note(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("clauses-lease", "kuwana")]))
    assert "この条項だけでは契約を解除できません" in text
    assert "信頼関係" in text and "東京地裁2005年7月22日判決" in text
    assert "housewell-chintai.jp" in text


def test_terms_clauses_protect_legitimate_complaints(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("clauses-terms", "tokyo")]))
    assert "正当なご意見・ご要望" in text and "第5条" in text


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_notice_page_size_and_one_page(size: str) -> None:
    data = build("notice", "tokyo", size=size)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    expected = {"A4": (595.3, 841.9), "A3": (841.9, 1190.6)}[size]
    assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1
    text = flat(pdf_text(data))
    assert "カスタマーハラスメントは" in text and "お断りします" in text
    assert "第4条" in text


def test_phone_script_uses_the_company_time_limit() -> None:
    assert "20分" in flat(pdf_text(build("phone-script", "kuwana")))
    assert "30分" in flat(pdf_text(build("phone-script", "tokyo")))


def test_incident_report_has_facts_timeline_hashes_and_penalties_on_the_incident_date(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("incident-report", "tokyo")]))
    assert "INC-2026-0042" in text and "鈴木次郎" in text
    assert "3f5a9c1e2b7d4a6f8e0c1b2a3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a" in text
    assert "退去を求める（2回目）" in text
    assert "刑法第130条" in text and "三年以下の拘禁刑又は十万円以下の罰金" in text
    assert "確認すべき構成要件" in text
    assert "2026年11月20日の行為に適用される法定刑" in text


def test_incident_report_uses_the_old_penalty_for_conduct_before_2025_06_01() -> None:
    from dataclasses import replace

    from docs_helpers import incident

    old = incident("tokyo")
    old = replace(old, facts={**old.facts, "occurred_at": "2025-05-31T14:05:00+09:00"})
    text = flat(pdf_text(build("incident-report", "tokyo", with_incident=old)))
    assert "2025年5月31日の行為に適用される法定刑" in text
    assert re.search(r"刑法第130条.*懲役", text), "art. 130 on 2025-05-31 keeps 懲役"
    assert "三年以下の拘禁刑又は十万円以下の罰金" not in text


def test_warning_letter_names_the_customer_and_asks_to_stop(pdfs: dict[tuple[str, str], bytes]) -> None:
    tokyo = flat(pdf_text(pdfs[("warning-letter", "tokyo")]))
    assert "鈴木次郎殿" in tokyo and "警告書" in tokyo and "直ちに中止するよう申し入れます" in tokyo
    assert "土下座の要求" in tokyo and "東京都条例第4条" in tokyo and "当社新宿本店において" in tokyo
    kuwana = flat(pdf_text(pdfs[("warning-letter", "kuwana")]))
    assert "高橋三郎殿" in kuwana and "賃貸借契約に基づく措置" in kuwana
    assert "当社桑名駅前店へのお電話において" in kuwana and "店において（" not in kuwana
    assert "東京都条例" not in kuwana


def test_unconfirmed_penalty_wording_is_marked(pdfs: dict[tuple[str, str], bytes]) -> None:
    text = flat(pdf_text(pdfs[("manual", "tokyo")]))
    assert "一年以下の拘禁刑又は百万円以下の罰金（未確認" in text  # Stalker Act after the 整理法: wording not read


def test_ordinances_where_other_sites_are() -> None:
    """A Tokyo company with a shop in Kuwana: its manual also gives Kuwana's ordinance, for that shop."""
    from dataclasses import replace
    from datetime import date

    from kasuhara.documents.base import BuildInput
    from kasuhara.documents.catalog import kind
    from kasuhara.documents.profile import Site
    from kasuhara.documents.writers import render

    co = company("tokyo")
    co = replace(co, sites=(*co.sites, Site(name="桑名店", prefecture="三重県", municipality_code="24205")))
    doc = kind("manual").build(BuildInput(company=co, on=date(2026, 11, 23)))
    text = flat(pdf_text(render(doc, "pdf", author=co.name, generated_on=date(2026, 11, 23))))
    assert TOKYO_ORDINANCE in text
    assert "他の事業所の所在地の条例" in text and "対象:桑名店" in text and "約1年間公表" in text
    # and a company without such sites has no such section
    assert "他の事業所の所在地の条例" not in flat(pdf_text(build("manual", "tokyo")))
