"""Strict loader: packaged YAML → validated `KnowledgeBase`.

Law as data is only trustworthy if the data cannot be silently wrong, so every problem is an
error that names the file and the entry: unknown keys, duplicate ids or YAML keys, missing
sources, unsorted or overlapping dates, dangling references. Problems are collected, not
stopped at the first, so `kasuhara kb check` can list them all.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from typing import Any

import yaml

from kasuhara.errors import KnowledgeBaseError, Message
from kasuhara.knowledge.conditions import CHOICE, COUNT, FLAG, Vocabulary, compile_condition
from kasuhara.knowledge.model import (
    CITATION_STATUSES,
    STATUSES,
    URGENCIES,
    Action,
    Behaviour,
    Category,
    Citation,
    Condition,
    DemandAction,
    DeterminationInfo,
    DeterminationRule,
    DeterrenceProposal,
    Inference,
    KnowledgeBase,
    Municipality,
    Offence,
    Penalty,
    Prefecture,
    ResponseType,
    Rule,
    RuleVersion,
    Situation,
    Source,
    Step,
)
from kasuhara.knowledge.vocabulary import (
    CHANNELS,
    DEMAND_AXIS,
    DEMAND_KINDS,
    DETERMINATIONS,
    DETERRENCE_STEPS,
    MANNER_AXIS,
    RULE_KINDS,
    SCOPES,
    VALIDITIES,
)
from kasuhara.strict_yaml import strict_load

DATA_FILES = (
    "meta.yaml",
    "behaviours.yaml",
    "offences.yaml",
    "rules.yaml",
    "actions.yaml",
    "responses.yaml",
    "places.yaml",
    "deterrence.yaml",
    "citations.yaml",
)


@dataclass(frozen=True)
class Problem:
    """One problem in the data: which file, which entry, what."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


