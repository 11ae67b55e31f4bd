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


def test_every_judgment_says_it_is_not_legal_advice() -> None:
    for lang, words in (("ja", "警察・検察・裁判所"), ("en", "police, prosecutors and courts")):
        text = render_text(assessment(), lang, with_trace=False)
        assert words in text
    assert "警察・検察・裁判所" in assessment().to_dict()["disclaimer"]["ja"]


def test_penalty_period_before_the_kokinkei_change_is_shown_as_a_period() -> None:
    """A clause in force 2022-07-07 to 2025-05-31 is shown as that period, not as a start date."""
    text = render_text(assessment(), "ja")
    assert "（2022-07-07〜2025-05-31の行為に適用）" in text
    threat = dict(FACTS, behaviours=["threat"], demand={"kind": "none"})
    text = render_text(judge(parse_facts(threat, today=date(2026, 11, 23)), screener=None), "ja")
    assert "（2025-05-31までの行為に適用）" in text and "2020-06-01以降の行為に適用" not in text


def test_attempts_are_printed() -> None:
    extortion = dict(FACTS, behaviours=["threat"], demand={"kind": "compensation", "validity": "invalid"})
    a = judge(parse_facts(extortion, today=date(2026, 11, 23)), screener=None)
    assert "未遂も処罰されます（恐喝未遂、第250条）" in render_text(a, "ja")
    assert "the attempt is punishable (attempted extortion, 第250条)" in render_text(a, "en")
