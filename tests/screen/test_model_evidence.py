"""Evidence a supervisor can show: model-only flags point at whole words, never at n-gram shards."""

from __future__ import annotations

import pytest

from kasuhara.screen import screen_text
from kasuhara.screen.core import _widen_to_words


@pytest.mark.parametrize(
    ("text", "span", "shown"),
    [
        ("see your face", (4, 6), "your"),      # "yo" inside "your"
        ("see your face", (7, 10), "your face"),  # "r f" across a space: both words
        ("ゴラァ出せ", (0, 1), "ゴラァ"),         # a katakana word is taken whole
        ("責任者出せ", (1, 3), "任者"),           # kanji has no visible word edges: unchanged
        ("  hi  ", (0, 6), "hi"),               # spaces trimmed
    ],
)
def test_spans_widen_to_whole_words(text: str, span: tuple[int, int], shown: str) -> None:
    a, b = _widen_to_words(text, *span)
    assert text[a:b] == shown


@pytest.mark.parametrize(
    "utterance",
    [
        "I'll be posting this video of you on TikTok, everyone will see your face.",
        "You people are all the same, useless the lot of you.",
        "Nice legs, what time do you get off work?",
    ],
)
def test_evidence_never_cuts_into_an_english_word(utterance: str) -> None:
    result = screen_text(utterance, lang="en")
    for behaviour in result.behaviours:
        texts = [e.text for e in behaviour.evidence]
        assert len(texts) == len(set(texts)), texts
        for e in behaviour.evidence:
            assert utterance[e.start:e.end] == e.text
            assert e.start == 0 or not utterance[e.start - 1].isalnum(), e.text
            assert e.end == len(utterance) or not utterance[e.end].isalnum(), e.text
