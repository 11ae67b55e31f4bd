"""The result shape, evidence spans in the original text, languages and the judgment's Screener hook."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara.findings import ScreenFinding
from kasuhara.screen import detect_lang, screen_findings, screen_text, screen_texts
from kasuhara.screen.core import MAX_CHARS


def test_result_shape() -> None:
    d = screen_text("土下座しろ").to_dict()
    assert set(d) >= {"text", "lang", "flagged", "score", "behaviours"}
    b = d["behaviours"][0]
    assert set(b) >= {"id", "score", "evidence", "reason"}
    assert set(b["reason"]) == {"ja", "en"}
    assert 0.0 <= d["score"] <= 1.0


def test_evidence_is_a_span_of_the_original_even_after_normalisation() -> None:
    text = "おい、ｼﾈ！！！ お前なんか"
    result = screen_text(text)
    spans = [e for b in result.behaviours for e in b.evidence]
    assert spans
    for e in spans:
        assert text[e.start : e.end] == e.text
    assert any(e.text == "ｼﾈ" for e in spans)


def test_reason_quotes_the_words_as_written() -> None:
    result = screen_text("ｺﾛｽぞ")
    assert result.flagged
    assert "ｺﾛｽ" in result.behaviours[0].reason.ja


def test_language_detection() -> None:
    assert detect_lang("返金してください") == "ja"
    assert detect_lang("please refund me") == "en"
    assert detect_lang("このiPhoneが壊れた") == "ja"
    assert screen_text("hello", lang="ja").lang == "ja"


def test_batch_matches_single() -> None:
    texts = ["土下座しろ", "ありがとう", "you are an idiot"]
    batch = screen_texts(texts)
    assert [r.to_dict() for r in batch] == [screen_text(t).to_dict() for t in texts]


def test_long_text_is_windowed_and_evidence_offsets_stay_global() -> None:
    text = "あ" * 5000 + "土下座しろ" + "い" * 5000
    result = screen_text(text)
    assert "forced_kneeling" in result.behaviour_ids()
    e = result.behaviours[0].evidence[0]
    assert text[e.start : e.end] == e.text and e.start >= 5000


def test_text_beyond_the_cap_is_marked_truncated() -> None:
    result = screen_text("あ" * (MAX_CHARS + 10))
    assert result.to_dict().get("truncated") is True


def test_screen_findings_is_the_judgments_screener() -> None:
    findings = screen_findings(["ありがとうございます", "誠意を見せろ、土下座しろ"])
    assert all(isinstance(f, ScreenFinding) for f in findings)
    assert {f.behaviour_id for f in findings} == {"excessive_demand", "forced_kneeling"}
    assert {f.utterance_index for f in findings} == {1}
    assert all(f.evidence and f.reason.ja and f.reason.en for f in findings)


_ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300)


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT)
def test_any_text_gives_a_well_formed_result(text: str) -> None:
    result = screen_text(text)
    assert 0.0 <= result.score <= 1.0
    for b in result.behaviours:
        for e in b.evidence:
            assert 0 <= e.start <= e.end <= len(text)
            assert text[e.start : e.end] == e.text


def test_unpaired_surrogates_do_not_crash() -> None:
    assert screen_text("\ud800土下座しろ").flagged
