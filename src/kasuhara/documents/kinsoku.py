"""Japanese line breaking (禁則処理) for the PDF writer.

reportlab's CJK wrapping already keeps a closing mark (、。」) off the start of a line by letting
it hang in the margin, but it lets an opening mark (「（) end a line and a second closing mark
(。」) start one. This paragraph class uses the same algorithm and, in addition, carries an
opening mark over to the next line and moves the break back before a run of closing marks. It is a
copy of reportlab's `cjkFragSplit` (reportlab 4.x, BSD licence) with that one rule added.
"""

from __future__ import annotations

from typing import Any
from unicodedata import category

from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.platypus.paragraph import (
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)

CANNOT_END = "（「『【〔［｛〈《([{‘“＜"
_FUZZ = 1e-6
_AFTER_OK = set("、。，．！？）」』】／・ 　:：")


def _hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _good_break(before: str, after: str) -> bool:
    """A place where a phrase may end: after punctuation, or where hiragana (a particle or an
    ending) gives way to kanji or katakana, so 土下座 or 従業員 is never cut in two."""
    if before in "おご" and not _hiragana(after):
        return False  # the honorific prefix stays with its word (お願い, ご要望)
    return before in _AFTER_OK or (_hiragana(before) and not _hiragana(after)) or after in "（「『【"


NO_BREAK_WORDS = (
    "引き取り", "取り扱い", "取り組み", "申し入れ", "申し訳", "問い合わせ", "受け付け", "立ち入り", "付き添い",
    "見直し", "話し合い", "言い方", "働き", "待ち伏せ", "付きまとい", "お願い", "お客様", "お引き取り", "ご意見", "ご要望", "お断り",
)
"""Words whose kana ending sits inside them (送り仮名): no break inside, as in 引き／取り."""


def _inside_words(chars: list[Any]) -> set[int]:
    """Positions p where a break between p-1 and p would cut one of NO_BREAK_WORDS."""
    text = "".join(str(c) for c in chars)
    inside: set[int] = set()
    for word in NO_BREAK_WORDS:
        start = text.find(word)
        while start >= 0:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    return inside


def _word_break(chars: list[Any], line_start: int, i: int, inside: set[int] | None = None) -> int:
    """Move a break back to the last good place in the second half of the line (words kept whole)."""
    inside = inside or set()

    def good(p: int) -> bool:
        return p not in inside and _good_break(str(chars[p - 1]), str(chars[p]))

    if i >= len(chars) or good(i):
        return i
    for p in range(i - 1, line_start + max(1, (i - line_start) // 2), -1):
        if good(p) and chars[p] not in ALL_CANNOT_START:
            return p
    return i


def ja_frag_split(
    frags: list[Any], max_widths: list[float], calc_bounds: bool, encoding: str = "utf8", *, whole_words: bool = False
) -> Any:
    """Split fragments into lines, character by character, with kinsoku at both ends of a line.

    `whole_words` (posters, headings set large) also keeps words whole: a line breaks only where a
    phrase may end, if there is such a place in the second half of the line."""
    chars: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            chars.extend(cjkU(t, f, encoding) for t in text)
        else:
            chars.append(cjkU(text, f, encoding))
    lines: list[Any] = []
    inside = _inside_words(chars) if whole_words else set()
    i = 0
    width_used = 0.0
    line_start = 0
    max_width = max_widths[0]
    n = len(chars)
    while i < n:
        u = chars[i]
        i += 1
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        width_used += w
        line_break = hasattr(u.frag, "lineBreak")
        if (width_used > max_width + _FUZZ and width_used > 0) or line_break:
            extra = max_width - width_used
            if not line_break:
                if ord(u) < 0x3000:
                    # inside a Latin word: back up to a space or to the last Japanese character
                    limit = (line_start + i) >> 1
                    for j in range(i - 1, limit, -1):
                        uj = chars[j]
                        if (uj and category(uj) == "Zs") or ord(uj) >= 0x3000:
                            k = j + 1
                            if k < i:
                                j = k + 1
                                extra += sum(chars[ii].width for ii in range(j, i))
                                w = chars[k].width
                                u = chars[k]
                                i = j
                                break
                # a character that may not start a line hangs in the margin; others go to the next line
                if u not in ALL_CANNOT_START and i > line_start + 1:
                    i -= 1
                    extra += w
                # two closing marks in a row (。」): only one may hang, so move the end back instead
                while i < n and i > line_start + 2 and chars[i] in ALL_CANNOT_START:
                    i -= 1
                    extra += chars[i].width
                # an opening mark may not end a line: carry it over too
                while i > line_start + 2 and chars[i - 1] in CANNOT_END:
                    i -= 1
                    extra += chars[i].width
                if whole_words:
                    moved = _word_break(chars, line_start, i, inside)
                    extra += sum(chars[k].width for k in range(moved, i))
                    i = moved
            lines.append(makeCJKParaLine(chars[line_start:i], max_width, width_used, extra, line_break, calc_bounds))
            try:
                max_width = max_widths[len(lines)]
            except IndexError:
                max_width = max_widths[-1]
            line_start = i
            width_used = 0.0
    if width_used > 0:
        lines.append(makeCJKParaLine(chars[line_start:], max_width, width_used, max_width - width_used, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


class JaParagraph(Paragraph):  # type: ignore[misc]
    """A Paragraph whose CJK wrapping applies kinsoku to both line ends."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return ja_frag_split(self.frags, list(maxWidths), auto not in ("", "off"),
                             whole_words=bool(getattr(self.style, "wholeWords", False)))
