"""The judgment: incident facts → the MHLW two-axis assessment with offences, rules, actions, trace.

Core: no I/O beyond the knowledge base's packaged data. `parse_facts` validates input,
`judge` decides, `Assessment.to_dict()` is the JSON contract, `render_text` writes it for a person.
"""

from kasuhara.judge.engine import (
    Assessment,
    Axis,
    Evidence,
    FoundAction,
    FoundBehaviour,
    FoundOffence,
    TraceStep,
    judge,
)
from kasuhara.judge.facts import ContactCount, Demand, Facts, Location, parse_facts
from kasuhara.judge.render import render_text
from kasuhara.judge.scenarios import Scenario, check_scenario, load_scenarios

__all__ = [
    "Assessment",
    "Axis",
    "ContactCount",
    "Demand",
    "Evidence",
    "Facts",
    "FoundAction",
    "FoundBehaviour",
    "FoundOffence",
    "Location",
    "Scenario",
    "TraceStep",
    "check_scenario",
    "judge",
    "load_scenarios",
    "parse_facts",
    "render_text",
]
