"""The law a document cites: the knowledge base decides what applies, citations.yaml holds the words.

Which rules are in force at the company's place on the document's date, the behaviours, the
response types and the offences with their penalties all come from `kasuhara.knowledge`, so the
law in a document is the law in the judgment. The article wording a document quotes (e.g. the
Tokyo ordinance article by article) lives in the knowledge base too (knowledge/data/citations.yaml),
keyed by the rule id it belongs to, each with its source and status; unconfirmed points print as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from kasuhara.errors import Message
from kasuhara.knowledge.loader import load_knowledge_base
from kasuhara.knowledge.model import Behaviour, KnowledgeBase, Offence, ResponseType, Rule, Source

STATUS_LABELS: dict[str, Message] = {
    "V1": Message("一次資料で確認", "primary text read"),
    "V2": Message("複数の二次資料で確認", "secondary sources agree"),
    "U": Message("未確認", "unconfirmed"),
    "S": Message("実務資料（一次資料未照合）", "practice source, not checked against primary text"),
}


@dataclass(frozen=True)
class Citation:
    """Article wording with its label, sources and status."""

    id: str
    scope: str
    label: Message
    text: Message
    quote: bool
    status: str
    sources: tuple[str, ...]

    @property
    def unconfirmed(self) -> bool:
        return self.status == "U"


@dataclass(frozen=True)
class CitationBook:
    sources: dict[str, str]
    citations: dict[str, Citation]


@cache
def citation_book() -> CitationBook:
    """The quoted wordings, read from the knowledge base (knowledge/data/citations.yaml, validated by
    its strict loader; source keys are the knowledge base's one catalogue)."""
    kb = load_knowledge_base()
    book = {
        c.id: Citation(id=c.id, scope=c.scope, label=c.label, text=c.text, quote=c.quote, status=c.status,
                       sources=c.sources)
        for c in kb.citations
    }
    return CitationBook(sources=dict(kb.catalogue), citations=book)


_LOCATOR = re.compile(r"(repo\s|\{[^}]*\}|Vault/|\.md\b|@\s?[0-9a-f]{7,})")
_MIRROR = re.compile(r"（[^（）]*(?:mirror|DB4LAW)[^（）]*）|\([^()]*(?:mirror|DB4LAW)[^()]*\)")


def format_kb_source(source: Source) -> str:
    """A source as a reader can look it up: title, article, citation and address.

    Storage locators of the knowledge base (a repository path, a `{N}` placeholder, a commit) are
    how the data was checked, not where a reader finds the law, and never print.
    """
    parts = [_MIRROR.sub("", source.title).strip()]
    if source.article:
        parts.append(source.article)
    if source.citation and source.citation != source.title and not _LOCATOR.search(source.citation):
        parts.append(source.citation)
    if source.url and not _LOCATOR.search(source.url):
        parts.append(source.url)
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class LegalContext:
    """Everything legal a document needs for one place, date and language."""

    on: date
    lang: str
    kb: KnowledgeBase
    rules: tuple[Rule, ...]
    pending_rules: tuple[Rule, ...]
    prefecture_code: str
    municipality_code: str
    site_rules: tuple[tuple[Rule, tuple[str, ...]], ...] = ()
    """Ordinances in force where other sites are (not at the company's own place), with those sites."""
    sources_mode: str = "inline"
    """inline: each citation carries its source; appendix: sources are collected for an internal
    appendix (the manual); none: a customer-facing document prints no sources and no unconfirmed notes."""
    collected: list[str] = field(default_factory=list, compare=False, hash=False)

    @property
    def kb_version(self) -> str:
        return self.kb.version

    @property
    def local_rules(self) -> tuple[Rule, ...]:
        """Ordinances in force at the place: municipality first (its rule is the stricter, local one)."""
        local = [r for r in self.rules if r.scope != "national"]
        return tuple(sorted(local, key=lambda r: 0 if r.scope == "municipality" else 1))

    @property
    def national_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "national")

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)

    @property
    def citable_rule_ids(self) -> frozenset[str]:
        """Rules whose wording may be quoted: those at the company's place and at its sites."""
        return self.rule_ids | {r.id for r, _ in self.site_rules}

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self.rule_ids

    def t(self, message: Message) -> str:
        return message.in_(self.lang)

    def citations_for(self, scope: str) -> list[Citation]:
        """Citations for a rule id (only when that rule is in force here) or a practice/pending scope."""
        if scope.startswith(("ordinance:", "national")) and scope not in self.citable_rule_ids:
            return []
        if scope.startswith("pending:") and scope.removeprefix("pending:") != self.prefecture_code:
            return []
        return [c for c in citation_book().citations.values() if c.scope == scope]

    def citation(self, cid: str) -> Citation | None:
        """A citation, or None when its rule is not in force at this place and date."""
        c = citation_book().citations[cid]
        if c.scope.startswith("ordinance:") or c.scope == "national_act":
            return c if c.scope in self.citable_rule_ids else None
        if c.scope.startswith("pending:"):
            return c if c.scope.removeprefix("pending:") == self.prefecture_code else None
        return c

    def _note(self, line: str) -> str:
        """A source line as this document shows it: inline, kept for the appendix, or not at all."""
        if self.sources_mode == "none":
            return ""
        if self.sources_mode == "appendix":
            if line not in self.collected:
                self.collected.append(line)
            return ""
        return "> " + line

    def source_line(self, c: Citation, *, with_label: bool = False) -> str:
        book = citation_book()
        status = STATUS_LABELS[c.status].in_(self.lang)
        where = "; ".join(book.sources[s] for s in c.sources)
        if with_label or self.sources_mode == "appendix":
            where = f"{self.t(c.label)} — {where}"
        if self.lang == "en":
            return self._note(f"Source: {where} ({status})")
        return self._note(f"出典: {where}（{status}）")

    @property
    def appendix(self) -> tuple[str, ...]:
        """The sources cited so far, for the internal appendix."""
        return tuple(self.collected)

    def cite(self, cid: str, *, with_label: bool = True) -> str:
        """Markup for one citation: the wording, then its source; an unconfirmed point as a caution."""
        c = self.citation(cid)
        if c is None:
            return ""
        if c.unconfirmed and self.sources_mode == "none":
            return ""  # a customer is told only what is settled
        if c.unconfirmed:
            mark = "【未確認】" if self.lang != "en" else "[Unconfirmed] "
            return f"\n! {mark}{self.t(c.text)}\n{self.source_line(c, with_label=True)}\n"
        text = self.t(c.text)
        if c.quote and self.lang != "en":
            text = f"「{text}」"
        head = f"**{self.t(c.label)}**: " if with_label else ""
        return f"\n{head}{text}\n{self.source_line(c, with_label=not with_label)}\n"

    def rule_sources(self, rule: Rule) -> str:
        label = "出典" if self.lang != "en" else "Source"
        parts = []
        for s in rule.sources:
            status = STATUS_LABELS.get(s.status, STATUS_LABELS["U"]).in_(self.lang)
            parts.append(f"{format_kb_source(s)}（{status}）" if self.lang != "en" else f"{format_kb_source(s)} ({status})")
        head = f"{self.t(rule.title)} — " if self.sources_mode == "appendix" else ""
        return self._note(f"{label}: {head}" + "; ".join(parts))

    def rule_since(self, rule: Rule) -> str:
        if rule.effective_from is None:
            return ""
        mark = "" if rule.from_confirmed else ("（施行日は未確認）" if self.lang != "en" else " (date unconfirmed)")
        return rule.effective_from.isoformat() + mark

    @property
    def behaviours(self) -> tuple[Behaviour, ...]:
        return self.kb.behaviours

    @property
    def response_types(self) -> tuple[ResponseType, ...]:
        return self.kb.response_types

    def action_label(self, action_id: str) -> str:
        return self.t(self.kb.action(action_id).label)

    def action_text(self, action_id: str) -> str:
        return self.t(self.kb.action(action_id).text)

    def category_label(self, category_id: str) -> str:
        return self.t(self.kb.category(category_id).label)

    def offence(self, article: str) -> Offence:
        return self.kb.offence(article)

    def penalty_text(self, offence: Offence, on: date) -> str:
        """The penalty clause for conduct on `on` (NotInForceError outside the recorded dates)."""
        p = offence.penalty_on(on)
        text = p.resolved_text or p.text
        if self.lang == "en" and p.gloss_en:
            text = f"{p.gloss_en} ({text})"
        if p.status == "U":
            note = f" {self.t(p.note)}" if p.note else ""
            text += f"（未確認{note}）" if self.lang != "en" else f" (unconfirmed{note})"
        return text

    def sources_text(self, sources: tuple[Source, ...]) -> str:
        return "; ".join(format_kb_source(s) for s in sources)


