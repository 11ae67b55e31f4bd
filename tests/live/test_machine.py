"""The state machine of a live call, input by input, as a call centre would see it."""

from __future__ import annotations

import pytest

from kasuhara.errors import ConflictError, InputError, Message
from kasuhara.live import (
    CallInfo,
    Flag,
    Segment,
    add_segment,
    call_supervisor,
    decide,
    default_policy,
    end,
    parse_segment,
    start,
    tick,
)
from kasuhara.live.model import CallState

POLICY = default_policy()
LIMIT = 30 * 60


def new_call(status: str = "unknown") -> CallState:
    state, _ = start("c-1", CallInfo(site_id=1, operator="op@example.jp"), customer_status=status, now=1000.0,
                     time_limit_seconds=LIMIT, policy=POLICY)
    return state


def seg(speaker: str, text: str, at: float, *, final: bool = True, seq: int | None = None) -> Segment:
    return Segment(speaker=speaker, text=text, start=at, end=at + 1.5, is_final=final, seq=seq)


def threat() -> Flag:
    return Flag(behaviour="threat", score=0.97, reason=Message("脅迫", "threat"), evidence=("殺すぞ",))


def alerts(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e["alert"] for e in events if e["type"] == "alert"]  # type: ignore[misc]


def test_a_threat_alerts_the_supervisor_at_once_with_the_words_to_say() -> None:
    state = new_call()
    events = add_segment(state, seg("customer", "殺すぞ", 3.0), [threat()], now=1003.0, policy=POLICY)
    [alert] = alerts(events)
    assert alert["rule"] == "harmful_speech"
    assert "supervisor" in alert["notify"] and alert["severity"] == 3
    assert alert["script"] == "threat"
    assert state.risk() > 0 and state.segments[0]["flags"][0]["behaviour"] == "threat"


def test_the_same_behaviour_alerts_once_per_call() -> None:
    state = new_call()
    add_segment(state, seg("customer", "殺すぞ", 3.0), [threat()], now=1003.0, policy=POLICY)
    again = add_segment(state, seg("customer", "本当に殺すぞ", 6.0), [threat()], now=1006.0, policy=POLICY)
    assert alerts(again) == [] and [e["type"] for e in again] == ["segment"]


def test_operator_speech_is_never_flagged() -> None:
    state = new_call()
    events = add_segment(state, seg("operator", "殺すぞと言われましても", 3.0), [threat()], now=1003.0, policy=POLICY)
    assert alerts(events) == [] and state.segments[0]["flags"] == []


def test_partial_segments_are_shown_not_kept() -> None:
    state = new_call()
    events = add_segment(state, seg("customer", "ちょっと", 1.0, final=False), [], now=1001.0, policy=POLICY)
    assert [e["type"] for e in events] == ["partial"] and state.segments == []
    add_segment(state, seg("customer", "ちょっと待って", 1.0), [], now=1002.0, policy=POLICY)
    assert state.partials == {} and len(state.segments) == 1


def test_time_limit_prompts_the_operator_at_the_share_then_alerts_at_the_limit() -> None:
    state = new_call()
    add_segment(state, seg("customer", "もしもし", 1.0), [], now=1001.0, policy=POLICY)
    state.last_activity_at = 1000.0 + LIMIT * 0.5
    assert tick(state, now=1000.0 + LIMIT * 0.5, policy=POLICY) == []
    state.last_activity_at = 1000.0 + LIMIT * 0.8
    warned = alerts(tick(state, now=1000.0 + LIMIT * 0.8, policy=POLICY))
    assert [a["rule"] for a in warned] == ["time_warning"] and warned[0]["notify"] == ["operator"]
    state.last_activity_at = 1000.0 + LIMIT
    limited = alerts(tick(state, now=1000.0 + LIMIT + 1, policy=POLICY))
    assert [a["rule"] for a in limited] == ["time_limit"] and "supervisor" in limited[0]["notify"]
    assert tick(state, now=1000.0 + LIMIT + 2, policy=POLICY) == []


def test_a_silent_call_is_closed_and_says_so() -> None:
    state = new_call()
    events = tick(state, now=1000.0 + POLICY.idle_close_seconds, policy=POLICY)
    assert [e["type"] for e in events] == ["call.end"] and events[0]["reason"] == "idle"
    assert state.status == "ended" and state.end_reason == "idle"


def test_a_banned_customer_alerts_the_supervisor_when_the_call_starts() -> None:
    _, events = start("c-2", CallInfo(site_id=1), customer_status="banned", now=0.0, time_limit_seconds=LIMIT,
                      policy=POLICY)
    [alert] = alerts(events)
    assert alert["rule"] == "banned_customer" and "supervisor" in alert["notify"]


def test_a_repeated_demand_is_noticed_in_other_words() -> None:
    state = new_call()
    texts = ["今すぐ返金しろ", "だから返金しろって言ってるだろ", "早く返金しろよ"]
    fired = []
    for index, text in enumerate(texts):
        fired += alerts(add_segment(state, seg("customer", text, 10.0 * index), [], now=1000.0 + index,
                                    policy=POLICY))
    assert [a["rule"] for a in fired] == ["repeated_demand"] and fired[0]["detail"]["times"] == 3


