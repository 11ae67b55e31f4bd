"""Live calls (CORE, pure): the state machine of a call, the alert policy, loudness from PCM.

No I/O: the service (`kasuhara.services.calls`) screens segments, keeps state in a bus
(`kasuhara.calls_bus`) and fans events out; this package only decides what each input means.
"""

from kasuhara.live.machine import (
    DECISIONS,
    add_levels,
    add_segment,
    call_supervisor,
    decide,
    end,
    start,
    tick,
)
from kasuhara.live.model import (
    CallInfo,
    CallState,
    Flag,
    Segment,
    check_call_id,
    parse_call_start,
    parse_segment,
)
from kasuhara.live.policy import LivePolicy, Rule, default_policy, default_policy_data, policy_from_mapping

__all__ = [
    "DECISIONS",
    "CallInfo",
    "CallState",
    "Flag",
    "LivePolicy",
    "Rule",
    "Segment",
    "add_levels",
    "add_segment",
    "call_supervisor",
    "check_call_id",
    "decide",
    "default_policy",
    "default_policy_data",
    "end",
    "parse_call_start",
    "parse_segment",
    "policy_from_mapping",
    "start",
    "tick",
]