def legal_context(
    *, on: date, lang: str, prefecture_code: str, municipality_code: str = "", kb: KnowledgeBase | None = None,
    sites: tuple[tuple[str, str, str], ...] = (),
) -> LegalContext:
    """The legal context of a place on a date, from the knowledge base.

    `sites` are (name, prefecture code, municipality code) of the company's sites: an ordinance in
    force where a site is, but not at the company's own place, is listed with the sites it covers.
    """
    base = kb if kb is not None else load_knowledge_base()
    rules = base.rules_in_force(on=on, prefecture_code=prefecture_code, municipality_code=municipality_code or None)
    own = {r.id for r in rules}
    extra: dict[str, tuple[Rule, list[str]]] = {}
    for name, pref, muni in sites:
        if not pref:
            continue
        for rule in base.rules_in_force(on=on, prefecture_code=pref, municipality_code=muni or None):
            if rule.scope != "national" and rule.id not in own:
                extra.setdefault(rule.id, (rule, []))[1].append(name)
    pending = tuple(
        r
        for r in base.rules_for_place(prefecture_code=prefecture_code, municipality_code=municipality_code or None)
        if r.pending
    )
    return LegalContext(
        on=on, lang=lang, kb=base, rules=rules, pending_rules=pending, prefecture_code=prefecture_code,
        municipality_code=municipality_code,
        site_rules=tuple((rule, tuple(names)) for rule, names in extra.values()),
    )


def as_dict(c: Citation) -> dict[str, Any]:
    return {"id": c.id, "scope": c.scope, "label": c.label.ja, "status": c.status}
