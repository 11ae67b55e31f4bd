"""Notices for shop fronts (A4 and A3 posters) and the phone announcement script."""

from __future__ import annotations

from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind, no_variables
from kasuhara.errors import Message

A4_TILES = (
    "physical_attack", "threat", "verbal_abuse", "intimidation", "forced_kneeling", "refusal_to_leave",
    "prolonged_restraint", "sexual", "discriminatory", "attack_on_individual", "sns_exposure", "unauthorized_filming",
)
"""What an A4 poster lists (twelve, large enough to read from two metres); A3 lists every one."""


def _poster_variables(inp: BuildInput) -> dict[str, Any]:
    law = inp.legal()
    shown = [b for b in law.behaviours if b.regardless_of_demand and (inp.size == "A3" or b.id in A4_TILES)]
    return {"law": law, "tiles": shown}


KINDS = (
    DocumentKind(
        id="notice",
        title=Message("店頭掲示（カスタマーハラスメントはお断りします）", "Shop-front notice"),
        description=Message("店頭・窓口に掲示するポスター（A4・A3）", "Poster for shop fronts and counters (A4, A3)"),
        template="notice",
        variables=_poster_variables,
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
