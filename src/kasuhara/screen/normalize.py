"""Text normalisation that defeats the usual evasions, with a map back to the original text.

Evidence must point at what the customer actually wrote, so every step can track, for each
character of the normalised text, the span of the original it came from. Tracking costs time,
so the same steps also run without it (`normalize`) for the fast path; both run the very same
regular expressions and replacement functions, so they produce the same text.

Steps, in order:
1. NFKC (full/half width, ｶﾞ → ガ, ① → 1) and lower case;
2. spaced-out words put back together ("し ね", "し.ね", "f u c k", "s.h.i.t");
3. stretched and repeated characters shortened ("ーーー", "っっっ", "!!!!", "soooo");
4. look-alike substitutions (タヒね / 氏ね / ｼﾈ → 死ね, コロス → 殺す, b1tch → bitch).

Kana folding (katakana → hiragana) keeps the length, so it is a separate view (`fold_kana`)
used by the rules while the morphological analyser sees the script as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from kasuhara.screen.anchors import anchors_for

_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3005"  # hiragana, katakana, ー, 々
_CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_JA = _KANA + _CJK

# Separators people put inside a word to dodge a filter; 、 and 。 are real punctuation and stay.
_JA_SPACED = re.compile(rf"(?<=[{_JA}])[\s.\u30fb\uff65_*\-/|~+]+(?=[{_JA}])")
_LATIN_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .*_\-]){2,}[a-z](?![a-z])")
# Runs: prolonged marks, small tsu, punctuation, laughter marks collapse to one; other non-digit
# characters repeated three or more times collapse to one (two for Latin letters: "soooo" → "soo").
_MARK_RUN = re.compile(r"([ー〜~っッ!?！？.,、。…・])\1+")
_CHAR_RUN = re.compile(r"([^\d\sa-z])\1{2,}")
_LATIN_RUN = re.compile(r"([a-z])\1{2,}")
_SPACE_RUN = re.compile(r"\s{2,}")

_LEET = str.maketrans({"1": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s", "!": "i"})
_LATIN_LEET = re.compile(r"(?<=[a-z])[130@4$!]+(?=[a-z])")

# Look-alikes for 死ね and 殺す seen on Japanese SNS. Written as (pattern, replacement).
_SUBSTITUTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"タヒ(?=[ねんぬにね])"), "死"),
    (re.compile(r"(?<![\u30a1-\u30fa])シネ(?![\u30a1-\u30fa\u30fc])"), "死ね"),
    (re.compile(rf"(?<![{_CJK}])[氏市詩4４士師](?=ね(?:[よやばえぇー!?]|$|\s))"), "死"),
    (re.compile(r"(?<![\u30a1-\u30fa])コロ(?=[スサシセソ](?![\u30a1-\u30fa]))"), "殺"),
    (re.compile(r"(?<![\d])56(?=[すさしせそ])"), "殺"),
    (re.compile(r"頃(?=[すさしせそ])"), "殺"),
    (re.compile(r"dogeza|どげざ|ドゲザ"), "土下座"),
    # romaji spellings of the usual words
    (re.compile(r"(?<![a-z])bukkorosu(?![a-z])"), "ぶっ殺す"),
    (re.compile(r"(?<![a-z])korosu(?![a-z])"), "殺す"),
    (re.compile(r"(?<![a-z])koroshite(?![a-z])"), "殺して"),
    (re.compile(r"(?<![a-z])bakayarou?(?![a-z])"), "バカヤロウ"),
)

# Kanji that look like katakana, right after katakana (ゴ三 → ゴミ, バ力 → バカ, 夕ヒ → タヒ).
_LOOKALIKE = {"三": "ミ", "口": "ロ", "工": "エ", "力": "カ", "夕": "タ", "卜": "ト", "二": "ニ", "八": "ハ"}
_LOOKALIKE_RE = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[三口工力夕卜二八](?![\u4e00-\u9fff])")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, per character, the [start, end) span of the original it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering normalised characters [start, end)."""
        if end <= start or not self.text:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


_Replace = Callable[[re.Match[str]], str]


def _join_latin(m: re.Match[str]) -> str:
    return re.sub(r"[ .*_\-]", "", m.group())


def _leet(m: re.Match[str]) -> str:
    return m.group().translate(_LEET)


def _first(m: re.Match[str]) -> str:
    return m.group(1)


def _first_two(m: re.Match[str]) -> str:
    return m.group(1) * 2


def _empty(m: re.Match[str]) -> str:
    return ""


def _space(m: re.Match[str]) -> str:
    return " "


def _const(value: str) -> _Replace:
    def replace(m: re.Match[str]) -> str:
        return value

    return replace


def _lookalike(m: re.Match[str]) -> str:
    return _LOOKALIKE[m.group()]


_HAS_JA = re.compile(f"[{_JA}]")
_HAS_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
_HAS_LATIN = re.compile(r"[a-z]")

# (pattern, replacement, gate): a step runs only when its gate finds something, a necessary
# condition for the pattern to match, so skipping it never changes the result (and saves time).
_STEPS: tuple[tuple[re.Pattern[str], _Replace, re.Pattern[str] | None], ...] = (
    (_JA_SPACED, _empty, _HAS_JA),
    (_LOOKALIKE_RE, _lookalike, _HAS_KATAKANA),
    (_LATIN_SPACED, _join_latin, _HAS_LATIN),
    (_LATIN_LEET, _leet, _HAS_LATIN),
    (_MARK_RUN, _first, None),
    (_CHAR_RUN, _first, None),
    (_LATIN_RUN, _first_two, _HAS_LATIN),
    (_SPACE_RUN, _space, None),
    *((pattern, _const(value), None) for pattern, value in _SUBSTITUTIONS),
)



