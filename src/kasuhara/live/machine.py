"""The state machine of one live call: each input returns the events it caused.

Inputs are `start`, `add_segment` (with the screener's flags for it), `add_levels` (loudness of
audio windows), `tick` (the clock: time limit, idle close), `call_supervisor`, `decide` and
`end`. The alert policy says which trigger raises what; each trigger fires once per call (once
per behaviour for screened behaviours), so a reconnecting client or a second process applying the
same input never duplicates an alert. Segments carry a sequence number: one already applied is
acknowledged again and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kasuhara.errors import ConflictError, FieldProblem, InputError, Message
from kasuhara.live.loudness import update_loudness
from kasuhara.live.model import CallInfo, CallState, Flag, Segment
from kasuhara.live.policy import LivePolicy, Rule

Event = dict[str, Any]
DECISIONS = ("acknowledge", "join", "take_over", "end")
OPERATOR_REQUEST = Rule(
    id="operator_request", trigger="operator_request", notify=("supervisor",), severity=3, script="",
    reason=Message("担当者が責任者を呼んでいます", "The operator is calling the supervisor in"),
)
ENDED = Message("この通話はすでに終了しています", "this call has already ended")


def start(call_id: str, info: CallInfo, *, customer_status: str, now: float, time_limit_seconds: int,
          policy: LivePolicy) -> tuple[CallState, list[Event]]:
    state = CallState(
        call_id=call_id, site_id=info.site_id, operator=info.operator, channel=info.channel,
        customer_identifier=info.customer_identifier, customer_status=customer_status, started_at=now,
        time_limit_seconds=time_limit_seconds, last_activity_at=now,
    )
    events: list[Event] = [{"type": "call.start", "call_id": call_id, "summary": state.summary(now)}]
    if customer_status in ("banned", "known"):
        trigger = "banned_customer" if customer_status == "banned" else "known_customer"
        events += _fire(state, policy.rules_for(trigger), key=trigger, now=now, detail={})
    return _stamped(state, events)


def _stamped(state: CallState, events: list[Event]) -> tuple[CallState, list[Event]]:
    state.version += 1
    for event in events:
        event["version"] = state.version
    return state, events


def _live(state: CallState) -> None:
    if state.status != "live":
        raise ConflictError(ENDED)


def add_segment(state: CallState, segment: Segment, flags: Sequence[Flag], *, now: float,
                policy: LivePolicy) -> list[Event]:
    """Apply one segment. Partial ones are only shown; final ones are kept and checked."""
    _live(state)
    if segment.seq is not None and segment.seq <= state.last_seq:
        return []  # already applied (a client resending after a reconnect)
    if segment.is_final and segment.start + 0.001 < state.last_final_start:
        raise InputError([FieldProblem("segment.start", Message(
            f"時刻が前の確定区間 ({state.last_final_start:.2f}秒) より前です",
            f"starts before the previous final segment ({state.last_final_start:.2f} s)"))])
    state.last_activity_at = now
    if not segment.is_final:
        state.partials[segment.speaker] = segment.text
        if segment.seq is not None:
            state.last_seq = segment.seq
        _, shown = _stamped(state, [{"type": "partial", "call_id": state.call_id, "speaker": segment.speaker,
                                     "text": segment.text}])
        return shown
    seq = segment.seq if segment.seq is not None else state.last_seq + 1
    state.last_seq = seq
    state.last_final_start = segment.start
    state.partials.pop(segment.speaker, None)
    kept = [f for f in flags if segment.speaker == "customer"]
    record = {**segment.to_dict(), "seq": seq, "flags": [f.to_dict() for f in kept]}
    state.segments.append(record)
    events: list[Event] = [{"type": "segment", "call_id": state.call_id, "segment": record}]
    for flag in kept:
        floor = policy.model_alert_min_score if flag.source == "model" else policy.alert_min_score
        if flag.score < floor:
            continue  # shown on the operator's screen with its reason; too unsure to raise anything
        rules = tuple(r for r in policy.rules_for("behaviour") if flag.behaviour in r.behaviours)
        events += _fire(state, rules, key=f"behaviour:{flag.behaviour}", now=now,
                        detail={"segment": seq, "behaviour": flag.behaviour, "evidence": list(flag.evidence)})
    text = segment.text.lower()
    if segment.speaker == "operator" and _has_marker(text, policy.end_request_markers):
        state.end_requests += 1
        state.turns_after_end_request = 0
    elif segment.speaker == "customer":
        if state.end_requests:
            state.turns_after_end_request += 1
            if state.turns_after_end_request >= policy.continued_after_end_request:
                events += _fire(state, policy.rules_for("continued_after_end_request"),
                                key=f"continued:{state.end_requests}", now=now,
                                detail={"segment": seq, "end_requests": state.end_requests})
        key = demand_key(text, policy)
        if key is not None:
            similar = 1 + sum(1 for d in state.demands if same_demand(d, key))
            state.demands.append(key)
            if similar >= policy.repeat_demand_count:
                state.repeated_demands = max(state.repeated_demands, similar)
                events += _fire(state, policy.rules_for("repeated_demand"), key="repeated_demand", now=now,
                                detail={"segment": seq, "times": similar})
    _, events = _stamped(state, events)
    return events


def _has_marker(text: str, markers: Any) -> bool:
    return any(word in text for words in markers.values() for word in words)


def demand_key(text: str, policy: LivePolicy) -> str | None:
    """What a customer's turn demands: `topic:<id>` for a known topic, else `text:<the words>`
    without the demand phrasing; None when the turn demands nothing."""
    topics = sorted(t for t, words in policy.demand_topics.items() if any(w in text for w in words))
    if topics:
        return "topic:" + ",".join(topics)
    if not _has_marker(text, policy.demand_markers):
        return None
    rest = text
    for words in policy.demand_markers.values():
        for word in words:
            rest = rest.replace(word, " ")
    return "text:" + rest


def same_demand(a: str, b: str) -> bool:
    if a.startswith("topic:") and b.startswith("topic:"):
        return bool(set(a[6:].split(",")) & set(b[6:].split(",")))
    if a.startswith("text:") and b.startswith("text:"):
        return similarity(a[5:], b[5:]) >= 0.5
    return False


def _bigrams(text: str) -> set[str]:
    letters = "".join(c for c in text if c.isalnum())
    return {letters[i:i + 2] for i in range(len(letters) - 1)} or {letters}


def similarity(a: str, b: str) -> float:
    """Character-bigram overlap (Jaccard): the same demand in other words still shares most pairs."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def add_levels(state: CallState, levels: Sequence[float], *, window_seconds: float, at: float, now: float,
               policy: LivePolicy) -> list[Event]:
    """Loudness windows (dBFS) from the call's audio, `at` = the first window's time in the call."""
    _live(state)
    state.last_activity_at = now
    span = update_loudness(state.loudness, levels, window_seconds=window_seconds, at=at, policy=policy.shouting)
    events: list[Event] = []
    if span is not None:
        state.shouting_spans.append([round(span[0], 2), round(span[1], 2)])
        events += _fire(state, policy.rules_for("shouting"), key="shouting",
                        now=now, detail={"from": span[0], "to": span[1],
                                         "reason": {"ja": "大声", "en": "shouting"}})
    _stamped(state, events)  # the tracker changed even without an event: a new version to store
    return events


