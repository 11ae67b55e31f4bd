"""Documents read back as a 社労士, HR, a lawyer and the police read them, for four companies.

The text comes back through poppler's pdftotext (as a reader's viewer extracts it) and
python-docx; pages are rendered with pdftoppm to check what a person sees (a poster filled to the
bottom, nothing blank). Companies: a Tokyo retailer, a rental manager in Kuwana, an Osaka call
centre with centres in Sapporo and Tokyo, a clinic in Sapporo.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from docs_helpers import COMPANIES, build, company, fitting, flat, incident
from docx import Document as DocxDocument
from docx.oxml.ns import qn

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

CUSTOMER_FACING = ("policy", "notice", "warning-letter")
LOCATORS = ("repo ", "{N}", "Vault/", "DB4LAW", "mirror", "ミラー", ".md")


def poppler_text(data: bytes, tmp: Path, *, layout: bool = False) -> str:
    pdf = tmp / "doc.pdf"
    pdf.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize(("kind_id", "key"), [(k, c) for c in COMPANIES for k in fitting(c)])
def test_no_source_locator_ever_prints(pdfs: dict[tuple[str, str], bytes], kind_id: str, key: str, tmp_path: Path) -> None:
    text = poppler_text(pdfs[(kind_id, key)], tmp_path)
    for locator in LOCATORS:
        assert locator not in text, locator


@pytest.mark.parametrize(("kind_id", "key"), [(k, c) for c in COMPANIES for k in CUSTOMER_FACING if k in fitting(c)])
def test_nothing_internal_in_what_customers_read(pdfs: dict[tuple[str, str], bytes], kind_id: str, key: str,
                                                 tmp_path: Path) -> None:
    text = flat(poppler_text(pdfs[(kind_id, key)], tmp_path))
    # the warning letter's last page is the company's own checklist, never sent
    sent = text.split("【社内用】")[0]
    for internal in ("出典", "知識ベース", "複数の二次資料", "一次資料", "未確認", "確認したもの"):
        assert internal not in sent, internal


@pytest.mark.parametrize("key", list(COMPANIES))
def test_phone_script_sends_callers_to_the_customer_contact_never_the_staff_desk(
        pdfs: dict[tuple[str, str], bytes], key: str, tmp_path: Path) -> None:
    co = company(key)
    text = flat(poppler_text(pdfs[("phone-script", key)], tmp_path))
    assert co.customer_contact is not None and flat(co.customer_contact.name) in text
    assert co.desk is not None and flat(co.desk.name) not in text


def test_phone_script_without_a_customer_contact_says_so_and_still_not_the_desk(tmp_path: Path) -> None:
    from kasuhara.documents.base import BuildInput
    from kasuhara.documents.catalog import kind
    from kasuhara.documents.writers import render

    co = replace(company("tokyo"), customer_contact=None)
    doc = kind("phone-script").build(BuildInput(company=co))
    text = flat(poppler_text(render(doc, "pdf", author=co.name, generated_on=doc_date()), tmp_path))
    assert "お客様窓口" in text and "設定されていません" in text
    assert co.desk is not None and flat(co.desk.name) not in text


def doc_date():  # type: ignore[no-untyped-def]
    from docs_helpers import ON

    return ON


@pytest.mark.parametrize("key", list(COMPANIES))
def test_incident_report_for_the_police(pdfs: dict[tuple[str, str], bytes], key: str, tmp_path: Path) -> None:
    inc = incident(key)
    raw = poppler_text(pdfs[("incident-report", key)], tmp_path, layout=True)
    text = flat(raw)
    assert "日本時間（JST,UTC+9）" in text and "（JST）" in text
    assert inc.customer_name.replace(" ", "") in text and flat(inc.customer_address) in text
    site = company(key).site(inc.site)
    assert site is not None and flat(site.address) in text
    for ev in inc.evidence:
        # each hash whole on one line, and the size in bytes
        assert any(ev.sha256 in line for line in raw.splitlines()), ev.sha256
        assert f"{ev.size:,}bytes" in text
    for actor in [e.actor for e in inc.timeline if e.actor]:
        assert flat(actor) in text
    assert "該当し得る罪" in text and "法定刑" in text


def test_hashes_are_set_in_a_fixed_width_font(pdfs: dict[tuple[str, str], bytes]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdfs[("incident-report", "tokyo")]))
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("DejaVuSansMono" in f for f in fonts), fonts


def test_each_case_is_decided_by_the_law_of_its_own_site(tmp_path: Path) -> None:
    osaka = flat(poppler_text(build("incident-report", "osaka"), tmp_path))
    assert "大阪センター" in osaka and "東京都カスタマー・ハラスメント防止条例" not in osaka
    at_tokyo_centre = replace(incident("osaka"), site="東京センター")
    tokyo = flat(poppler_text(build("incident-report", "osaka", with_incident=at_tokyo_centre), tmp_path))
    assert "東京都カスタマー・ハラスメント防止条例" in tokyo and "東京都千代田区丸の内" in tokyo


def test_warning_letter_tells_the_channel_in_its_own_words(tmp_path: Path) -> None:
    phone = flat(poppler_text(build("warning-letter", "osaka"), tmp_path))
    assert "当社大阪センターへのお電話において" in phone and "通話の終了を3回お願いしました" in phone
    assert "退去を" not in phone and "ご来店" not in phone  # a call centre has no counter
    shop = flat(poppler_text(build("warning-letter", "clinic"), tmp_path))
    assert "当社本院において" in shop and "松本修殿" in shop and "前略" in shop and "草々" in shop
    assert "ネットに書き込んでこんな病院つぶしてやる" in shop  # what was said, as said


def test_warning_letter_is_refused_without_an_address() -> None:
    from kasuhara.errors import InputError

    with pytest.raises(InputError) as exc:
        build("warning-letter", "tokyo", with_incident=replace(incident("tokyo"), customer_address=""))
    assert [p.field for p in exc.value.problems] == ["customer_address"]


def test_management_company_writes_as_the_owners_agent(tmp_path: Path) -> None:
    letter = replace(incident("kuwana"), on_behalf_of="桑名 一郎")
    text = flat(poppler_text(build("warning-letter", "kuwana", with_incident=letter), tmp_path))
    assert "桑名一郎（賃貸人）" in text and "上記代理人" in text and "賃貸人は賃貸借契約に基づく措置" in text
    assert "委任" in text  # the internal page: get the owner's mandate first


def test_terms_clause_numbers_the_acts_and_exempts_nothing_the_consumer_act_voids(tmp_path: Path) -> None:
    whole = flat(poppler_text(build("clauses-terms", "tokyo"), tmp_path))
    text = whole.split("第3項について")[0]  # the clause itself, before the note on the law
    assert "第1号" in text and "第17号" in text and "前条第1号、第2号" in text
    assert "責任を負いません。ただし" not in text and "この限りではありません" not in text
    assert "消費者契約法第8条第1項" in whole and "全部を免除する条項" in whole


@pytest.mark.parametrize("key", list(COMPANIES))
def test_manual_has_what_a_practitioner_looks_for(pdfs: dict[tuple[str, str], bytes], key: str, tmp_path: Path) -> None:
    text = flat(poppler_text(pdfs[("manual", key)], tmp_path))
    for heading in ("基本方針", "対応の流れ（フローチャート）", "通常のクレームへの最初の対応", "手段別の対応",
                    "行為別の対応と例", "出入り禁止・取引停止の手順", "被害を受けた従業員のケアの手順", "記録様式",
                    "周知と改訂の記録", "付録A適用される法令・条例", "出典（社内用）"):
        assert heading in text, heading
    assert "「土下座して謝れ」と要求する" in text  # an example per behaviour
    body = text.split("付録A")[0]
    assert "出典" not in body  # sources in the appendix only


def test_manual_industry_modules(pdfs: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    call = flat(poppler_text(pdfs[("manual", "osaka")], tmp_path))
    assert "コールセンターの留意点" in call and "退去の要求" not in call and "対面（店舗・窓口）" not in call
    clinic = flat(poppler_text(pdfs[("manual", "clinic")], tmp_path))
    assert "応招義務" in clinic and "医師法第19条第1項" in clinic and "緊急" in clinic
    rental = flat(poppler_text(pdfs[("manual", "kuwana")], tmp_path))
    assert "オーナー（賃貸人）からも起こります" in rental and "新しい契約から" in rental and "集会の決議" in rental
    retail = flat(poppler_text(pdfs[("manual", "tokyo")], tmp_path))
    assert "応招義務" not in retail and "コールセンターの留意点" not in retail


def test_tokyo_subsidy_checklist_maps_items_and_says_what_is_unconfirmed(pdfs: dict[tuple[str, str], bytes],
                                                                        tmp_path: Path) -> None:
    tokyo = flat(poppler_text(pdfs[("manual", "tokyo")], tmp_path))
    assert "東京都の奨励金の確認表" in tokyo and "2025年4月1日以降に作成されたこと" in tokyo
    assert "アプリで承認し、採用日を記録" in tokyo and "【未確認】奨励金の要綱が定める記載事項" in tokyo
    assert "奨励金の確認表" not in flat(poppler_text(pdfs[("manual", "kuwana")], tmp_path))


@pytest.mark.parametrize("key", ["tokyo", "clinic"])
@pytest.mark.parametrize("size", ["A4", "A3"])
def test_poster_keeps_every_phrase_on_one_line(key: str, size: str, tmp_path: Path) -> None:
    lines = [flat(line) for line in poppler_text(build("notice", key, size=size), tmp_path, layout=True).splitlines()]
    from kasuhara.documents.notices import A4_TILES
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    labels = [b.label.ja for b in kb.behaviours if b.regardless_of_demand and (size == "A3" or b.id in A4_TILES)]
    for label in labels:
        if len(label) <= 8:
            assert any(label in line for line in lines), label
    joined = "\n".join(lines)
    for word in ("土下座", "従業員", "お願い", "お引き取り", "カスタマーハラスメント"):
        for k in range(1, len(word)):
            assert f"{word[:k]}\n{word[k:]}" not in joined, word


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
@pytest.mark.parametrize("key", ["tokyo", "kuwana", "clinic"])
@pytest.mark.parametrize("size", ["A4", "A3"])
def test_poster_fills_its_page(key: str, size: str, tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(build("notice", key, size=size))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == 1  # one sheet
    img = Image.open(pages[0]).convert("L")
    w, h = img.size
    rows = [y for y in range(h) if any(img.getpixel((x, y)) < 200 for x in range(0, w, 2))]
    assert rows and rows[-1] > 0.75 * h, "the lower part of the poster is blank"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
@pytest.mark.parametrize("key", ["tokyo", "osaka", "clinic"])
def test_every_document_renders_without_a_page_holding_one_stray_line(pdfs: dict[tuple[str, str], bytes], key: str,
                                                                      tmp_path: Path) -> None:
    for kind_id in [k for k in fitting(key) if k != "notice"]:
        text = poppler_text(pdfs[(kind_id, key)], tmp_path)
        pages = text.split("\f")
        for page in pages[:-1] if not pages[-1].strip() else pages:
            body = [line for line in page.splitlines() if line.strip()]
            assert len(body) > 3, f"{kind_id}: a page holds only {body}"


def test_docx_has_page_numbers_restarting_lists_and_japanese_heading_fonts() -> None:
    d = DocxDocument(io.BytesIO(build("manual", "kuwana", "docx")))
    footer_xml = d.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    numbered = [p for p in d.paragraphs if p.style.name == "List Number"]
    ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(ids) > 5  # each numbered list is its own, starting at 1
    for name in ("Heading 1", "Heading 2", "Title"):
        fonts = d.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "IPAexGothic" and fonts.get(qn("w:eastAsiaTheme")) is None


def test_lease_clause_says_how_leases_and_bylaws_may_change(pdfs: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    text = flat(poppler_text(pdfs[("clauses-lease", "kuwana")], tmp_path))
    assert "借主の同意を得なければ変更できません" in text and "集会の決議" in text and "賃貸人の委任" in text
    # and the clauses offered to a clinic are not a refusal-of-service clause (the duty to treat)
    assert "clauses-terms" not in fitting("clinic") and "clauses-lease" not in fitting("clinic")


def test_report_names_forcible_obstruction_and_the_threat_where_the_facts_show_them(
        pdfs: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    text = flat(poppler_text(pdfs[("incident-report", "clinic")], tmp_path))
    # banging the counter and shouting stopped the reception (reported): forcible obstruction of business;
    # "I'll post it and ruin this clinic" was screened as a threat and confirmed by the reception
    assert "刑法第234条威力業務妨害" in text and "刑法第222条脅迫" in text
    section = text.split("刑法第234条威力業務妨害")[1].split("刑法第")[0]
    assert "法定刑:" in section and "確認すべき構成要件" in section
