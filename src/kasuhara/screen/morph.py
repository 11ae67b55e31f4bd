"""Japanese morphological analysis (SudachiPy + sudachidict_core), loaded once and only when needed.

The rules use it where a pattern alone cannot tell: whether a match is a word of its own
(殺虫剤 is not 殺す, バカンス is not バカ), and whether the verb it sits in is negated,
imperative or volitional. Sudachi costs ~15 µs a sentence, so it only runs on the few
utterances where a rule candidate matched (see `kasuhara.screen.rules`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_MAX_CHARS = 2000  # Sudachi's input is capped; callers analyse long texts in windows


@dataclass(frozen=True)
class Token:
    """One morpheme: character offsets into the analysed text, part of speech and conjugation."""

    begin: int
    end: int
    surface: str
    lemma: str
    pos: str
    pos2: str
    conj_form: str
    oov: bool = False  # not in the dictionary (a run of unknown katakana such as バカバカバカ)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of `text` (cached: conversations repeat themselves)."""
    text = text[:_MAX_CHARS]
    if not text:
        return ()
    with _LOCK:  # the Rust tokenizer object is not safe to share between threads
        morphemes = _tokenizer().tokenize(text)
        out = []
        for m in morphemes:
            pos = m.part_of_speech()
            out.append(
                Token(
                    begin=m.begin(),
                    end=m.end(),
                    surface=m.surface(),
                    lemma=m.dictionary_form(),
                    pos=pos[0],
                    pos2=pos[1],
                    conj_form=pos[5],
                    oov=m.is_oov(),
                )
            )
    return tuple(out)


def is_whole_word(tokens: tuple[Token, ...], start: int, end: int) -> bool:
    """True when [start, end) begins and ends on morpheme boundaries (not a piece of a longer word)."""
    begins = {t.begin for t in tokens}
    ends = {t.end for t in tokens}
    if start in begins and (end in ends or end >= (tokens[-1].end if tokens else 0)):
        return True
    # inside a word the dictionary does not know (バカバカバカ…): no edges to respect
    return any(t.oov and t.begin <= start and end <= t.end for t in tokens)


_CONJUGATING = {"動詞", "形容詞", "助動詞", "助詞"}


def is_aligned(tokens: tuple[Token, ...], start: int, end: int) -> bool:
    """True when [start, end) is made of words of the text, not a piece cut out of another word.

    It must begin where a morpheme begins (組 is not in 番組) and end where one ends, or inside a
    verb, adjective, auxiliary or particle (a pattern stops at a stem: 殺, 撮っ, ばっか); ending inside a noun or any
    other word is a shard (おし of おしゃれ, 乳 of 乳白色 is fine but いたいめ of いたイメージ is not).
    A word the dictionary does not know (バカバカバカ…) has no edges to respect.
    A match that is one interjection and nothing else (いえいえ, あらあら) says nothing either.
    """
    if not tokens:
        return True
    if not any(t.begin == start for t in tokens):
        return False
    inside = [t for t in tokens if t.begin < end and t.end > start]
    if inside and all(t.pos == "感動詞" for t in inside) and inside[-1].end == end:
        return False
    last = inside[-1] if inside else None
    if last is None or last.end == end or end >= tokens[-1].end:
        return True
    return last.pos in _CONJUGATING or last.oov


_NEGATORS = {"ない", "ぬ", "ず", "ん", "ねえ", "ねー", "へん", "ひん"}
_SKIP = {"て", "で", "は", "も", "なんて", "なんか", "たり", "だり", "など", "とか", "し", "ませ", "られ", "れ", "せ"}


def is_negated(tokens: tuple[Token, ...], end: int) -> bool:
    """True when the predicate ending at `end` is negated (殺したりしない, 書きません, 帰らへん is handled by the rule)."""
    following = [t for t in tokens if t.begin >= end][:5]
    for t in following:
        if t.pos == "補助記号" or t.pos2 == "終助詞":
            return False
        if (t.pos in {"助動詞", "形容詞"} and t.lemma in _NEGATORS) or t.surface in _NEGATORS:
            # 〜じゃないか / 〜ないと is not a denial
            return True
        if t.surface in _SKIP or t.lemma in {"する", "いる", "居る", "ます", "れる", "られる"}:
            continue
        return False
    return False


def is_command_or_will(tokens: tuple[Token, ...], start: int, end: int) -> bool:
    """True when the verb at [start, end) is imperative, volitional or followed by てやる/ぞ/からな."""
    inside = [t for t in tokens if t.begin < end and t.end > start]
    if any(t.conj_form.startswith(("命令形", "意志推量形")) for t in inside):
        return True
    following = [t for t in tokens if t.begin >= end][:4]
    tail = "".join(t.surface for t in following)
    if tail.startswith(("たろ", "たる", "ちゃる", "ちゃろ", "てやる", "てやろ", "たれ", "てまう", "たらあ")):
        return True
    for t in following:
        if t.conj_form.startswith(("命令形", "意志推量形")):
            return True
        if t.lemma in {"やる", "遣る", "くれる", "ぞ", "ぜ", "ぞい", "よ", "ちゃう", "ちまう"} or t.surface in {
            "ぞ", "ぜ", "からな", "たる", "たろ", "ちゃる", "ちゃろ", "たろか", "けん", "で", "ど", "わ"
        }:
            return True
        if t.pos == "補助記号":
            return False
    return False