def _needs_non_ascii(pattern: re.Pattern[str], gate: re.Pattern[str] | None) -> bool:
    """True when the step cannot match ASCII text: its gate needs Japanese script, or every literal
    that each of its matches contains (see `kasuhara.screen.anchors`) has a non-ASCII character."""
    if gate is _HAS_JA or gate is _HAS_KATAKANA:
        return True
    anchors = anchors_for(pattern.pattern)
    return anchors is not None and not any(a.isascii() for a in anchors)


# The steps with, for each, whether it can be skipped on ASCII text (most English utterances).
_FAST_STEPS: tuple[tuple[re.Pattern[str], _Replace, re.Pattern[str] | None, bool], ...] = tuple(
    (pattern, replace, gate, _needs_non_ascii(pattern, gate)) for pattern, replace, gate in _STEPS
)

# Group gates: when a group's gate finds nothing in the text as it stands before the group, no step
# of the group can match (and none changes the text), so the whole group is skipped at once.
_RUN_STEPS = (_MARK_RUN, _CHAR_RUN, _LATIN_RUN)  # each needs a character repeated right after itself
_REPEAT = re.compile(r"(.)\1", re.DOTALL)


def _any_literal(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """A regex finding any anchor of any of `patterns`, or None if one of them has no anchors."""
    found: set[str] = set()
    for pattern in patterns:
        anchors = anchors_for(pattern.pattern)
        if anchors is None:
            return None
        found |= anchors
    return re.compile("|".join(re.escape(a) for a in sorted(found, key=lambda a: (-len(a), a))))


def _groups() -> dict[int, tuple[re.Pattern[str], int]]:
    """Step index -> (gate, index of the first step after the group)."""
    patterns = [step[0] for step in _STEPS]
    runs = patterns.index(_RUN_STEPS[0])
    assert tuple(patterns[runs : runs + len(_RUN_STEPS)]) == _RUN_STEPS
    groups = {runs: (_REPEAT, runs + len(_RUN_STEPS))}
    subs = len(_STEPS) - len(_SUBSTITUTIONS)  # the substitutions come last
    gate = _any_literal(tuple(patterns[subs:]))
    if gate is not None:
        groups[subs] = (gate, len(_STEPS))
    return groups


_GROUPS = _groups()

_KATA_TO_HIRA = str.maketrans({chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F7)})


def _nfkc_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def normalize(text: str) -> str:
    """Normalised text without offsets: the fast path."""
    out = _nfkc_lower(text)
    ascii_only = out.isascii()
    index = 0
    while index < len(_FAST_STEPS):
        group = _GROUPS.get(index)
        if group is not None and group[0].search(out) is None:
            index = group[1]
            continue
        pattern, replace, gate, needs_non_ascii = _FAST_STEPS[index]
        index += 1
        if ascii_only and needs_non_ascii:
            continue
        if gate is None or gate.search(out):
            out = pattern.sub(replace, out)
            ascii_only = ascii_only and out.isascii()  # a step may bring in non-ASCII (dogeza → 土下座)
    return out.strip()


_CLUSTER = re.compile(r".[\u0300-\u036f\u3099\u309a\uff9e\uff9f\u20d0-\u20ff\ufe00-\ufe0f]*", re.DOTALL)


def normalize_with_offsets(text: str) -> Normalized:
    """Normalised text and, per character, where it came from in `text` (for evidence spans)."""
    whole = _nfkc_lower(text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    if len(whole) == len(text) and unicodedata.is_normalized("NFKC", text):
        chars = list(whole)
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:
        for m in _CLUSTER.finditer(text):
            piece = _nfkc_lower(m.group())
            chars.extend(piece)
            starts.extend([m.start()] * len(piece))
            ends.extend([m.end()] * len(piece))
    current = "".join(chars)
    for pattern, replace, gate in _STEPS:
        if gate is None or gate.search(current):
            current, starts, ends = _apply(pattern, replace, current, starts, ends)
    # strip, keeping the map aligned
    left = len(current) - len(current.lstrip())
    right = len(current.rstrip())
    return Normalized(current[left:right], tuple(starts[left:right]), tuple(ends[left:right]))


def _apply(
    pattern: re.Pattern[str], replace: _Replace, text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        pieces.append(text[last:a])
        new_starts.extend(starts[last:a])
        new_ends.extend(ends[last:a])
        out = replace(m)
        if out:
            lo = starts[a] if a < b else (starts[a] if a < len(starts) else (ends[-1] if ends else 0))
            hi = ends[b - 1] if a < b else lo
            if len(out) == b - a:  # same length: keep the per-character map
                new_starts.extend(starts[a:b])
                new_ends.extend(ends[a:b])
            else:
                new_starts.extend([lo] * len(out))
                new_ends.extend([hi] * len(out))
            pieces.append(out)
        last = b
    if last == 0 and not pieces:
        return text, starts, ends
    pieces.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(pieces), new_starts, new_ends


def fold_kana(text: str) -> str:
    """Katakana → hiragana, same length, so rules need one spelling (バカ/ばか, コロス/ころす)."""
    return text.translate(_KATA_TO_HIRA)
