"""Turning a closed case into a case study for training: personal data removed.

Removes what identifies a person: the names the case file knows (customer, staff, witnesses),
any name followed by an honorific (田中様, 山田さん, Mr. Smith), phone numbers, e-mail
addresses, postal codes and street addresses, URLs and account handles. Each kind is replaced by a
neutral label (〔氏名〕, 〔電話番号〕, ...) so the story still reads. It cannot catch everything free
text may hide, so a person reviews the result before it is published; the review is recorded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

LABELS: dict[str, tuple[str, str]] = {
    "name": ("〔氏名〕", "[name]"),
    "phone": ("〔電話番号〕", "[phone]"),
    "email": ("〔メールアドレス〕", "[email]"),
    "postcode": ("〔郵便番号〕", "[postcode]"),
    "address": ("〔住所〕", "[address]"),
    "url": ("〔URL〕", "[url]"),
    "handle": ("〔アカウント〕", "[account]"),
}

_KANJI_KANA = r"[一-龥々〆ヵヶぁ-んァ-ヴー]"
_PREFECTURES = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|神奈川県|"
    "新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|大阪府|兵庫県|"
    "奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|"
    "熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("url", re.compile(r"https?://\S+")),
    ("handle", re.compile(r"(?<![A-Za-z0-9])@[A-Za-z0-9_]{2,30}")),
    ("phone", re.compile(r"(?<!\d)(?:\+81[\s-]?|0)\d{1,4}[\s\-(]?\d{1,4}[\s\-)]?\d{3,4}(?!\d)")),
    ("postcode", re.compile(r"〒?\s?(?<!\d)\d{3}-\d{4}(?!\d)")),
    (
        "address",
        re.compile(
            rf"(?:{_PREFECTURES})?{_KANJI_KANA}{{1,6}}[市区町村郡]{_KANJI_KANA}{{0,8}}"
            r"(?:\d+丁目|\d+(?:-\d+){1,3}|\d+番地?\d*号?)"
            rf"|(?:{_PREFECTURES}){_KANJI_KANA}{{1,6}}[市区町村郡]"
        ),
    ),
    ("name", re.compile(rf"{_KANJI_KANA}{{1,6}}(?=(?:さん|様|さま|氏|君|くん|ちゃん|殿|先生))")),
    ("name", re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")),
)


@dataclass(frozen=True)
class Anonymised:
    text: str
    removed: dict[str, int]


def anonymise(text: str, *, known_names: Iterable[str] = (), lang: str = "ja") -> Anonymised:
    """Replace personal data in `text`; `known_names` are removed wherever they appear."""
    idx = 1 if lang == "en" else 0
    result = unicodedata.normalize("NFKC", text)
    removed: dict[str, int] = {}
    names = sorted({unicodedata.normalize("NFKC", n).strip() for n in known_names if n.strip()}, key=len, reverse=True)
    parts: list[str] = []
    for name in names:
        parts.append(re.escape(name))
        parts.extend(re.escape(piece) for piece in re.split(r"[\s　]+", name) if len(piece) >= 2)
    if parts:
        pattern = re.compile("|".join(sorted(set(parts), key=len, reverse=True)))
        result, count = pattern.subn(LABELS["name"][idx], result)
        if count:
            removed["name"] = count
    for kind, regex in PATTERNS:
        result, count = regex.subn(LABELS[kind][idx], result)
        if count:
            removed[kind] = removed.get(kind, 0) + count
    return Anonymised(text=result, removed=removed)
