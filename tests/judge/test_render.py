"""The text rendering: Japanese first, English on request, legal text kept exact."""

from __future__ import annotations

from datetime import date

from kasuhara.judge import judge, parse_facts, render_text

FACTS = {
    "occurred_at": "2025-05-31",
    "location": {"prefecture": "東京都"},
    "channel": "in_person",
    "demand": {"kind": "refund", "validity": "invalid"},
    "behaviours": ["verbal_abuse"],
    "public": True,
    "utterances": ["ばか"],
}


def assessment():  # type: ignore[no-untyped-def]
    return judge(parse_facts(FACTS, today=date(2026, 11, 23)), screener=None)


def test_japanese_text() -> None:
    text = render_text(assessment(), "ja")
    assert "判定: カスタマーハラスメント" in text
    assert "刑法第231条 侮辱" in text
    assert "一年以下の懲役若しくは禁錮若しくは三十万円以下の罰金又は拘留若しくは科料" in text
    assert "告訴が必要" in text
    assert "東京都カスタマー・ハラスメント防止条例" in text
    assert "未判定" in text
    assert "判断の経過" in text


def test_english_text_keeps_legal_wording_and_glosses_it() -> None:
    text = render_text(assessment(), "en")
    assert "Determination: customer harassment" in text
    assert "Penal Code art. 231 insult" in text
    assert "一年以下の懲役若しくは禁錮" in text and "up to 1 year" in text
    assert "How the judgment was reached" in text


def test_trace_can_be_left_out() -> None:
    assert "判断の経過" not in render_text(assessment(), "ja", with_trace=False)
