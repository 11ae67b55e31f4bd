"""What flows through a live call: segments, flags, alerts, and the state of one call.

Everything here is plain data that round-trips through JSON (`to_dict`/`from_dict`), so a call's
state can sit in memory or in a broker and be picked up by another process mid-call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message

SPEAKERS = ("customer", "operator", "supervisor")
MAX_TEXT_CHARS = 2_000
"""A final segment longer than this is refused: speech-to-text systems cut turns far shorter."""
MAX_FIELD_CHARS = 200
CALL_ID_CHARS = 64


def field_problem(path: str, ja: str, en: str, allowed: tuple[str, ...] = ()) -> FieldProblem:
    return FieldProblem(path, Message(ja, en), allowed)


def check_call_id(call_id: str) -> str:
    """Call ids come from the telephony system: 1-64 letters, digits, `-`, `_`, `.`, `:`."""
    ok = 0 < len(call_id) <= CALL_ID_CHARS and all(c.isascii() and (c.isalnum() or c in "-_.:") for c in call_id)
    if not ok:
        raise InputError([field_problem("call_id", "通話IDは英数字と - _ . : の1〜64文字です",
                               "a call id is 1-64 letters, digits, '-', '_', '.' or ':'")])
    return call_id


@dataclass(frozen=True)
class Segment:
    """One transcript segment from a speech-to-text system; times are seconds from the call's start."""

    speaker: str
    text: str
    start: float
    end: float
    is_final: bool = True
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "start": self.start, "end": self.end,
                "is_final": self.is_final, "seq": self.seq}


