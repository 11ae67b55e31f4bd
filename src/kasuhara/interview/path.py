"""The flowchart of the judgment and the route one judgment took through it.

The chart follows the MHLW manual's two axes in the engine's order of precedence (staff safety
first; conduct that is wrong whatever the demand; means out of proportion to the demand; then
whether the demand relates to the service, whether its validity is known, whether it is valid).
`judgment_route` reads the route from the assessment's two axis results, so the picture is the
engine's own reasoning, not a second copy of it; `consistent` says whether the route reached the
assessment's determination (a test keeps it true for every combination).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

NodeKind = Literal["start", "decision", "action", "end"]
DANGER_BEHAVIOURS = frozenset({"physical_attack", "threat", "confinement", "property_damage"})


@dataclass(frozen=True)
class ChartNode:
    """A box of the chart: `row` from the top; `side` spine (the main line) or right (a branch)."""

    id: str
    kind: NodeKind
    row: int
    side: Literal["spine", "right"]
    determination: str | None = None


@dataclass(frozen=True)
class ChartEdge:
    """An arrow; `label` is an answer key (yes/no) or empty."""

    source: str
    target: str
    label: str = ""


NODES: tuple[ChartNode, ...] = (
    ChartNode("start", "start", 0, "spine"),
    ChartNode("danger", "decision", 1, "spine"),
    ChartNode("safety", "action", 1, "right"),
    ChartNode("manner", "decision", 2, "spine"),
    ChartNode("end_manner", "end", 2, "right", "customer_harassment"),
    ChartNode("means", "decision", 3, "spine"),
    ChartNode("end_means", "end", 3, "right", "customer_harassment"),
    ChartNode("related", "decision", 4, "spine"),
    ChartNode("end_unrelated", "end", 4, "right", "unjustified_demand"),
    ChartNode("known", "decision", 5, "spine"),
    ChartNode("end_unknown", "end", 5, "right", "needs_fact_finding"),
    ChartNode("valid", "decision", 6, "spine"),
    ChartNode("end_invalid", "end", 6, "right", "unjustified_demand"),
    ChartNode("end_legitimate", "end", 7, "spine", "legitimate_complaint"),
)

EDGES: tuple[ChartEdge, ...] = (
    ChartEdge("start", "danger"),
    ChartEdge("danger", "safety", "yes"),
    ChartEdge("safety", "manner"),
    ChartEdge("danger", "manner", "no"),
    ChartEdge("manner", "end_manner", "yes"),
    ChartEdge("manner", "means", "no"),
    ChartEdge("means", "end_means", "no"),
    ChartEdge("means", "related", "yes"),
    ChartEdge("related", "end_unrelated", "no"),
    ChartEdge("related", "known", "yes"),
    ChartEdge("known", "end_unknown", "no"),
    ChartEdge("known", "valid", "yes"),
    ChartEdge("valid", "end_invalid", "no"),
    ChartEdge("valid", "end_legitimate", "yes"),
)

# The decisions in order: (node, the branch taken when the test holds, its end box).
_DECISIONS: tuple[tuple[str, str, Callable[[str, str], bool]], ...] = (
    ("manner", "end_manner", lambda demand, manner: manner == "inappropriate_regardless_of_demand"),
    ("means", "end_means", lambda demand, manner: manner == "inappropriate_given_demand"),
    ("related", "end_unrelated", lambda demand, manner: demand == "unrelated"),
    ("known", "end_unknown", lambda demand, manner: demand in ("unknown", "no_demand") or manner == "depends_on_demand"),
    ("valid", "end_invalid", lambda demand, manner: demand == "invalid"),
)


@dataclass(frozen=True)
class Route:
    """The nodes and arrows the judgment went through, in order, and where it ended."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    end: str
    consistent: bool


def node(node_id: str) -> ChartNode:
    for item in NODES:
        if item.id == node_id:
            return item
    raise KeyError(node_id)


def _end_for(determination: str, preferred: str) -> str:
    """The end box showing `determination`: the derived one if it matches, else the first that does."""
    if node(preferred).determination == determination:
        return preferred
    for item in NODES:
        if item.kind == "end" and item.determination == determination:
            return item.id
    raise KeyError(determination)


def judgment_route(
    *,
    behaviours: Iterable[str],
    demand_result: str,
    manner_result: str,
    determination: str,
) -> Route:
    """Walk the chart with the assessment's axis results; end at its determination."""
    nodes = ["start", "danger"]
    edges: list[tuple[str, str]] = [("start", "danger")]

    def go(source: str, target: str) -> None:
        edges.append((source, target))
        nodes.append(target)

    if set(behaviours) & DANGER_BEHAVIOURS:
        go("danger", "safety")
        go("safety", "manner")
    else:
        go("danger", "manner")
    derived = "end_legitimate"
    for index, (decision, branch, taken) in enumerate(_DECISIONS):
        if taken(demand_result, manner_result):
            derived = branch
            go(decision, branch)
            break
        following = _DECISIONS[index + 1][0] if index + 1 < len(_DECISIONS) else "end_legitimate"
        go(decision, following)
    end = _end_for(determination, derived)
    if end != derived:
        # the engine decided otherwise: show its determination, flagged as not derived here
        nodes[-1] = end
        edges[-1] = (edges[-1][0], end)
    return Route(nodes=tuple(nodes), edges=tuple(edges), end=end, consistent=end == derived)