class KnowledgeBaseInvalid(KnowledgeBaseError):
    """Raised with every problem found, so a data author sees them all at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            Message(
                f"知識ベースに{len(problems)}件の問題があります:\n{listing}",
                f"the knowledge base has {len(problems)} problem(s):\n{listing}",
            )
        )


def parse_yaml(text: str, filename: str) -> Any:
    """Parse one data file strictly; a syntax error or duplicate key names the file."""
    try:
        return strict_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseInvalid([Problem(filename, "(file)", f"malformed YAML: {exc}")]) from exc


def read_packaged_documents() -> dict[str, Any]:
    """The raw parsed data files shipped in the package (the only I/O the core does)."""
    root = resources.files("kasuhara.knowledge").joinpath("data")
    return {
        name: parse_yaml(root.joinpath(name).read_text(encoding="utf-8"), name) for name in DATA_FILES
    }


def packaged_data_digest() -> str:
    """SHA-256 over the packaged data files, in DATA_FILES order: any change to the law's data
    changes it, so `versions.txt` (and a test) can insist that the version moves with it."""
    root = resources.files("kasuhara.knowledge").joinpath("data")
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update(name.encode() + b"\0" + root.joinpath(name).read_bytes() + b"\0")
    return h.hexdigest()


def recorded_versions() -> list[tuple[str, str]]:
    """`versions.txt`: one `version digest` line per released state of the data, oldest first."""
    text = resources.files("kasuhara.knowledge").joinpath("versions.txt").read_text(encoding="utf-8")
    rows: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            version, digest = line.split()
            rows.append((version, digest))
    return rows


@functools.cache
def load_knowledge_base() -> KnowledgeBase:
    """The packaged knowledge base, validated and cached for the life of the process."""
    return build_knowledge_base(read_packaged_documents())


class _Checker:
    """Collects problems while building values; each helper names file and entry."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.catalogue: dict[str, Mapping[str, Any]] = {}

    def add(self, file: str, entry: str, message: str) -> None:
        self.problems.append(Problem(file, entry, message))

    def mapping(self, value: Any, file: str, entry: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(file, entry, f"must be a mapping, got {type(value).__name__}")
            return {}
        for key in value:
            if key not in required and key not in optional:
                self.add(file, entry, f"unknown key {key!r} (allowed: {', '.join(sorted(required | optional))})")
        for key in sorted(required):
            if key not in value:
                self.add(file, entry, f"missing key {key!r}")
        return value

    def text(self, value: Any, file: str, entry: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(file, entry, "must be a non-empty string")
            return ""
        return value

    def opt_text(self, value: Any, file: str, entry: str) -> str | None:
        return None if value is None else self.text(value, file, entry)

    def boolean(self, value: Any, file: str, entry: str) -> bool:
        if not isinstance(value, bool):
            self.add(file, entry, "must be true or false")
            return False
        return value

    def day(self, value: Any, file: str, entry: str) -> date | None:
        if value is None:
            return None
        if not isinstance(value, date):
            self.add(file, entry, f"must be a date YYYY-MM-DD, got {value!r}")
            return None
        return value

    def message(self, value: Any, file: str, entry: str) -> Message:
        data = self.mapping(value, file, entry, {"ja", "en"}, set())
        return Message(self.text(data.get("ja"), file, f"{entry}.ja"), self.text(data.get("en"), file, f"{entry}.en"))

    def opt_message(self, value: Any, file: str, entry: str) -> Message | None:
        return None if value is None else self.message(value, file, entry)

    def messages(self, value: Any, file: str, entry: str) -> tuple[Message, ...]:
        if not isinstance(value, list):
            self.add(file, entry, "must be a list")
            return ()
        return tuple(self.message(v, file, f"{entry}[{i}]") for i, v in enumerate(value))

    def id_list(self, value: Any, file: str, entry: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(file, entry, "must be a list of ids")
            return []
        if len(set(value)) != len(value):
            self.add(file, entry, "repeats an id")
        return list(value)

    def sources(self, value: Any, file: str, entry: str) -> tuple[Source, ...]:
        if not isinstance(value, list) or not value:
            self.add(file, entry, "missing sources: every entry needs at least one source")
            return ()
        out: list[Source] = []
        for i, raw in enumerate(value):
            where = f"{entry}.sources[{i}]"
            data = self.mapping(raw, file, where, {"status"}, {"ref", "title", "article", "url", "citation", "note"})
            ref = data.get("ref")
            base: Mapping[str, Any] = {}
            if ref is not None:
                if ref not in self.catalogue:
                    self.add(file, where, f"unknown source ref {ref!r} (define it in meta.yaml sources)")
                else:
                    base = self.catalogue[ref]
            merged = {**base, **{k: v for k, v in data.items() if k != "ref"}}
            status = merged.get("status")
            if status not in STATUSES:
                self.add(file, where, f"status must be one of {', '.join(STATUSES)}, got {status!r}")
            title = merged.get("title")
            if not isinstance(title, str) or not title:
                self.add(file, where, "needs a title (or a ref to the catalogue)")
                title = ""
            if not merged.get("url") and not merged.get("citation"):
                self.add(file, where, "needs a url or a citation")
            out.append(
                Source(
                    title=title,
                    status=str(status),
                    article=self.opt_text(merged.get("article"), file, f"{where}.article"),
                    url=self.opt_text(merged.get("url"), file, f"{where}.url"),
                    citation=self.opt_text(merged.get("citation"), file, f"{where}.citation"),
                    note=self.opt_text(merged.get("note"), file, f"{where}.note"),
                )
            )
        return tuple(out)

    def entries(self, doc: Mapping[str, Any], key: str, file: str) -> list[dict[str, Any]]:
        value = doc.get(key)
        if not isinstance(value, list):
            self.add(file, key, "must be a list of entries")
            return []
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.add(file, f"{key}[{i}]", "must be a mapping")
                continue
            ident = item.get("id")
            if not isinstance(ident, str) or not ident:
                self.add(file, f"{key}[{i}]", "missing id")
                continue
            if ident in seen:
                self.add(file, ident, f"duplicate id {ident!r}")
                continue
            seen.add(ident)
            if not isinstance(item.get("last_reviewed_on"), date):
                self.add(file, ident, "needs last_reviewed_on (YYYY-MM-DD: when a person last checked it against its sources)")
            out.append(item)
        return out


SITUATION_FACTS: dict[str, str] = {
    "channel": CHOICE,
    "demand_kind": CHOICE,
    "validity": CHOICE,
    "prefecture": CHOICE,
    "demand_axis": CHOICE,
    "manner_axis": CHOICE,
    "determination": CHOICE,
    "injury": FLAG,
    "public": FLAG,
    "public_official": FLAG,
    "asked_to_leave": COUNT,
    "physical_contact": FLAG,
    "stayed_after_request": FLAG,
    "weapon_shown": FLAG,
    "acted_jointly": FLAG,
    "accommodation_request": FLAG,
    "lodging": FLAG,
    "public_venue": FLAG,
}
"""The facts the knowledge base's conditions may look at (`Situation`'s fields), in the one condition
language of `kasuhara.knowledge.conditions`."""
SITUATION_CHOICES: dict[str, tuple[str, ...]] = {
    "channel": tuple(CHANNELS),
    "demand_kind": tuple(DEMAND_KINDS),
    "validity": tuple(VALIDITIES),
    "prefecture": tuple(f"{i:02d}" for i in range(1, 48)),
    "demand_axis": DEMAND_AXIS,
    "manner_axis": MANNER_AXIS,
    "determination": DETERMINATIONS,
}


def _compile(ck: _Checker, raw: Any, file: str, entry: str, behaviour_ids: set[str],
             *, behaviours_only: bool = False) -> Condition:
    """Compile a data condition into a closure once, so judging never re-reads the data."""
    vocab = Vocabulary(SITUATION_FACTS, SITUATION_CHOICES, behaviour_ids=behaviour_ids,
                       behaviours_only=behaviours_only)
    compiled = compile_condition(raw, vocab, lambda where, message: ck.add(file, where, message), entry)

    def condition(s: Situation) -> bool:
        return compiled(s)

    return condition


def build_knowledge_base(documents: Mapping[str, Any]) -> KnowledgeBase:
    """Validate raw parsed data files and build the knowledge base (pure: no I/O).

    Raises `KnowledgeBaseInvalid` listing every problem found.
    """
    ck = _Checker()
    for name in DATA_FILES:
        if not isinstance(documents.get(name), dict):
            ck.add(name, "(file)", "missing, or not a mapping at the top level")
    for name in documents:
        if name not in DATA_FILES:
            ck.add(name, "(file)", f"unknown data file (expected: {', '.join(DATA_FILES)})")
    if ck.problems:
        raise KnowledgeBaseInvalid(ck.problems)

    meta = ck.mapping(documents["meta.yaml"], "meta.yaml", "(top)", {"version", "coverage", "sources", "texts"}, set())
    version = ck.text(meta.get("version"), "meta.yaml", "version")
    catalogue = meta.get("sources")
    if isinstance(catalogue, dict):
        for key, value in catalogue.items():
            data = ck.mapping(value, "meta.yaml", f"sources.{key}", {"title"}, {"url", "citation", "note"})
            if not data.get("url") and not data.get("citation"):
                ck.add("meta.yaml", f"sources.{key}", "needs a url or a citation")
            ck.catalogue[str(key)] = data
    else:
        ck.add("meta.yaml", "sources", "must be a mapping of source keys")
    coverage = ck.mapping(meta.get("coverage"), "meta.yaml", "coverage", {"from", "sources"}, {"note"})
    coverage_from = ck.day(coverage.get("from"), "meta.yaml", "coverage.from") or date(1900, 1, 1)
    coverage_sources = ck.sources(coverage.get("sources"), "meta.yaml", "coverage")
    texts: dict[str, Message] = {}
    text_sources: dict[str, tuple[Source, ...]] = {}
    raw_texts = meta.get("texts")
    if isinstance(raw_texts, dict):
        for key, value in raw_texts.items():
            data = ck.mapping(value, "meta.yaml", f"texts.{key}", {"ja", "en", "sources"}, set())
            texts[key] = Message(ck.text(data.get("ja"), "meta.yaml", f"texts.{key}.ja"),
                                 ck.text(data.get("en"), "meta.yaml", f"texts.{key}.en"))
            text_sources[key] = ck.sources(data.get("sources"), "meta.yaml", f"texts.{key}")
    else:
        ck.add("meta.yaml", "texts", "must be a mapping")

    # behaviours and categories
    bdoc = ck.mapping(documents["behaviours.yaml"], "behaviours.yaml", "(top)", {"categories", "behaviours"},
                     {"inferences"})
    categories: list[Category] = []
    for item in ck.entries(bdoc, "categories", "behaviours.yaml"):
        e = item["id"]
        ck.mapping(item, "behaviours.yaml", e, {"id", "label", "sources"}, {"last_reviewed_on"})
        categories.append(Category(e, ck.message(item.get("label"), "behaviours.yaml", f"{e}.label"),
                                   ck.sources(item.get("sources"), "behaviours.yaml", e)))
    category_ids = {c.id for c in categories}
    behaviours: list[Behaviour] = []
    for item in ck.entries(bdoc, "behaviours", "behaviours.yaml"):
        e = item["id"]
        ck.mapping(item, "behaviours.yaml", e,
                   {"id", "label", "description", "category", "regardless_of_demand", "sources"}, {"last_reviewed_on"})
        category = item.get("category")
        if category not in category_ids:
            ck.add("behaviours.yaml", e, f"dangling reference to unknown category {category!r}")
        behaviours.append(
            Behaviour(
                id=e,
                label=ck.message(item.get("label"), "behaviours.yaml", f"{e}.label"),
                description=ck.message(item.get("description"), "behaviours.yaml", f"{e}.description"),
                category=str(category),
                regardless_of_demand=ck.boolean(item.get("regardless_of_demand"), "behaviours.yaml",
                                                f"{e}.regardless_of_demand"),
                sources=ck.sources(item.get("sources"), "behaviours.yaml", e),
            )
        )
    behaviour_ids = {b.id for b in behaviours}
    inferences = _build_inferences(ck, bdoc.get("inferences", []), behaviour_ids)

    offences = _build_offences(ck, documents["offences.yaml"], behaviour_ids, coverage_from)
    rules = _build_rules(ck, documents["rules.yaml"], behaviour_ids)
    actions = _build_actions(ck, documents["actions.yaml"])
    action_ids = {a.id for a in actions}
    response_types, determinations = _build_responses(ck, documents["responses.yaml"], behaviour_ids, action_ids)
    decision, matrix, matrix_sources = _build_decision(ck, documents["responses.yaml"], behaviour_ids, action_ids)
    demand_actions = _build_demand_actions(ck, documents["responses.yaml"], behaviour_ids, action_ids)
    covered = {t for rt in response_types for t in rt.triggers}
    for b in behaviours:
        if b.id not in covered:
            ck.add("responses.yaml", "response_types", f"behaviour {b.id!r} is not a trigger of any response type")
    prefectures, municipalities, place_sources = _build_places(ck, documents["places.yaml"])
    deterrence = _build_deterrence(ck, documents["deterrence.yaml"], behaviour_ids)
    citations = _build_citations(ck, documents["citations.yaml"], rules)
    prefecture_codes = {p.code for p in prefectures}
    municipality_codes = {m.code for m in municipalities}
    for rule in rules:
        if rule.scope != "national" and rule.prefecture_code not in prefecture_codes:
            ck.add("rules.yaml", rule.id, f"dangling reference to unknown prefecture {rule.prefecture_code!r}")
        if rule.scope == "municipality" and rule.municipality_code not in municipality_codes:
            ck.add("rules.yaml", rule.id,
                   f"dangling reference to municipality {rule.municipality_code!r} missing from places.yaml")
    if ck.problems:
        raise KnowledgeBaseInvalid(ck.problems)
    return KnowledgeBase(
        version=version,
        coverage_from=coverage_from,
        coverage_sources=coverage_sources,
        categories=tuple(categories),
        behaviours=tuple(behaviours),
        offences=offences,
        rules=rules,
        actions=actions,
        response_types=response_types,
        determinations=determinations,
        prefectures=prefectures,
        municipalities=municipalities,
        texts=texts,
        text_sources=text_sources,
        place_sources=place_sources,
        inferences=inferences,
        determination_rules=decision,
        manner_matrix=matrix,
        manner_matrix_sources=matrix_sources,
        deterrence=deterrence,
        demand_actions=demand_actions,
        citations=citations,
        catalogue={k: _display(v) for k, v in ck.catalogue.items()},
    )


def _build_offences(ck: _Checker, doc: Any, behaviour_ids: set[str], coverage_from: date) -> tuple[Offence, ...]:
    f = "offences.yaml"
    doc = ck.mapping(doc, f, "(top)", {"laws", "offences"}, set())
    laws: dict[str, Message] = {}
    if isinstance(doc.get("laws"), dict):
        laws = {k: ck.message(v, f, f"laws.{k}") for k, v in doc["laws"].items()}
    else:
        ck.add(f, "laws", "must be a mapping of law ids to names")
    built: list[Offence] = []
    for item in ck.entries(doc, "offences", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "article", "law", "name", "elements", "complaint_required", "attempt",
                                "triggers", "applies_when", "unmet", "penalties", "sources"},
                   {"complaint_basis", "attempt_basis", "attempt_name", "item", "last_reviewed_on", "extra_elements"})
        law = item.get("law")
        if law not in laws:
            ck.add(f, e, f"dangling reference to unknown law {law!r}")
        triggers = ck.id_list(item.get("triggers"), f, f"{e}.triggers")
        for t in triggers:
            if t not in behaviour_ids:
                ck.add(f, f"{e}.triggers", f"dangling reference to unknown behaviour {t!r}")
        penalties = _build_penalties(ck, item.get("penalties"), f, e)
        if penalties and penalties[0].effective_from != coverage_from:
            ck.add(f, f"{e}.penalties", f"the first penalty must start at coverage.from {coverage_from}")
        complaint = ck.boolean(item.get("complaint_required"), f, f"{e}.complaint_required")
        if complaint and not item.get("complaint_basis"):
            ck.add(f, e, "complaint_required needs complaint_basis (the article that requires it)")
        attempt = ck.boolean(item.get("attempt"), f, f"{e}.attempt")
        if not attempt and item.get("attempt_name"):
            ck.add(f, e, "attempt_name needs attempt: true")
        if attempt and not item.get("attempt_basis"):
            ck.add(f, e, "attempt: true needs attempt_basis (the article that punishes the attempt)")
        built.append(
            Offence(
                id=e,
                article=ck.text(item.get("article"), f, f"{e}.article"),
                law=str(law),
                law_name=laws.get(str(law), Message("", "")),
                name=ck.message(item.get("name"), f, f"{e}.name"),
                elements=ck.messages(item.get("elements"), f, f"{e}.elements"),
                complaint_required=complaint,
                complaint_basis=ck.opt_text(item.get("complaint_basis"), f, f"{e}.complaint_basis"),
                attempt_punishable=attempt,
                attempt_basis=ck.opt_text(item.get("attempt_basis"), f, f"{e}.attempt_basis"),
                triggers=frozenset(triggers),
                applies_when=_compile(ck, item.get("applies_when"), f, f"{e}.applies_when", behaviour_ids),
                unmet=ck.message(item.get("unmet"), f, f"{e}.unmet"),
                penalties=penalties,
                sources=ck.sources(item.get("sources"), f, e),
                item=ck.opt_text(item.get("item"), f, f"{e}.item"),
                attempt_name=ck.opt_message(item.get("attempt_name"), f, f"{e}.attempt_name"),
                extra_elements=_extra_elements(ck, item.get("extra_elements", []), f, e, behaviour_ids),
                last_reviewed_on=ck.day(item.get("last_reviewed_on"), f, f"{e}.last_reviewed_on"),
                _starts=tuple(p.effective_from for p in penalties),
            )
        )
    by_id = {o.id: o for o in built}
    resolved: list[Offence] = []
    for offence in built:
        penalties_out: list[Penalty] = []
        for p in offence.penalties:
            if p.same_as is None:
                penalties_out.append(p)
                continue
            target = by_id.get(p.same_as)
            if target is None:
                ck.add(f, offence.id, f"dangling reference same_as {p.same_as!r}")
                penalties_out.append(p)
                continue
            # 「前条の例による」: the referenced clause on the same start date
            try:
                text = target.penalty_on(p.effective_from).text
            except KnowledgeBaseError:
                ck.add(f, offence.id, f"same_as {p.same_as!r} has no penalty on {p.effective_from}")
                text = None
            penalties_out.append(replace(p, resolved_text=text))
        resolved.append(replace(offence, penalties=tuple(penalties_out)))
    return tuple(resolved)


def _extra_elements(ck: _Checker, value: Any, f: str, e: str,
                    behaviour_ids: set[str]) -> tuple[tuple[Condition, Message], ...]:
    if not isinstance(value, list):
        ck.add(f, f"{e}.extra_elements", "must be a list of {when, text}")
        return ()
    out: list[tuple[Condition, Message]] = []
    for i, raw in enumerate(value):
        where = f"{e}.extra_elements[{i}]"
        data = ck.mapping(raw, f, where, {"when", "text"}, set())
        out.append((_compile(ck, data.get("when"), f, f"{where}.when", behaviour_ids),
                    ck.message(data.get("text"), f, f"{where}.text")))
    return tuple(out)


def _build_penalties(ck: _Checker, value: Any, f: str, e: str) -> tuple[Penalty, ...]:
    if not isinstance(value, list) or not value:
        ck.add(f, f"{e}.penalties", "must be a non-empty list keyed by effective date")
        return ()
    out: list[Penalty] = []
    for i, raw in enumerate(value):
        where = f"{e}.penalties[{i}]"
        data = ck.mapping(raw, f, where, {"from", "text", "status", "sources"},
                          {"until", "name", "en", "same_as", "note"})
        start = ck.day(data.get("from"), f, f"{where}.from")
        until = ck.day(data.get("until"), f, f"{where}.until")
        if start is None:
            ck.add(f, where, "missing effective date 'from'")
            continue
        if until is not None and i != len(value) - 1:
            ck.add(f, where, "only the last period may have 'until' (earlier ones end where the next begins)")
        if until is not None and until < start:
            ck.add(f, where, f"until {until} is before from {start}")
        if out and start <= out[-1].effective_from:
            ck.add(f, where, f"date ranges are unsorted or overlapping: {start} is not after {out[-1].effective_from}")
        status = data.get("status")
        if status not in STATUSES:
            ck.add(f, where, f"status must be one of {', '.join(STATUSES)}")
        out.append(
            Penalty(
                text=ck.text(data.get("text"), f, f"{where}.text"),
                effective_from=start,
                effective_until=until,
                status=str(status),
                sources=ck.sources(data.get("sources"), f, where),
                name=ck.opt_message(data.get("name"), f, f"{where}.name"),
                gloss_en=ck.opt_text(data.get("en"), f, f"{where}.en"),
                same_as=ck.opt_text(data.get("same_as"), f, f"{where}.same_as"),
                note=ck.opt_message(data.get("note"), f, f"{where}.note"),
            )
        )
    # close each period the day before the next one starts
    closed: list[Penalty] = []
    for i, p in enumerate(out):
        if i + 1 < len(out):
            nxt = out[i + 1].effective_from
            p = replace(p, effective_until=date.fromordinal(nxt.toordinal() - 1))
        closed.append(p)
    return tuple(closed)


def _build_rules(ck: _Checker, doc: Any, behaviour_ids: set[str]) -> tuple[Rule, ...]:
    f = "rules.yaml"
    doc = ck.mapping(doc, f, "(top)", {"rules"}, set())
    out: list[Rule] = []
    for item in ck.entries(doc, "rules", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "kind", "scope", "title", "summary", "duty", "sources"},
                   {"prefecture", "municipality", "from", "from_status", "until", "pending", "penalty",
                    "measures", "notes", "promulgated", "pending_reason", "applies_when", "applies_when_text",
                    "measures_basis", "versions", "last_reviewed_on"})
        kind, scope = item.get("kind"), item.get("scope")
        if kind not in RULE_KINDS:
            ck.add(f, e, f"kind must be one of {', '.join(RULE_KINDS)}")
        if scope not in SCOPES:
            ck.add(f, e, f"scope must be one of {', '.join(SCOPES)}")
        pref, muni = item.get("prefecture"), item.get("municipality")
        if scope in ("prefecture", "municipality") and not isinstance(pref, str):
            ck.add(f, e, "a local rule needs 'prefecture' (JIS code as a string)")
        if scope == "municipality" and not isinstance(muni, str):
            ck.add(f, e, "a municipal rule needs 'municipality' (code as a string)")
        expected_id = (
            "ordinance:" + str(muni if scope == "municipality" else pref) if kind == "ordinance" else None
        )
        if expected_id and e != expected_id:
            ck.add(f, e, f"an ordinance's id must be {expected_id!r}")
        pending = item.get("pending", False)
        if not isinstance(pending, bool):
            ck.add(f, e, "pending must be true or false")
            pending = False
        start = ck.day(item.get("from"), f, f"{e}.from")
        until = ck.day(item.get("until"), f, f"{e}.until")
        if not pending and start is None:
            ck.add(f, e, "a rule that is not pending needs 'from'")
        if pending and (start is not None or until is not None):
            ck.add(f, e, "a pending rule has no dates in force")
        if start and until and until < start:
            ck.add(f, e, f"date ranges are inverted: until {until} before from {start}")
        from_status = item.get("from_status", "V2")
        if from_status not in STATUSES:
            ck.add(f, e, f"from_status must be one of {', '.join(STATUSES)}")
        if item.get("pending_reason") is not None and not pending:
            ck.add(f, e, "pending_reason is for a pending rule")
        promulgated = ck.day(item.get("promulgated"), f, f"{e}.promulgated")
        if promulgated and start and start < promulgated:
            ck.add(f, e, f"in force {start} before promulgation {promulgated}")
        applies = item.get("applies_when")
        if (applies is None) != (item.get("applies_when_text") is None):
            ck.add(f, e, "'applies_when' and 'applies_when_text' go together")
        condition = None if applies is None else _compile(ck, applies, f, f"{e}.applies_when", behaviour_ids)
        versions = _build_versions(ck, item.get("versions", []), f, e, start)
        out.append(
            Rule(
                id=e,
                kind=str(kind),
                scope=str(scope),
                prefecture_code=pref if isinstance(pref, str) else None,
                municipality_code=muni if isinstance(muni, str) else None,
                title=ck.message(item.get("title"), f, f"{e}.title"),
                summary=ck.message(item.get("summary"), f, f"{e}.summary"),
                duty=ck.message(item.get("duty"), f, f"{e}.duty"),
                effective_from=start,
                effective_until=until,
                from_confirmed=from_status != "U",
                pending=pending,
                penalty=ck.opt_message(item.get("penalty"), f, f"{e}.penalty"),
                measures=ck.messages(item.get("measures", []), f, f"{e}.measures"),
                notes=ck.messages(item.get("notes", []), f, f"{e}.notes"),
                sources=ck.sources(item.get("sources"), f, e),
                promulgated=promulgated,
                pending_reason=ck.opt_message(item.get("pending_reason"), f, f"{e}.pending_reason"),
                applies_when=condition,
                applies_when_text=ck.opt_message(item.get("applies_when_text"), f, f"{e}.applies_when_text"),
                measures_basis=ck.opt_message(item.get("measures_basis"), f, f"{e}.measures_basis"),
                versions=versions,
                last_reviewed_on=ck.day(item.get("last_reviewed_on"), f, f"{e}.last_reviewed_on"),
            )
        )
    # the same rule id over time must not overlap: national rules with one id per period
    return tuple(out)


def _build_versions(ck: _Checker, value: Any, f: str, e: str, start: date | None) -> tuple[RuleVersion, ...]:
    """Amendments of a rule, keyed by the date they took effect (sorted, after the rule's start)."""
    if not isinstance(value, list):
        ck.add(f, f"{e}.versions", "must be a list of amendments keyed by date")
        return ()
    out: list[RuleVersion] = []
    for i, raw in enumerate(value):
        where = f"{e}.versions[{i}]"
        data = ck.mapping(raw, f, where, {"from", "status", "sources"}, {"summary", "duty", "notes"})
        day = ck.day(data.get("from"), f, f"{where}.from")
        if day is None:
            ck.add(f, where, "missing effective date 'from'")
            continue
        if start is not None and day <= start:
            ck.add(f, where, f"an amendment must take effect after the rule itself ({start})")
        if out and day <= out[-1].effective_from:
            ck.add(f, where, f"date ranges are unsorted or overlapping: {day} is not after {out[-1].effective_from}")
        status = data.get("status")
        if status not in STATUSES:
            ck.add(f, where, f"status must be one of {', '.join(STATUSES)}")
        if data.get("summary") is None and data.get("duty") is None and not data.get("notes"):
            ck.add(f, where, "an amendment changes summary, duty or notes")
        out.append(RuleVersion(
            effective_from=day,
            status=str(status),
            summary=ck.opt_message(data.get("summary"), f, f"{where}.summary"),
            duty=ck.opt_message(data.get("duty"), f, f"{where}.duty"),
            notes=ck.messages(data.get("notes", []), f, f"{where}.notes"),
            sources=ck.sources(data.get("sources"), f, where),
        ))
    return tuple(out)


INFERENCE_LIMITS = ("time_limit", "contact_limit", "none")


def _build_inferences(ck: _Checker, value: Any, behaviour_ids: set[str]) -> tuple[Inference, ...]:
    f = "behaviours.yaml"
    if not isinstance(value, list):
        ck.add(f, "inferences", "must be a list")
        return ()
    out: list[Inference] = []
    for i, raw in enumerate(value):
        where = f"inferences[{i}]"
        data = ck.mapping(raw, f, where, {"behaviour", "limit", "sources", "last_reviewed_on"}, {"when"})
        if data.get("behaviour") not in behaviour_ids:
            ck.add(f, where, f"dangling reference to unknown behaviour {data.get('behaviour')!r}")
        if data.get("limit") not in INFERENCE_LIMITS:
            ck.add(f, where, f"limit must be one of {', '.join(INFERENCE_LIMITS)}")
        when = data.get("when")
        out.append(Inference(str(data.get("behaviour")), str(data.get("limit")),
                             None if when is None else _compile(ck, when, f, f"{where}.when", behaviour_ids),
                             ck.sources(data.get("sources"), f, where)))
    return tuple(out)


def _build_demand_actions(ck: _Checker, doc: Any, behaviour_ids: set[str],
                          action_ids: set[str]) -> tuple[DemandAction, ...]:
    f = "responses.yaml"
    if not isinstance(doc, dict):
        return ()
    out: list[DemandAction] = []
    for item in ck.entries(doc, "demand_actions", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "action", "when", "sources", "last_reviewed_on"}, {"when_text"})
        if item.get("action") not in action_ids:
            ck.add(f, e, f"dangling reference to unknown action {item.get('action')!r}")
        out.append(DemandAction(e, str(item.get("action")), _compile(ck, item.get("when"), f, f"{e}.when", behaviour_ids),
                                ck.opt_message(item.get("when_text"), f, f"{e}.when_text"),
                                ck.sources(item.get("sources"), f, e)))
    return tuple(out)


