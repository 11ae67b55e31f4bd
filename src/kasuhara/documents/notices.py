"""Notices for shop fronts (A4 and A3 posters) and the phone announcement script."""

from __future__ import annotations

from kasuhara.documents.base import DocumentKind, no_variables
from kasuhara.errors import Message

KINDS = (
    DocumentKind(
        id="notice",
        title=Message("店頭掲示（カスタマーハラスメントはお断りします）", "Shop-front notice"),
        description=Message("店頭・窓口に掲示するポスター（A4・A3）", "Poster for shop fronts and counters (A4, A3)"),
        template="notice",
        variables=no_variables,
        poster=True,
        not_for=("call_center",),  # no shop front: customers never see a poster
        sources="none",
        sizes=("A4", "A3"),
    ),
    DocumentKind(
        id="phone-script",
        title=Message("電話応対アナウンス・対応トーク", "Phone announcement and call script"),
        description=Message("着信時の録音案内と、長時間・暴言・繰り返し時の対応トーク", "Recording notice and scripts for long, abusive or repeated calls"),
        template="phone_script",
        variables=no_variables,
    ),
)