def test_different_demands_are_not_a_repetition() -> None:
    state = new_call()
    for index, text in enumerate(["返金してください", "担当者を交換してください", "謝罪してください"]):
        assert alerts(add_segment(state, seg("customer", text, 10.0 * index), [], now=1000.0, policy=POLICY)) == []


def test_the_customer_going_on_after_the_operator_asked_to_end_the_call() -> None:
    state = new_call()
    add_segment(state, seg("operator", "この通話を終了させていただきます", 10.0), [], now=1010.0, policy=POLICY)
    first = add_segment(state, seg("customer", "待てよ", 12.0), [], now=1012.0, policy=POLICY)
    second = add_segment(state, seg("customer", "まだ話は終わってない", 14.0), [], now=1014.0, policy=POLICY)
    assert alerts(first) == []
    [alert] = alerts(second)
    assert alert["rule"] == "continued_after_end_request" and state.end_requests == 1


def test_a_resent_segment_changes_nothing() -> None:
    state = new_call()
    add_segment(state, seg("customer", "殺すぞ", 3.0, seq=0), [threat()], now=1003.0, policy=POLICY)
    assert add_segment(state, seg("customer", "殺すぞ", 3.0, seq=0), [threat()], now=1004.0, policy=POLICY) == []
    assert len(state.segments) == 1 and len(state.alerts) == 1


def test_out_of_order_final_segments_are_refused_naming_the_field() -> None:
    state = new_call()
    add_segment(state, seg("customer", "一つ目", 20.0), [], now=1020.0, policy=POLICY)
    with pytest.raises(InputError) as caught:
        add_segment(state, seg("customer", "前の話", 5.0), [], now=1021.0, policy=POLICY)
    assert caught.value.problems[0].field == "segment.start"
    assert len(state.segments) == 1


def test_nothing_is_accepted_after_the_call_ended() -> None:
    state = new_call()
    end(state, now=1100.0)
    with pytest.raises(ConflictError):
        add_segment(state, seg("customer", "もしもし", 1.0), [], now=1101.0, policy=POLICY)


def test_the_supervisor_acknowledges_takes_over_and_ends_the_call() -> None:
    state = new_call()
    add_segment(state, seg("customer", "殺すぞ", 3.0), [threat()], now=1003.0, policy=POLICY)
    open_risk = state.risk()
    decide(state, action="acknowledge", by="boss@example.jp", now=1004.0)
    assert state.alerts[0]["acknowledged_by"] == "boss@example.jp" and state.risk() < open_risk
    decide(state, action="take_over", by="boss@example.jp", now=1005.0)
    events = decide(state, action="end", by="boss@example.jp", now=1006.0)
    assert [e["type"] for e in events] == ["decision", "call.end"]
    assert state.end_reason == "supervisor" and [d["action"] for d in state.decisions] == ["acknowledge", "take_over", "end"]


def test_an_unknown_decision_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        decide(new_call(), action="ban_customer", by="boss", now=0.0)
    assert caught.value.problems[0].field == "action"


def test_the_operator_calls_the_supervisor_in() -> None:
    state = new_call()
    [alert] = alerts(call_supervisor(state, by="op@example.jp", now=1010.0))
    assert alert["rule"] == "operator_request" and alert["notify"] == ["supervisor"]
    assert len(alerts(call_supervisor(state, by="op@example.jp", now=1020.0))) == 1


def test_state_survives_a_round_trip_through_json() -> None:
    state = new_call()
    add_segment(state, seg("customer", "殺すぞ", 3.0), [threat()], now=1003.0, policy=POLICY)
    again = CallState.from_dict(state.to_dict())
    assert again == state
    assert add_segment(again, seg("customer", "殺すぞ", 5.0), [threat()], now=1005.0, policy=POLICY)[0]["version"] == state.version + 1


@pytest.mark.parametrize(("data", "field"), [
    ({"speaker": "caller", "text": "x", "start": 0, "end": 1}, "segment.speaker"),
    ({"speaker": "customer", "text": "x" * 2001, "start": 0, "end": 1}, "segment.text"),
    ({"speaker": "customer", "text": "x", "start": 2, "end": 1}, "segment.end"),
    ({"speaker": "customer", "text": "x", "start": -1, "end": 1}, "segment.start"),
    ({"speaker": "customer", "text": "x", "start": 0, "end": 1, "is_final": "yes"}, "segment.is_final"),
    ({"speaker": "customer", "text": "x", "start": 0, "end": 1, "colour": 1}, "segment.colour"),
])
def test_bad_segments_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_segment(data)
    assert field in [p.field for p in caught.value.problems]


def test_a_finding_of_the_model_alone_needs_more_confidence_to_raise_an_alert() -> None:
    state = new_call()
    unsure = Flag(behaviour="threat", score=0.77, reason=Message("脅迫", "threat"), source="model")
    events = add_segment(state, seg("customer", "どうなってるんだ", 3.0), [unsure], now=1003.0, policy=POLICY)
    assert alerts(events) == [] and state.segments[0]["flags"][0]["source"] == "model"
    sure = Flag(behaviour="threat", score=0.95, reason=Message("脅迫", "threat"), source="model")
    assert alerts(add_segment(state, seg("customer", "どうなってるんだ", 5.0), [sure], now=1005.0, policy=POLICY))
