"""Screening a pasted transcript on the report page: suggestions highlighted, explained, decided.

The transcript goes through `kasuhara.services.screening.screen_transcript`, the function the
saved case and its judgment use, so the page shows exactly the findings the case will get: one
suggestion per behaviour, in the judgment's order, each with the words it rests on, whether a
rule or only the model found it (「要確認」), and the reporter's decision (confirm / reject).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kasuhara.services.screening import MAX_TEXT, screen_transcript
from kasuhara.web.i18n import Translator

__all__ = ["DECISION_PREFIX", "MAX_TEXT", "decisions_from", "screen_view", "segments"]

DECISION_PREFIX = "screen_"
"""Form field `screen_<behaviour id>` = `confirm` | `reject` (empty: not decided)."""


def _labels() -> dict[str, Mapping[str, str]]:
    from kasuhara.knowledge import load_knowledge_base

    return {b.id: {"ja": b.label.ja, "en": b.label.en} for b in load_knowledge_base().behaviours}


def decisions_from(form: Mapping[str, Any] | Any) -> dict[str, str]:
    """The reporter's decisions from a submitted form (unknown values dropped)."""
    out: dict[str, str] = {}
    for key in form:
        if isinstance(key, str) and key.startswith(DECISION_PREFIX):
            value = form.get(key)
            if value in ("confirm", "reject"):
                out[key.removeprefix(DECISION_PREFIX)[:60]] = str(value)
    return out


def screen_view(text: str, t: Translator, decisions: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """Segments of the text (plain or flagged with footnote numbers) and one finding per behaviour.

    None when no screener is installed. Overlapping evidence spans merge into one mark that lists
    every behaviour it supports.
    """
    try:
        lines, screened = screen_transcript(text)
    except ImportError:
        return None
    text = text[:MAX_TEXT]
    decisions = decisions or {}
    labels = _labels()
    groups: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, int]] = []  # start, end, finding number
    for line, result in zip(lines, screened.results, strict=True):
        for item in result.behaviours:
            group = groups.get(item.id)
            if group is None:
                group = groups[item.id] = {
                    "number": len(groups) + 1, "id": item.id,
                    "label": t.message(labels.get(item.id)) or item.id,
                    "score": 0.0, "sources": set(), "reasons": [], "evidence": [],
                    "decision": decisions.get(item.id, ""), "field": DECISION_PREFIX + item.id,
                }
            group["score"] = max(group["score"], round(float(item.score), 2))
            group["sources"].add(item.source)
            group["reasons"].append((item.source, t.message({"ja": item.reason.ja, "en": item.reason.en})))
            for ev in item.evidence:
                start, end = line.start + ev.start, line.start + ev.end
                if 0 <= start < end <= len(text):
                    spans.append((start, end, group["number"]))
                    if ev.text not in group["evidence"]:
                        group["evidence"].append(ev.text)
    findings = []
    for group in groups.values():
        source = "rule" if "rule" in group.pop("sources") else "model"
        reasons = [r for s, r in group.pop("reasons") if s == source]
        findings.append({**group, "source": source, "needs_review": source != "rule", "reason": reasons[0] if reasons else ""})
    return {
        "segments": segments(text, spans),
        "findings": findings,
        "flagged": any(r.flagged for r in screened.results),
        "score": round(max((float(r.score) for r in screened.results), default=0.0), 2),
        "screener_version": screened.version,
    }


def segments(text: str, spans: Sequence[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Split `text` into plain and flagged pieces; overlapping spans merge and keep all numbers."""
    merged: list[list[Any]] = []
    for start, end, number in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if number not in merged[-1][2]:
                merged[-1][2].append(number)
        else:
            merged.append([start, end, [number]])
    out: list[dict[str, Any]] = []
    position = 0
    for start, end, numbers in merged:
        if start > position:
            out.append({"text": text[position:start], "flag": False, "numbers": []})
        out.append({"text": text[start:end], "flag": True, "numbers": sorted(numbers)})
        position = end
    if position < len(text):
        out.append({"text": text[position:], "flag": False, "numbers": []})
    return out