def _build_decision(
    ck: _Checker, doc: Any, behaviour_ids: set[str], action_ids: set[str]
) -> tuple[tuple[DeterminationRule, ...], dict[str, str], tuple[Source, ...]]:
    f = "responses.yaml"
    if not isinstance(doc, dict):
        return (), {}, ()
    rules: list[DeterminationRule] = []
    raw_rules = doc.get("determination_rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        ck.add(f, "determination_rules", "must be a non-empty ordered list")
        raw_rules = []
    for i, raw in enumerate(raw_rules):
        where = f"determination_rules[{i}]"
        data = ck.mapping(raw, f, where, {"result", "sources", "last_reviewed_on"}, {"when", "explanation", "actions"})
        acts = None if data.get("actions") is None else tuple(ck.id_list(data.get("actions"), f, f"{where}.actions"))
        for a in acts or ():
            if a not in action_ids:
                ck.add(f, f"{where}.actions", f"dangling reference to unknown action {a!r}")
        if data.get("result") not in DETERMINATIONS:
            ck.add(f, where, f"result must be one of {', '.join(DETERMINATIONS)}")
        when = data.get("when")
        if when is None and i != len(raw_rules) - 1:
            ck.add(f, where, "only the last rule may have no condition (the rules after it could never apply)")
        rules.append(DeterminationRule(None if when is None else _compile(ck, when, f, f"{where}.when", behaviour_ids),
                                       str(data.get("result")), ck.sources(data.get("sources"), f, where),
                                       ck.opt_message(data.get("explanation"), f, f"{where}.explanation"), acts))
    if rules and rules[-1].when is not None:
        ck.add(f, "determination_rules", "the last rule must have no condition, so every case is decided")
    matrix_raw = doc.get("manner_matrix")
    matrix: dict[str, str] = {}
    if not isinstance(matrix_raw, dict) or set(matrix_raw) != set(DEMAND_AXIS):
        ck.add(f, "manner_matrix", f"must map each of {', '.join(DEMAND_AXIS)} to a manner result")
    else:
        for k, v in matrix_raw.items():
            if v not in MANNER_AXIS:
                ck.add(f, f"manner_matrix.{k}", f"must be one of {', '.join(MANNER_AXIS)}")
            matrix[str(k)] = str(v)
    sources = ck.sources(doc.get("manner_matrix_sources"), f, "manner_matrix")
    return tuple(rules), matrix, sources


def _display(entry: Mapping[str, Any]) -> str:
    """A catalogue entry as one line: title（url or citation）."""
    where = entry.get("url") or entry.get("citation")
    return f"{entry.get('title')}（{where}）" if where else str(entry.get("title"))


def _build_citations(ck: _Checker, doc: Any, rules: tuple[Rule, ...]) -> tuple[Citation, ...]:
    f = "citations.yaml"
    doc = ck.mapping(doc, f, "(top)", {"citations"}, set())
    rule_ids = {r.id for r in rules}
    pending_codes = {r.prefecture_code for r in rules if r.pending}
    out: list[Citation] = []
    for item in ck.entries(doc, "citations", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "scope", "label", "text", "quote", "status", "sources"}, {"last_reviewed_on"})
        scope = item.get("scope")
        ok = scope == "practice" or scope in rule_ids or (
            isinstance(scope, str) and scope.startswith("pending:") and scope.removeprefix("pending:") in pending_codes)
        if not ok:
            ck.add(f, e, f"scope {scope!r} is not a rule id, 'practice' or 'pending:<code of a pending rule>'")
        if item.get("status") not in CITATION_STATUSES:
            ck.add(f, e, f"status must be one of {', '.join(CITATION_STATUSES)}")
        keys = ck.id_list(item.get("sources"), f, f"{e}.sources")
        if not keys:
            ck.add(f, e, "missing sources: every entry needs at least one source")
        for key in keys:
            if key not in ck.catalogue:
                ck.add(f, f"{e}.sources", f"unknown source ref {key!r} (define it in meta.yaml sources)")
        out.append(Citation(
            id=e, scope=str(scope), label=ck.message(item.get("label"), f, f"{e}.label"),
            text=ck.message(item.get("text"), f, f"{e}.text"), quote=ck.boolean(item.get("quote"), f, f"{e}.quote"),
            status=str(item.get("status")), sources=tuple(keys),
        ))
    return tuple(out)


