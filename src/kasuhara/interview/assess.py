"""From a finished interview to the judgment: the facts it gathered, handed to `kasuhara.judge`.

Core calling core: the engine decides, the interview only asked. A demand whose validity was not
asked (or was skipped) is `unknown`, which the engine treats as "needs fact-finding" unless the
manner alone decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasuhara.company import Thresholds
from kasuhara.interview.flow import Walk


def interview_facts(facts: Mapping[str, Any], location: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The judgment's facts object: a copy, with an unanswered validity as `unknown` and a default place."""
    out = {k: (dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, list) else v) for k, v in facts.items()}
    demand = out.get("demand")
    if isinstance(demand, dict) and demand.get("kind") not in (None, "none") and "validity" not in demand:
        demand["validity"] = "unknown"
    if location and "location" not in out:
        out["location"] = dict(location)
    return out


def assess(walk: Walk, *, thresholds: Thresholds | None = None,
           location: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`kasuhara.judge` on the interview's facts: the assessment as its JSON contract (`to_dict()`)."""
    if not walk.done:
        raise ValueError(f"the interview is not finished: next question {walk.next.id if walk.next else '?'}")
    from kasuhara.judge import judge, parse_facts

    result: dict[str, Any] = judge(parse_facts(interview_facts(walk.facts, location)),
                                   thresholds=thresholds or Thresholds()).to_dict()
    return result
