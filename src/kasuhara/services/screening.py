"""One screening result everywhere: the report page, the saved case, the judgment, the documents.

A pasted transcript is split into utterances by `transcript_lines` (the same rule the report form
uses for the facts), each utterance is screened on its own by `kasuhara.screen.screen_texts`,
and the results become the judgment's findings through `kasuhara.findings.findings_from_results`
(the translation `kasuhara.judge`'s default screener uses too). Whatever screens a case goes
through here, so the page a clerk saw and the judgment stored cannot diverge; the screener's
version is recorded with every stored result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kasuhara.findings import Screener, ScreenFinding, findings_from_results

MAX_TEXT = 20000
"""The longest transcript screened (characters); the form's limit too."""
MAX_UTTERANCES = 200
"""The most utterances a report keeps; later lines are neither screened nor judged."""


@dataclass(frozen=True)
class Line:
    """One utterance of a transcript and where it starts in the transcript (for highlighting)."""

    text: str
    start: int


def transcript_lines(text: str) -> list[Line]:
    """The utterances of a pasted transcript: one per non-blank line, trimmed, at most 200."""
    out: list[Line] = []
    position = 0
    for raw in text[:MAX_TEXT].splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            out.append(Line(stripped, position + raw.index(stripped[0])))
            if len(out) == MAX_UTTERANCES:
                break
        position += len(raw)
    return out


@dataclass(frozen=True)
class Screening:
    """The screening of a list of utterances: per-utterance results, the judgment's findings, version."""

    version: str
    utterances: tuple[str, ...]
    results: tuple[Any, ...]
    """`kasuhara.screen.ScreenResult` per utterance, in order."""
    findings: tuple[ScreenFinding, ...]

    def to_dict(self) -> dict[str, Any]:
        """What the stored judgment keeps: version, and each utterance's behaviours with evidence."""
        return {
            "screener_version": self.version,
            "results": [
                {"utterance_index": i, **{k: v for k, v in r.to_dict().items() if k != "text"}}
                for i, r in enumerate(self.results) if r.behaviours
            ],
        }


def screener_version() -> str:
    from kasuhara.screen.version import screener_version as version

    return version()


def screen_utterances(utterances: Sequence[str]) -> Screening:
    """Screen each utterance on its own; the one function every page and service calls."""
    texts = list(utterances)
    if not texts:
        return Screening(screener_version(), (), (), ())
    from kasuhara.screen import screen_texts

    results = tuple(screen_texts(texts))
    return Screening(screener_version(), tuple(texts), results, tuple(findings_from_results(results)))


def screen_transcript(text: str) -> tuple[list[Line], Screening]:
    """A pasted transcript as the report stores it (its utterances) and their screening."""
    lines = transcript_lines(text)
    return lines, screen_utterances([line.text for line in lines])


def screener_for(screening: Screening) -> Screener:
    """The judgment's `Screener` hook answering from a screening already made (no second run)."""
    def screener(utterances: Sequence[str]) -> Sequence[ScreenFinding]:
        if tuple(utterances) != screening.utterances:
            return screen_utterances(utterances).findings
        return screening.findings

    return screener
