"""The case workflow as data: which status may follow which, who may move it, when a reason is due.

reported → assessing → responding → closed, with closing early (a duplicate, a withdrawn
report), stepping back to assessing when new facts arrive, and reopening a closed case.
"""

from __future__ import annotations

from dataclasses import dataclass

from kasuhara.errors import Message

STATUSES = ("reported", "assessing", "responding", "closed", "reopened")

STATUS_LABELS = {
    "reported": Message("報告済み", "reported"),
    "assessing": Message("判断中", "assessing"),
    "responding": Message("対応中", "responding"),
    "closed": Message("終結", "closed"),
    "reopened": Message("再開", "reopened"),
}

WORKERS = frozenset({"supervisor", "admin"})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str] = WORKERS
    reason_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("reported", "assessing"),
    Transition("reported", "closed", reason_required=True),
    Transition("assessing", "responding"),
    Transition("assessing", "closed", reason_required=True),
    Transition("responding", "assessing", reason_required=True),
    Transition("responding", "closed", reason_required=True),
    Transition("closed", "reopened", reason_required=True),
    Transition("closed", "assessing", reason_required=True),
    Transition("reopened", "assessing"),
    Transition("reopened", "responding"),
    Transition("reopened", "closed", reason_required=True),
)


def find(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def targets_from(source: str) -> tuple[str, ...]:
    return tuple(t.target for t in TRANSITIONS if t.source == source)
