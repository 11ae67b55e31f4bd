"""The one condition language of the data: knowledge base, guided interview, deterrence.

A condition is a YAML mapping with exactly one of:

- `all: [..]`, `any: [..]`, `not: cond` — combinators;
- `behaviour: id`, `behaviours_any: [ids]` — a behaviour is present;
- `fact: name` with `in: [values]` or `not_in: [values]` — the fact's value (a list value matches if any
  item does; an unknown value never matches `in` and always matches `not_in`);
- `answer: question` with `in` / `not_in` — the answer given to an earlier question (interview only);
- the short form `{name: value}`: `true`/`false` for a yes/no fact (an unknown fact matches neither),
  `true`/`false` for a count (more than zero / zero), or a list of allowed values (`{channel: [phone]}`).

Each domain names its facts (a `Vocabulary`); the grammar and its checks are the same everywhere, so a
condition reads the same in `offences.yaml`, `questions.yaml` and `deterrence.yaml`. Conditions are
compiled once into closures; problems are reported through a callback so loaders can list them all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

FLAG = "flag"
"""A yes/no fact that may be unknown (None)."""
COUNT = "count"
"""A number of times: the short form `true` means more than zero."""
CHOICE = "choice"
"""One value out of a closed set (or any string when no set is given)."""


class Subject(Protocol):
    """What a condition looks at."""

    @property
    def behaviours(self) -> Collection[str]: ...

    def fact(self, name: str) -> Any: ...

    def answer(self, question: str) -> Any: ...


Cond = Callable[[Subject], bool]


@dataclass(frozen=True)
class Vocabulary:
    """The facts (name → kind, and for choices the allowed values) a domain's conditions may use."""

    facts: Mapping[str, str]
    choices: Mapping[str, Collection[Any]] = field(default_factory=dict)
    behaviour_ids: Collection[str] | None = None
    """Known behaviour ids (None: not checked here)."""
    answers: Collection[str] | None = None
    """Questions that may be referred to (None: `answer` conditions are not allowed)."""
    behaviours_only: bool = False
    """Only behaviour conditions (deterrence: the customer's record holds behaviours only)."""


KEYS = ("all", "any", "not", "behaviour", "behaviours_any", "fact", "answer")


def _never(_: Subject) -> bool:
    return False


def compile_condition(raw: Any, vocab: Vocabulary, report: Callable[[str, str], None], where: str) -> Cond:
    """Compile one condition; every problem goes to `report(where, message)` and yields a false condition."""
    if not isinstance(raw, Mapping) or not raw:
        report(where, "a condition is a non-empty mapping")
        return _never
    keys = set(raw)
    if "fact" in keys or "answer" in keys:
        return _compare(raw, vocab, report, where)
    if len(raw) != 1:
        report(where, f"a condition has exactly one of {', '.join(KEYS)} (or a fact's short form)")
        return _never
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            report(where, f"{key}: must be a non-empty list of conditions")
            return _never
        parts = tuple(compile_condition(v, vocab, report, f"{where}.{key}[{i}]") for i, v in enumerate(value))
        if key == "all":
            return lambda s: all(p(s) for p in parts)
        return lambda s: any(p(s) for p in parts)
    if key == "not":
        inner = compile_condition(value, vocab, report, f"{where}.not")
        return lambda s: not inner(s)
    if key in ("behaviour", "behaviours_any"):
        ids = [value] if key == "behaviour" else value
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            report(where, f"{key}: must name behaviour ids")
            return _never
        if vocab.behaviour_ids is not None:
            for ident in ids:
                if ident not in vocab.behaviour_ids:
                    report(where, f"dangling reference to unknown behaviour {ident!r}")
        wanted = frozenset(ids)
        return lambda s: not wanted.isdisjoint(s.behaviours)
    if vocab.behaviours_only:
        report(where, "only behaviour conditions (behaviour, behaviours_any, all, any, not) are allowed here")
        return _never
    if key in vocab.facts:
        return _short(str(key), value, vocab, report, where)
    allowed = ", ".join(list(KEYS) + sorted(vocab.facts))
    report(where, f"unknown condition {key!r} (allowed: {allowed})")
    return _never


def _short(name: str, value: Any, vocab: Vocabulary, report: Callable[[str, str], None], where: str) -> Cond:
    kind = vocab.facts[name]
    if kind in (FLAG, COUNT):
        if not isinstance(value, bool):
            report(where, f"{name}: must be true or false")
            return _never
        if kind == COUNT:
            return lambda s: (int(s.fact(name) or 0) > 0) == value
        return lambda s: s.fact(name) is value
    allowed = vocab.choices.get(name)
    if not isinstance(value, list) or not value or (allowed is not None and not all(v in allowed for v in value)):
        report(where, f"{name}: must be a list of {', '.join(map(str, allowed)) if allowed is not None else 'values'}")
        return _never
    wanted = frozenset(value)
    return lambda s: s.fact(name) in wanted


def _compare(raw: Mapping[str, Any], vocab: Vocabulary, report: Callable[[str, str], None], where: str) -> Cond:
    extra = set(raw) - {"fact", "answer", "in", "not_in"}
    if extra or ("fact" in raw) == ("answer" in raw):
        report(where, "a comparison is {fact: name} or {answer: question} with in or not_in")
        return _never
    if ("in" in raw) == ("not_in" in raw):
        report(where, "exactly one of in / not_in is needed")
        return _never
    values = raw["in"] if "in" in raw else raw["not_in"]
    if not isinstance(values, list):
        report(where, "in / not_in must be a list")
        return _never
    if "fact" in raw:
        name = raw["fact"]
        if name not in vocab.facts:
            report(where, f"unknown fact {name!r} (allowed: {', '.join(sorted(vocab.facts))})")
            return _never

        def get(s: Subject) -> Any:
            return s.fact(name)
    else:
        question = raw["answer"]
        if vocab.answers is None or question not in vocab.answers:
            report(where, f"refers to no earlier question {question!r}")
            return _never

        def get(s: Subject) -> Any:
            return s.answer(question)
    wanted = tuple(values)
    if "in" in raw:
        return lambda s: any(v is not None and v in wanted for v in _items(get(s)))
    return lambda s: all(v not in wanted for v in _items(get(s)))


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
