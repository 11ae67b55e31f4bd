"""API-token scopes, read from `data/token_scopes.yaml`: which route a token may call.

A scope is `<family>:read` or `<family>:write`; a route's tag names its family and the HTTP
method picks read or write. Kept as data so a new area (the live-call helper's `calls:write`)
adds a line instead of code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.strict_yaml import strict_load

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACCESS = ("read", "write")


@dataclass(frozen=True)
class ScopeCatalogue:
    families: dict[str, Message]
    family_of_tag: dict[str, str]
    open_tags: frozenset[str]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(f"{family}:{access}" for family in self.families for access in ACCESS)

    def required(self, tags: Iterable[str], method: str) -> str | None:
        """The scope a route needs, "" when it needs none, None when it is closed to tokens."""
        access = "read" if method.upper() in READ_METHODS else "write"
        tags = list(tags)
        if any(tag in self.open_tags for tag in tags):
            return ""
        for tag in tags:
            family = self.family_of_tag.get(tag)
            if family is not None:
                return f"{family}:{access}"
        return None


@lru_cache(maxsize=1)
def catalogue() -> ScopeCatalogue:
    text = files("kasuhara.services").joinpath("data/token_scopes.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = strict_load(text)
    families: dict[str, Message] = {}
    family_of_tag: dict[str, str] = {}
    for name, entry in data["families"].items():
        families[name] = Message(entry["label"]["ja"], entry["label"]["en"])
        for tag in entry["tags"]:
            if tag in family_of_tag:
                raise ValueError(f"token_scopes.yaml: tag {tag!r} is in two families")
            family_of_tag[tag] = name
    return ScopeCatalogue(families, family_of_tag, frozenset(data.get("open_tags", [])))


def parse(scopes: Sequence[str], *, field: str = "scopes") -> tuple[str, ...]:
    """Known scopes, sorted and without repeats; an unknown one is an error naming it."""
    known = catalogue().all
    unknown = sorted({s for s in scopes if s not in known})
    if unknown:
        raise InputError([FieldProblem(field, Message(f"不明なスコープです: {unknown}", f"unknown scopes: {unknown}"),
                                       known)])
    if not scopes:
        raise InputError([FieldProblem(field, Message("スコープを1つ以上指定してください",
                                                      "give at least one scope"), known)])
    return tuple(sorted(set(scopes)))
