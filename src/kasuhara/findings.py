"""What screening hands to the judgment: the contract between `kasuhara.screen` and `kasuhara.judge`.

Kept in its own module so neither side imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kasuhara.errors import Message


@dataclass(frozen=True)
class ScreenFinding:
    """One behaviour seen in one utterance, with the words that triggered it and why."""

    behaviour_id: str
    score: float
    utterance_index: int
    evidence: str
    reason: Message


Screener = Callable[[Sequence[str]], Sequence[ScreenFinding]]
"""Screens a list of utterances; the judgment adds each finding with origin `screened`."""
