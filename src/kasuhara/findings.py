"""What screening hands to the judgment: the contract between `kasuhara.screen` and `kasuhara.judge`.

Kept in its own module so neither side imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kasuhara.errors import Message

SOURCES = ("rule", "model")
"""`rule`: matched an explained pattern; `model`: the statistical model alone (shown as 「要確認」)."""


@dataclass(frozen=True)
class ScreenFinding:
    """One behaviour seen in one utterance, with the words that triggered it and why.

    `source` says whether a rule (explained words) or only the statistical model found it; a
    screener that does not say is taken as `model`, the kind a person must look at first.
    """

    behaviour_id: str
    score: float
    utterance_index: int
    evidence: str
    reason: Message
    source: str = "model"


Screener = Callable[[Sequence[str]], Sequence[ScreenFinding]]
"""Screens a list of utterances; the judgment adds each finding as a suggestion (origin `screened`)."""


class _Span(Protocol):
    @property
    def text(self) -> str: ...


class _Behaviour(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def evidence(self) -> Sequence[_Span]: ...
    @property
    def reason(self) -> Message: ...
    @property
    def source(self) -> str: ...


class _Result(Protocol):
    @property
    def behaviours(self) -> Sequence[_Behaviour]: ...


def findings_from_results(results: Iterable[_Result]) -> list[ScreenFinding]:
    """Screening results (one per utterance, in order) as the judgment's findings: one per behaviour
    per utterance. The one translation used by the judgment, the pages and the snapshot."""
    findings: list[ScreenFinding] = []
    for index, result in enumerate(results):
        for b in result.behaviours:
            findings.append(ScreenFinding(
                behaviour_id=b.id,
                score=round(float(b.score), 4),
                utterance_index=index,
                evidence=" / ".join(e.text for e in b.evidence),
                reason=b.reason,
                source=b.source if b.source in SOURCES else "model",
            ))
    return findings