def _build_deterrence(ck: _Checker, doc: Any, behaviour_ids: set[str]) -> tuple[DeterrenceProposal, ...]:
    f = "deterrence.yaml"
    doc = ck.mapping(doc, f, "(top)", {"proposals"}, set())
    out: list[DeterrenceProposal] = []
    for item in ck.entries(doc, "proposals", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "step", "reason", "sources"}, {"min_events", "after", "when", "last_reviewed_on"})
        if item.get("step") not in DETERRENCE_STEPS:
            ck.add(f, e, f"step must be one of {', '.join(DETERRENCE_STEPS)}")
        after = ck.id_list(item.get("after", []), f, f"{e}.after")
        for step in after:
            if step not in DETERRENCE_STEPS:
                ck.add(f, f"{e}.after", f"unknown step {step!r}")
        min_events = item.get("min_events", 0)
        if isinstance(min_events, bool) or not isinstance(min_events, int) or min_events < 0:
            ck.add(f, f"{e}.min_events", "must be an integer of at least 0")
            min_events = 0
        when = item.get("when")
        out.append(DeterrenceProposal(
            id=e, step=str(item.get("step")), reason=ck.message(item.get("reason"), f, f"{e}.reason"),
            min_events=min_events, after=tuple(after),
            when=None if when is None else _compile(ck, when, f, f"{e}.when", behaviour_ids, behaviours_only=True),
            sources=ck.sources(item.get("sources"), f, e),
        ))
    return tuple(out)