def parse_segment(data: Any, *, path: str = "segment") -> Segment:
    """A segment from JSON, or an `InputError` naming each bad field."""
    if not isinstance(data, Mapping):
        raise InputError([field_problem(path, "オブジェクトが必要です", "must be an object")])
    problems: list[FieldProblem] = []
    allowed = ("type", "speaker", "text", "start", "end", "is_final", "seq")
    for key in data:
        if key not in allowed:
            problems.append(field_problem(f"{path}.{key}", "不明な項目です", "unknown field", allowed))
    speaker = data.get("speaker")
    if speaker not in SPEAKERS:
        problems.append(field_problem(f"{path}.speaker", "話者が不正です", "unknown speaker", SPEAKERS))
    text = data.get("text")
    if not isinstance(text, str):
        problems.append(field_problem(f"{path}.text", "文字列が必要です", "must be a string"))
        text = ""
    elif len(text) > MAX_TEXT_CHARS:
        problems.append(field_problem(f"{path}.text", f"長すぎます (上限 {MAX_TEXT_CHARS} 文字)",
                             f"too long (limit {MAX_TEXT_CHARS} characters)"))
    elif "\x00" in text:
        problems.append(field_problem(f"{path}.text", "NUL文字は使えません", "NUL characters are not allowed"))
    times: dict[str, float] = {}
    for key in ("start", "end"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems.append(field_problem(f"{path}.{key}", "0以上の秒数が必要です", "must be a number of seconds, at least 0"))
        else:
            times[key] = float(value)
    if len(times) == 2 and times["end"] < times["start"]:
        problems.append(field_problem(f"{path}.end", "終了が開始より前です", "end is before start"))
    is_final = data.get("is_final", True)
    if not isinstance(is_final, bool):
        problems.append(field_problem(f"{path}.is_final", "true か false が必要です", "must be true or false"))
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        problems.append(field_problem(f"{path}.seq", "0以上の整数が必要です", "must be a whole number, at least 0"))
    if problems:
        raise InputError(problems)
    return Segment(speaker=str(speaker), text=str(text).strip(), start=times["start"], end=times["end"],
                   is_final=bool(is_final), seq=seq)


@dataclass(frozen=True)
class CallInfo:
    """What `call.start` says about a call."""

    site_id: int
    operator: str = ""
    channel: str = "phone"
    customer_identifier: str = ""


def parse_call_start(data: Any, *, path: str = "call") -> CallInfo:
    if not isinstance(data, Mapping):
        raise InputError([field_problem(path, "オブジェクトが必要です", "must be an object")])
    problems: list[FieldProblem] = []
    allowed = ("type", "call_id", "site_id", "operator", "channel", "customer_identifier")
    for key in data:
        if key not in allowed:
            problems.append(field_problem(f"{path}.{key}", "不明な項目です", "unknown field", allowed))
    site = data.get("site_id")
    if isinstance(site, bool) or not isinstance(site, int) or site <= 0:
        problems.append(field_problem(f"{path}.site_id", "拠点IDが必要です", "a site id is required"))
    texts: dict[str, str] = {}
    for key, default in (("operator", ""), ("channel", "phone"), ("customer_identifier", "")):
        value = data.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS or "\x00" in value:
            problems.append(field_problem(f"{path}.{key}", f"{MAX_FIELD_CHARS}文字以内の文字列が必要です",
                                 f"must be a string of at most {MAX_FIELD_CHARS} characters"))
            value = default
        texts[key] = value.strip()
    if problems:
        raise InputError(problems)
    return CallInfo(site_id=int(site), operator=texts["operator"], channel=texts["channel"] or "phone",  # type: ignore[arg-type]
                    customer_identifier=texts["customer_identifier"])


@dataclass(frozen=True)
class Flag:
    """A behaviour the screener (or the loudness meter) suggests for one segment."""

    behaviour: str
    score: float
    reason: Message
    evidence: tuple[str, ...] = ()
    origin: str = "screened"
    source: str = "rule"  # the screener's: "rule" (its words matched a rule) or "model" (the model alone)

    def to_dict(self) -> dict[str, Any]:
        return {"behaviour": self.behaviour, "score": round(self.score, 4),
                "reason": {"ja": self.reason.ja, "en": self.reason.en},
                "evidence": list(self.evidence), "origin": self.origin, "source": self.source}


@dataclass
class CallState:
    """Everything known about one call. Mutated only by `kasuhara.live.machine`."""

    # to_dict() is on every commit to a remote bus: no deep copy (dataclasses.asdict copies all).

    call_id: str
    site_id: int
    operator: str
    channel: str
    customer_identifier: str
    customer_status: str  # "unknown" | "known" | "banned"
    started_at: float  # epoch seconds (server clock)
    time_limit_seconds: int
    status: str = "live"  # "live" | "ended"
    last_activity_at: float = 0.0
    ended_at: float | None = None
    end_reason: str = ""
    version: int = 0
    last_seq: int = -1
    last_final_start: float = 0.0
    segments: list[dict[str, Any]] = field(default_factory=list)
    partials: dict[str, str] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    end_requests: int = 0
    turns_after_end_request: int = 0
    demands: list[str] = field(default_factory=list)
    repeated_demands: int = 0
    loudness: dict[str, Any] = field(default_factory=dict)
    shouting_spans: list[list[float]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    taken_over_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-able data; it shares its lists with the state (serialise, do not mutate)."""
        return {f.name: getattr(self, f.name) for f in STATE_FIELDS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CallState:
        return cls(**dict(data))

    def clone(self) -> CallState:
        """A copy to work on: a failed input leaves the stored state as it was (segments are shared,
        never changed once appended)."""
        loud = dict(self.loudness)
        if "baseline_levels" in loud:
            loud["baseline_levels"] = list(loud["baseline_levels"])
        return replace(
            self, segments=list(self.segments), partials=dict(self.partials),
            alerts=[dict(a) for a in self.alerts], fired=list(self.fired), demands=list(self.demands),
            loudness=loud, shouting_spans=[list(s) for s in self.shouting_spans],
            decisions=list(self.decisions),
        )

    def duration(self, now: float) -> float:
        return max(0.0, (self.ended_at if self.ended_at is not None else now) - self.started_at)

    def risk(self) -> int:
        """Ordering on the board: open alerts weigh by severity, acknowledged ones less."""
        score = 0
        for alert in self.alerts:
            if "supervisor" in alert["notify"]:
                score += alert["severity"] * (10 if not alert.get("acknowledged_by") else 2)
            else:
                score += alert["severity"]
        return score

    def suggested_behaviours(self) -> list[dict[str, Any]]:
        """Each behaviour suggested during the call once, with the segments that show it."""
        out: dict[str, dict[str, Any]] = {}
        for seg in self.segments:
            for flag in seg.get("flags", []):
                item = out.setdefault(flag["behaviour"], {"behaviour": flag["behaviour"], "reason": flag["reason"],
                                                          "origin": flag["origin"], "segments": []})
                item["segments"].append(seg["seq"])
        if self.shouting_spans:
            out.setdefault("intimidation", {"behaviour": "intimidation", "reason": {"ja": "大声", "en": "shouting"},
                                            "origin": "loudness", "segments": []})
            out["intimidation"]["spans"] = [list(s) for s in self.shouting_spans]
        return list(out.values())

    def summary(self, now: float) -> dict[str, Any]:
        """What the board shows of a call (no transcript)."""
        return {
            "call_id": self.call_id, "site_id": self.site_id, "operator": self.operator, "channel": self.channel,
            "status": self.status, "customer_status": self.customer_status, "started_at": self.started_at,
            "duration_seconds": round(self.duration(now), 1), "time_limit_seconds": self.time_limit_seconds,
            "risk": self.risk(), "alerts": len(self.alerts),
            "open_alerts": sum(1 for a in self.alerts if "supervisor" in a["notify"] and not a.get("acknowledged_by")),
            "end_reason": self.end_reason, "taken_over_by": self.taken_over_by,
            "last_activity_at": self.last_activity_at, "customer_identifier": self.customer_identifier,
            "time_prompts": [k.split("|", 1)[1] for k in self.fired if k.split("|", 1)[1] in ("time_warning", "time_limit")],
            "last_alert": self.alerts[-1] if self.alerts else None,
        }


STATE_FIELDS = fields(CallState)
