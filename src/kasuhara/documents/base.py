"""What every document module shares: the build input, the kind registry entry and the templates.

A document module declares `KINDS` (DocumentKind values) and a function that turns a BuildInput
into template variables; the wording is in `templates/<lang>/<template>.md.j2`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from kasuhara.documents.legal import LegalContext, legal_context
from kasuhara.documents.model import Document, parse
from kasuhara.documents.profile import CompanyProfile
from kasuhara.errors import FieldProblem, InputError, Message

LANGS = ("ja", "en")
SIZES = ("A4", "A3")


@dataclass(frozen=True)
class Approval:
    """A person's approval of a document kind in the app: the signature block prints it."""

    name: str
    title: str
    on: date


@dataclass(frozen=True)
class BuildInput:
    """Everything a document may draw on. Case-based documents need `incident`."""

    company: CompanyProfile
    lang: str = "ja"
    size: str = "A4"
    on: date = field(default_factory=lambda: datetime.now(ZoneInfo("Asia/Tokyo")).date())
    incident: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def legal(self, on: date | None = None) -> LegalContext:
        return legal_context(
            on=on or self.on,
            lang=self.lang,
            prefecture_code=self.company.prefecture_code,
            municipality_code=self.company.municipality_code,
            sites=tuple((s.name, s.prefecture_code, s.municipality_code) for s in self.company.sites),
        )


Variables = Callable[[BuildInput], dict[str, Any]]


@dataclass(frozen=True)
class DocumentKind:
    """One document the system can generate."""

    id: str
    title: Message
    description: Message
    template: str
    variables: Variables
    needs_incident: bool = False
    poster: bool = False
    sizes: tuple[str, ...] = ("A4",)
    audience: str = "company"
    sources: str = "inline"
    industries: tuple[str, ...] = ()
    """Industries the document fits (empty: every industry); any other is refused and not offered."""
    not_for: tuple[str, ...] = ()

    def fits(self, industry: str) -> bool:
        return industry not in self.not_for and (not self.industries or industry in self.industries)
    """inline | appendix | none (customer-facing: no sources, no unconfirmed notes, no versions)."""

    def check(self, inp: BuildInput) -> None:
        problems: list[FieldProblem] = []
        if inp.lang not in LANGS:
            problems.append(FieldProblem("lang", Message("言語が不正です", "unknown language"), LANGS))
        if inp.size not in self.sizes:
            problems.append(
                FieldProblem("size", Message("この文書では使えない用紙サイズです", "size not offered for this document"), self.sizes)
            )
        if not self.fits(inp.company.industry):
            problems.append(FieldProblem("kind", Message(
                f"この文書は業種「{inp.company.industry_label('ja')}」には合わないため作成しません",
                f"this document does not fit the industry '{inp.company.industry_label('en')}'")))
        if self.needs_incident and inp.incident is None:
            problems.append(FieldProblem("incident", Message("事案（--incident）が必要です", "needs an incident (--incident)")))
        if problems:
            raise InputError(problems)

    def build(self, inp: BuildInput) -> Document:
        self.check(inp)
        variables = self.variables(inp)
        legal = replace(variables.pop("law", None) or inp.legal(), sources_mode=self.sources, collected=[])
        approval = inp.extra.get("approval")
        markup = template_env().get_template(f"{inp.lang}/{self.template}.md.j2").render(
            company=inp.company, lang=inp.lang, size=inp.size, on=inp.on, law=legal, t=legal.t,
            approval=approval if isinstance(approval, Approval) else None, **variables
        )
        blocks = parse(markup, inp.lang)
        title = self.title.in_(inp.lang) if self.poster else next((b.text for b in blocks if b.kind == "title"), self.title.in_(inp.lang))
        return Document(kind=self.id, lang=inp.lang, title=title, blocks=blocks, size=inp.size, poster=self.poster)


def jp_date(d: date) -> str:
    """2026-11-23 -> 2026年11月23日 (Western calendar, as most company documents now use)."""
    return f"{d.year}年{d.month}月{d.day}日"


def en_date(d: date) -> str:
    return d.strftime("%-d %B %Y")


@cache
def template_env() -> Environment:
    env = Environment(
        loader=PackageLoader("kasuhara.documents", "templates"),
        autoescape=False,  # the output is our markup, escaped by each writer
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["jpdate"] = jp_date
    env.filters["endate"] = en_date
    return env


def no_variables(inp: BuildInput) -> dict[str, Any]:
    return {}