def _build_actions(ck: _Checker, doc: Any) -> tuple[Action, ...]:
    f = "actions.yaml"
    doc = ck.mapping(doc, f, "(top)", {"actions"}, set())
    out: list[Action] = []
    for rank, item in enumerate(ck.entries(doc, "actions", f)):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "urgency", "label", "text", "sources"}, {"last_reviewed_on"})
        urgency = item.get("urgency")
        if urgency not in URGENCIES:
            ck.add(f, e, f"urgency must be one of {', '.join(URGENCIES)}")
        out.append(Action(e, str(urgency), rank, ck.message(item.get("label"), f, f"{e}.label"),
                          ck.message(item.get("text"), f, f"{e}.text"), ck.sources(item.get("sources"), f, e)))
    ranks = [URGENCIES.index(a.urgency) for a in out if a.urgency in URGENCIES]
    if ranks != sorted(ranks):
        ck.add(f, "actions", "list actions in order of urgency (immediate first): the order is the priority")
    return tuple(out)


def _build_responses(
    ck: _Checker, doc: Any, behaviour_ids: set[str], action_ids: set[str]
) -> tuple[tuple[ResponseType, ...], tuple[DeterminationInfo, ...]]:
    f = "responses.yaml"
    doc = ck.mapping(doc, f, "(top)", {"response_types", "determinations"},
                     {"determination_rules", "manner_matrix", "manner_matrix_sources", "demand_actions"})
    types: list[ResponseType] = []
    for item in ck.entries(doc, "response_types", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "label", "description", "triggers", "steps", "sources"},
                   {"applies_when", "last_reviewed_on"})
        triggers = ck.id_list(item.get("triggers"), f, f"{e}.triggers")
        for t in triggers:
            if t not in behaviour_ids:
                ck.add(f, f"{e}.triggers", f"dangling reference to unknown behaviour {t!r}")
        applies = item.get("applies_when")
        condition = None if applies is None else _compile(ck, applies, f, f"{e}.applies_when", behaviour_ids)
        if not triggers and condition is None:
            ck.add(f, e, "needs triggers or applies_when")
        steps: list[Step] = []
        raw_steps = item.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            ck.add(f, f"{e}.steps", "must be a non-empty ordered list")
            raw_steps = []
        for i, raw in enumerate(raw_steps):
            where = f"{e}.steps[{i}]"
            data = ck.mapping(raw, f, where, {"action"}, {"when", "when_text"})
            action = data.get("action")
            if action not in action_ids:
                ck.add(f, where, f"dangling reference to unknown action {action!r}")
            when = data.get("when")
            if when is None and data.get("when_text") is not None:
                ck.add(f, where, "'when_text' describes a 'when' condition (omit it, or add the condition)")
            steps.append(
                Step(
                    action=str(action),
                    when=None if when is None else _compile(ck, when, f, f"{where}.when", behaviour_ids),
                    when_text=ck.opt_message(data.get("when_text"), f, f"{where}.when_text"),
                )
            )
        types.append(ResponseType(e, ck.message(item.get("label"), f, f"{e}.label"),
                                  ck.message(item.get("description"), f, f"{e}.description"),
                                  frozenset(triggers), condition, tuple(steps),
                                  ck.sources(item.get("sources"), f, e)))
    dets: list[DeterminationInfo] = []
    for item in ck.entries(doc, "determinations", f):
        e = item["id"]
        ck.mapping(item, f, e, {"id", "label", "explanation", "actions", "sources"}, {"last_reviewed_on"})
        if e not in DETERMINATIONS:
            ck.add(f, e, f"unknown determination (allowed: {', '.join(DETERMINATIONS)})")
        acts = ck.id_list(item.get("actions"), f, f"{e}.actions")
        for a in acts:
            if a not in action_ids:
                ck.add(f, f"{e}.actions", f"dangling reference to unknown action {a!r}")
        dets.append(DeterminationInfo(e, ck.message(item.get("label"), f, f"{e}.label"),
                                      ck.message(item.get("explanation"), f, f"{e}.explanation"),
                                      tuple(acts), ck.sources(item.get("sources"), f, e)))
    missing = set(DETERMINATIONS) - {d.id for d in dets}
    if missing:
        ck.add(f, "determinations", f"missing determinations: {', '.join(sorted(missing))}")
    return tuple(types), tuple(dets)


