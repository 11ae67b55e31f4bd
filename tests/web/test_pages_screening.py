"""Highlighting a screened transcript: spans become marks, overlaps merge, nothing is lost."""

from __future__ import annotations

from kasuhara.web.i18n import Translator
from kasuhara.web.pages._screening import screen_view, segments


def test_segments_keep_every_character_in_order() -> None:
    text = "ふざけるな、土下座しろ。"
    parts = segments(text, [(0, 5, 1), (6, 11, 2)])
    assert "".join(p["text"] for p in parts) == text
    assert [(p["text"], p["numbers"]) for p in parts if p["flag"]] == [("ふざけるな", [1]), ("土下座しろ", [2])]


def test_overlapping_spans_merge_and_keep_both_numbers() -> None:
    parts = segments("abcdefgh", [(1, 4, 2), (2, 6, 1), (2, 3, 2)])
    assert parts == [
        {"text": "a", "flag": False, "numbers": []},
        {"text": "bcdef", "flag": True, "numbers": [1, 2]},
        {"text": "gh", "flag": False, "numbers": []},
    ]


def test_screen_view_explains_in_the_page_language() -> None:
    view = screen_view("土下座しろ", Translator("en"))
    assert view is not None
    from kasuhara.knowledge import load_knowledge_base

    finding = next(f for f in view["findings"] if f["id"] == "forced_kneeling")
    assert finding["label"] == load_knowledge_base().behaviour("forced_kneeling").label.en
    assert "kneel" in finding["reason"]
    assert finding["evidence"] == ["土下座しろ"]
    assert [p["text"] for p in view["segments"] if p["flag"]] == ["土下座しろ"]
    japanese = screen_view("土下座しろ", Translator("ja"))
    assert japanese is not None and japanese["findings"][0]["label"] == "土下座の要求"


def test_harmless_text_has_no_marks() -> None:
    view = screen_view("本日はありがとうございました。また来ます。", Translator("ja"))
    assert view is not None and view["findings"] == []
    assert not any(p["flag"] for p in view["segments"])
