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


def ja_frag_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, encoding: str = "utf8") -> Any:
    """Split fragments into lines, character by character, with kinsoku at both ends of a line."""
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
        return ja_frag_split(self.frags, list(maxWidths), auto not in ("", "off"))
