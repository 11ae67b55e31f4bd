"""Lays out the judgment flowchart (`kasuhara.interview.path`) as SVG geometry for a template.

Geometry is computed here and drawn by `templates/guide/_flowchart.html`, so the chart is plain
inline SVG (no script, readable by screen readers through its title, description and the
ordered list of the route beside it), with the route the judgment took highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasuhara.interview.path import EDGES, NODES, judgment_route, node
from kasuhara.web.i18n import Translator

WIDTH = 524
SPINE_X, SPINE_W = 2, 292
RIGHT_X, RIGHT_W = 342, 180
BOX_H = 54
ROW_H = 84
TOP = 14
SPINE_MID = SPINE_X + SPINE_W // 2
RIGHT_MID = RIGHT_X + RIGHT_W // 2


def _axis(assessment: Mapping[str, Any], key: str) -> str:
    axis = assessment.get(key)
    return str(axis.get("result", "")) if isinstance(axis, Mapping) else ""


def _box(node_id: str) -> tuple[int, int, int, int]:
    item = node(node_id)
    y = TOP + item.row * ROW_H
    if item.side == "spine":
        return SPINE_X, y, SPINE_W, BOX_H
    return RIGHT_X, y, RIGHT_W, BOX_H


def _edge_path(source: str, target: str) -> tuple[str, tuple[int, int]]:
    """SVG path and the label position for one arrow."""
    sx, sy, sw, sh = _box(source)
    tx, ty, _tw, _th = _box(target)
    s, t = node(source), node(target)
    if s.side == "spine" and t.side == "spine":
        return f"M{SPINE_MID},{sy + sh} V{ty - 2}", (SPINE_MID + 8, sy + sh + 18)
    if s.side == "spine" and t.side == "right":
        mid = sy + sh // 2
        return f"M{sx + sw},{mid} H{tx - 2}", (sx + sw + 3, mid - 7)
    # right -> spine (after the safety box the judgment goes on)
    entry = SPINE_MID + 60
    return f"M{RIGHT_MID},{sy + sh} V{ty - 16} H{entry} V{ty - 2}", (0, 0)


def _label(t: Translator, node_id: str) -> str:
    item = node(node_id)
    if item.kind == "end" and item.determination:
        return t(f"guide.path_nodes.end_{item.determination}")
    return t(f"guide.path_nodes.{node_id}")


def flowchart(assessment: Mapping[str, Any], t: Translator) -> dict[str, Any]:
    """Boxes, arrows and the route, ready for the SVG template."""
    behaviours = [str(b.get("id")) for b in assessment.get("behaviours", []) if isinstance(b, Mapping)]
    route = judgment_route(
        behaviours=behaviours,
        demand_result=str(_axis(assessment, "demand_assessment")),
        manner_result=str(_axis(assessment, "manner_assessment")),
        determination=str(assessment.get("determination", "")),
    )
    on_nodes = set(route.nodes)
    on_edges = set(route.edges)
    boxes = []
    for item in NODES:
        x, y, w, h = _box(item.id)
        boxes.append(
            {
                "id": item.id,
                "kind": item.kind,
                "determination": item.determination or "",
                "x": x, "y": y, "w": w, "h": h,
                "cx": x + w // 2, "cy": y + h // 2,
                "label": _label(t, item.id),
                "on": item.id in on_nodes,
                "end": item.id == route.end,
            }
        )
    arrows = []
    for edge in EDGES:
        d, (lx, ly) = _edge_path(edge.source, edge.target)
        arrows.append(
            {
                "d": d,
                "on": (edge.source, edge.target) in on_edges,
                "label": t(f"guide.path_nodes.{edge.label}") if edge.label else "",
                "lx": lx, "ly": ly,
                "id": f"{edge.source}-{edge.target}",
            }
        )
    height = TOP + (max(n.row for n in NODES) + 1) * ROW_H
    steps = [_label(t, n) for n in route.nodes]
    return {
        "width": WIDTH,
        "height": height,
        "boxes": boxes,
        "arrows": arrows,
        "route": list(route.nodes),
        "steps": steps,
        "consistent": route.consistent,
        "end": route.end,
    }