def tick(state: CallState, *, now: float, policy: LivePolicy) -> list[Event]:
    """The clock: the time-limit prompts, and closing a call that went silent."""
    if state.status != "live":
        return []
    events: list[Event] = []
    if now - state.last_activity_at >= policy.idle_close_seconds:
        return end(state, now=now, reason="idle")
    elapsed = state.duration(now)
    limit = state.time_limit_seconds
    if elapsed >= limit * policy.time_warning_share:
        events += _fire(state, policy.rules_for("time_warning"), key="time_warning", now=now,
                        detail={"elapsed_seconds": round(elapsed), "limit_seconds": limit})
    if elapsed >= limit:
        events += _fire(state, policy.rules_for("time_limit"), key="time_limit", now=now,
                        detail={"elapsed_seconds": round(elapsed), "limit_seconds": limit})
    if events:
        _stamped(state, events)
    return events


def call_supervisor(state: CallState, *, by: str, now: float) -> list[Event]:
    """The operator's button: always reaches the supervisor (once per open request)."""
    _live(state)
    key = f"operator_request:{sum(1 for a in state.alerts if a['rule'] == 'operator_request')}"
    events = _fire(state, (OPERATOR_REQUEST,), key=key, now=now, detail={"by": by})
    _stamped(state, events)
    return events


def decide(state: CallState, *, action: str, by: str, now: float, alert_id: str | None = None,
           note: str = "") -> list[Event]:
    """A supervisor's decision. Ending a call is always a person's decision, never the policy's."""
    if action not in DECISIONS:
        raise InputError([FieldProblem("action", Message("不明な操作です", "unknown action"), DECISIONS)])
    _live(state)
    if action == "acknowledge":
        targets = [a for a in state.alerts if not a.get("acknowledged_by") and (alert_id is None or a["id"] == alert_id)]
        if alert_id is not None and not targets:
            raise InputError([FieldProblem("alert_id", Message("未確認の警告が見つかりません", "no open alert with this id"))])
        for alert in targets:
            alert["acknowledged_by"] = by
            alert["acknowledged_at"] = now
    if action == "take_over":
        state.taken_over_by = by
    decision = {"action": action, "by": by, "at": now, "alert_id": alert_id, "note": note}
    state.decisions.append(decision)
    events: list[Event] = [{"type": "decision", "call_id": state.call_id, "decision": decision,
                            "summary": state.summary(now)}]
    if action == "end":
        return events + end(state, now=now, reason="supervisor")
    _stamped(state, events)
    return events


def end(state: CallState, *, now: float, reason: str = "ended") -> list[Event]:
    """`call.end` (reason `ended`), a supervisor's decision (`supervisor`) or silence (`idle`)."""
    _live(state)
    state.status = "ended"
    state.ended_at = now
    state.end_reason = reason
    state.partials.clear()
    _, events = _stamped(state, [{"type": "call.end", "call_id": state.call_id, "reason": reason,
                                  "summary": state.summary(now)}])
    return events


def _fire(state: CallState, rules: Sequence[Rule], *, key: str, now: float, detail: dict[str, Any]) -> list[Event]:
    events: list[Event] = []
    for rule in rules:
        fired_key = f"{rule.id}|{key}"
        if fired_key in state.fired:
            continue
        state.fired.append(fired_key)
        alert = {
            "id": f"{state.call_id}:{len(state.alerts) + 1}", "rule": rule.id, "trigger": rule.trigger,
            "severity": rule.severity, "notify": list(rule.notify), "script": rule.script,
            "reason": {"ja": rule.reason.ja, "en": rule.reason.en}, "at": now,
            "elapsed_seconds": round(state.duration(now), 1), "detail": detail,
        }
        state.alerts.append(alert)
        events.append({"type": "alert", "call_id": state.call_id, "alert": alert})
    if events:
        summary = state.summary(now)
        for event in events:
            event["summary"] = summary
    return events
