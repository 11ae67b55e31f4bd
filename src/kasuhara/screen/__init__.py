"""Screening: Japanese and English utterances to harassment behaviours, with evidence and reasons.

Public API (a contract, see docs/ARCHITECTURE.md):
- `screen_text(text, lang="auto") -> ScreenResult`
- `screen_texts(texts, lang="auto") -> list[ScreenResult]`
- `screen_conversation(turns) -> ConversationResult`
- `screen_findings(utterances) -> list[ScreenFinding]`, the judgment's `Screener`.
"""

from __future__ import annotations

from kasuhara.screen.conversation import ConversationResult, Turn, parse_transcript, screen_conversation
from kasuhara.screen.core import (
    BehaviourResult,
    Evidence,
    ScreenResult,
    detect_lang,
    screen_findings,
    screen_text,
    screen_texts,
)
from kasuhara.screen.rules import BEHAVIOURS

__all__ = [
    "BEHAVIOURS",
    "BehaviourResult",
    "ConversationResult",
    "Evidence",
    "ScreenResult",
    "Turn",
    "detect_lang",
    "parse_transcript",
    "screen_conversation",
    "screen_findings",
    "screen_text",
    "screen_texts",
]
