"""Screening a pasted transcript on the report page: flagged words highlighted and explained.

Uses `kasuhara.screen.screen_text` (the screening engineer's module) when it is installed; the
page says so plainly when it is not, rather than pretending nothing was found.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kasuhara.web.i18n import Translator

MAX_TEXT = 20000


def _screen_function() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("kasuhara.screen")
    except ImportError:
        return None
    function = getattr(module, "screen_text", None)
    return function if callable(function) else None


def available() -> bool:
    return _screen_function() is not None


def _labels() -> dict[str, Mapping[str, str]]:
    from kasuhara.knowledge import load_knowledge_base

    return {b.id: {"ja": b.label.ja, "en": b.label.en} for b in load_knowledge_base().behaviours}


def screen_view(text: str, t: Translator) -> dict[str, Any] | None:
    """Segments of the text (plain or flagged with footnote numbers) and the explanations.

    None when no screener is installed. Overlapping evidence spans are merged into one mark that
    lists every behaviour it supports.
    """
    function = _screen_function()
    if function is None:
        return None
    text = text[:MAX_TEXT]
    result = function(text)
    data: Mapping[str, Any] = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    labels = _labels()
    findings: list[dict[str, Any]] = []
    spans: list[tuple[int, int, int]] = []  # start, end, finding number
    for item in data.get("behaviours", []) or []:
        if not isinstance(item, Mapping):
            continue
        number = len(findings) + 1
        behaviour_id = str(item.get("id", ""))
        reason = item.get("reason")
        evidence_texts = []
        for ev in item.get("evidence", []) or []:
            if not isinstance(ev, Mapping):
                continue
            start, end = int(ev.get("start", 0)), int(ev.get("end", 0))
            if 0 <= start < end <= len(text):
                spans.append((start, end, number))
                evidence_texts.append(text[start:end])
        findings.append(
            {
                "number": number,
                "id": behaviour_id,
                "label": t.message(labels.get(behaviour_id)) or behaviour_id,
                "score": round(float(item.get("score", 0.0)), 2),
                "reason": t.message(reason) if isinstance(reason, Mapping) else str(reason or ""),
                "evidence": evidence_texts,
            }
        )
    return {
        "segments": segments(text, spans),
        "findings": findings,
        "flagged": bool(data.get("flagged", bool(findings))),
        "score": round(float(data.get("score", 0.0) or 0.0), 2),
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
