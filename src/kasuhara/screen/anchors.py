"""Literal anchors for the prefilter: strings at least one of which every match of a rule contains.

Running ~40 large regular expressions on every utterance costs ~60 µs; looking for a few hundred
literals in one pass costs a few. The anchors are derived from the rule patterns themselves, so
they can never disagree with them: if no anchor of a rule occurs, the rule cannot match.
"""

from __future__ import annotations

from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

_CAP = 150


def _exact(op: Any, av: Any) -> set[str] | None:
    """All strings this item can match, when that set is small and finite."""
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is not C.LITERAL:
                return None
            chars.add(chr(a))
        return chars if len(chars) <= 12 else None
    if op is C.SUBPATTERN:
        return _exact_seq(av[3])
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            sub = _exact_seq(branch)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _CAP else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        sub = _exact_seq(av[2])
        return None if sub is None else sub | {""}
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}
    return None


def _exact_seq(items: Any) -> set[str] | None:
    out = {""}
    for op, av in items:
        sub = _exact(op, av)
        if sub is None:
            return None
        out = {a + b for a in out for b in sub}
        if len(out) > _CAP:
            return None
    return out


def _score(anchors: set[str]) -> tuple[int, int]:
    return (min(len(a) for a in anchors), -len(anchors))


def _required(items: Any) -> set[str] | None:
    """Best set of strings that every match of this sequence contains one of."""
    candidates: list[set[str]] = []
    run: set[str] = {""}
    for op, av in [*list(items), (None, None)]:
        exact = None if op is None else _exact(op, av)
        if exact is not None:
            product = {a + b for a in run for b in exact}
            if len(product) <= _CAP:
                run = product
                continue
        if "" not in run:
            candidates.append(run)
        run = {""}
        if op is None:
            break
        if exact is not None:
            run = exact
            continue
        sub = _required_item(op, av)
        if sub:
            candidates.append(sub)
    candidates = [c for c in candidates if c and "" not in c]
    return max(candidates, key=_score) if candidates else None


def _required_item(op: Any, av: Any) -> set[str] | None:
    if op is C.SUBPATTERN:
        return _required(av[3])
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            sub = _required(branch)
            if not sub:
                return None
            out |= sub
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _required(av[2])
    return None


def anchors_for(pattern: str) -> frozenset[str] | None:
    """Literal anchors of `pattern`, or None when it has no usable requirement (always run it)."""
    found = _required(P.parse(pattern))
    if not found:
        return None
    # a shorter anchor that is a substring of a longer one makes the longer one redundant
    kept = {a for a in found if not any(b != a and b in a for b in found)}
    return frozenset(kept)
