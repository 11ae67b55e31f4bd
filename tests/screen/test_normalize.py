"""Normalisation: the evasions people use to slip past keyword filters, and the map back to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara.screen.normalize import fold_kana, normalize, normalize_with_offsets


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ｼﾈ", "死ね"),  # half-width katakana
        ("タヒね", "死ね"),  # 死 split into タ + ヒ
        ("氏ね", "死ね"),
        ("し ね", "しね"),  # a space inside the word
        ("し.ね", "しね"),
        ("死ねーーーーー", "死ねー"),  # stretched
        ("ふざけんなっっっ", "ふざけんなっ"),
        ("バカ！！！！", "バカ!"),  # full-width punctuation, repeated
        ("Ｆ Ｕ Ｃ Ｋ you", "fuck you"),  # full-width and spaced out
        ("s.h.i.t", "shit"),
        ("b1tch", "bitch"),  # leetspeak inside a word
        ("soooo stupid", "soo stupid"),
        ("コロス", "殺ス"),
        ("１００万円払え", "100万円払え"),  # digits are never collapsed
        ("ゴ三", "ゴミ"),  # kanji look-alike after katakana
        ("バ力", "バカ"),
        ("korosu", "殺す"),  # romaji
        ("k-i-l-l", "kill"),
        ("sh00t", "shoot"),
    ],
)
def test_evasions_are_undone(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("word", ["シネマ", "殺虫剤", "田中さん", "1000000円", "三回目", "口コミ", "2000"])
def test_ordinary_words_are_left_alone(word: str) -> None:
    assert normalize(word) == word.lower()


def test_fold_kana_keeps_length_and_unifies_scripts() -> None:
    assert fold_kana("バカ") == fold_kana("ばか") == "ばか"
    assert len(fold_kana("コロスぞ")) == len("コロスぞ")


def test_offsets_point_into_the_original() -> None:
    raw = "おい　ｼﾈ！！！"
    n = normalize_with_offsets(raw)
    i = n.text.index("死ね")
    start, end = n.span(i, i + 2)
    assert raw[start:end] == "ｼﾈ"


_TEXT = st.text(
    alphabet=st.sampled_from(list("あいうえおしねかなカナシネタヒ死殺氏ー!！ 　.・abcxyz01ｶﾞｼﾈ、。")), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_fast_and_tracked_normalisation_agree(raw: str) -> None:
    tracked = normalize_with_offsets(raw)
    assert tracked.text == normalize(raw)
    assert len(tracked.starts) == len(tracked.text) == len(tracked.ends)
    assert all(0 <= s <= e <= len(raw) for s, e in zip(tracked.starts, tracked.ends, strict=True))