def _build_places(
    ck: _Checker, doc: Any
) -> tuple[tuple[Prefecture, ...], tuple[Municipality, ...], tuple[Source, ...]]:
    f = "places.yaml"
    doc = ck.mapping(doc, f, "(top)", {"sources", "prefectures", "municipalities"}, set())
    sources = ck.sources(doc.get("sources"), f, "(top)")
    prefectures: list[Prefecture] = []
    raw = doc.get("prefectures")
    if not isinstance(raw, list):
        ck.add(f, "prefectures", "must be a list of [code, name, english name]")
        raw = []
    codes: set[str] = set()
    for i, row in enumerate(raw):
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)):
            ck.add(f, f"prefectures[{i}]", "must be [code, name, english name] strings")
            continue
        code, name, name_en = row
        if code in codes or len(code) != 2 or not code.isdigit():
            ck.add(f, f"prefectures[{i}]", f"bad or duplicate JIS code {code!r}")
        codes.add(code)
        short = name[:-1] if name.endswith(("都", "府", "県")) else name
        prefectures.append(Prefecture(code, name, short, name_en))
    municipalities: list[Municipality] = []
    raw_m = doc.get("municipalities")
    if not isinstance(raw_m, list):
        ck.add(f, "municipalities", "must be a list of [code, name, english name]")
        raw_m = []
    mcodes: set[str] = set()
    for i, row in enumerate(raw_m):
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)):
            ck.add(f, f"municipalities[{i}]", "must be [code, name, english name] strings")
            continue
        code, name, name_en = row
        if code in mcodes or len(code) != 5 or not code.isdigit():
            ck.add(f, f"municipalities[{i}]", f"bad or duplicate code {code!r}")
        elif code[:2] not in codes:
            ck.add(f, f"municipalities[{i}]", f"dangling reference to prefecture {code[:2]!r}")
        mcodes.add(code)
        municipalities.append(Municipality(code, name, name_en, code[:2]))
    return tuple(prefectures), tuple(municipalities), sources


Builder = Callable[[Mapping[str, Any]], KnowledgeBase]
