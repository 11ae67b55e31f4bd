"""Explainable rules: patterns kept as data (`data/rules_*.yaml`), each with its behaviour, reason and guards.

A rule fires only when its pattern matches the normalised, kana-folded text AND none of its guards
holds. Guards are what keeps a keyword list from over-firing:
- `whole_word`: the match must be a word of its own by the morphological analysis (殺虫剤, バカンス);
- `unless_negated`: the predicate is denied (「晒したりしません」);
- `needs_will`: only an imperative or volitional form counts (「殺してやる」, not 「殺された」);
- `unless_before` / `unless_after` / `unless_text`: context that makes it harmless (死ぬほどうまい);
- `requires_text`: context that must be present (a second person, a staff member, a threat);
- reported speech (「死ねと言われた」, "a customer called me an idiot") is dropped for every rule,
  because whoever is reporting abuse is not the one committing it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from kasuhara.errors import Message
from kasuhara.screen import morph
from kasuhara.screen.anchors import anchors_for
from kasuhara.strict_yaml import strict_load

BEHAVIOURS: tuple[str, ...] = (
    "verbal_abuse",
    "threat",
    "intimidation",
    "forced_kneeling",
    "excessive_demand",
    "sns_exposure",
    "unauthorized_filming",
    "refusal_to_leave",
    "discriminatory",
    "sexual",
    "attack_on_individual",
    "repeated_contact",
    "defamation",
)

_WINDOW = 14
_SMALL_BATCH = 8  # fewer texts than this: `candidates` one by one
_RULE_KEYS = {
    "id", "behaviour", "score", "pattern", "whole_word", "unless_negated", "needs_will",
    "unless_before", "unless_after", "unless_text", "requires_text", "reason", "allow_reported",
}

_REPORTED_JA = re.compile(
    r"^.{0,6}?(?:と|って|っと|とか)(?:何度も|何回も|大声で|繰り返し)?"
    r"(?:言われ|いわれ|怒鳴られ|どなられ|脅され|おどされ|罵られ|ののしられ|書かれ|書き込まれ|迫られ|要求され|求められ|"
    r"言ってきた|いってきた|言っていた|言ってた|言ってきました|叫ばれ|凄まれ|すごまれ|詰め寄られ|吐かれ|言う客|いう客|"
    r"いう(?:内容|電話|メール|発言|クレーム|書き込み|投稿)|言う(?:内容|電話|メール|発言|クレーム))"
    r"|^[^。]{0,6}?[」』\"](?:と|って|っと|という|との)(?:いう|言う)?(?:[^。]{0,8})?"
    r"(?:怒鳴|どな|叫|さけ|言って(?:い|た|き|ま|る)|言っとる|言うとる|ゆうて|言った|書いて|書かれ|せりふ|セリフ|台詞|言葉|表現|発言|文言|ふれーず|内容|電話|メール|投稿|書き込み|騒いで|脅して)"
)
_META_JA = re.compile(
    r"お断り(?:して|いた|します|しています)|禁止(?:して|です|します|されて|事項)|ご遠慮(?:ください|願|いただ)|"
    r"などの(?:行為|迷惑行為|言動)|基本方針|(?:当社|当店|弊社|当院|当館|当ホテル)(?:は|では)|(?:には|に)(?:応じられ|応じかね|応じません|お応えでき)|(?:カスタマー|かすたまー)(?:・)?(?:ハラスメント|はらすめんと)|カスハラ|かすはら|"
    r"(?:ドラマ|どらま|映画|えいが|小説|漫画|まんが|アニメ|あにめ|ニュース|にゅーす)(?:で|の|に|を)"
)
_META_EN = re.compile(
    r"\b(?:(?:is|are) (?:not tolerated|prohibited|forbidden|not allowed)|our policy|zero tolerance|"
    r"(?:in|on) (?:the|a|this) (?:movie|film|show|series|book|novel|game|news)|harassment policy)\b"
)
_REPORTED_EN = re.compile(
    r"(?:\b(?:he|she|they|the customer|a customer|the caller|a caller|someone|somebody|"
    r"(?:this|that|the|a|one|another) (?:guy|man|woman|lady|person|client|patron|customer|caller|bloke|girl|boy|kid))\b"
    r"[^.!?]{0,30}?\b(?:(?:said|says|wrote|kept saying|texted|asked (?:me|her|him))\b[^.!?\"\u201c]{0,25}[\"\u201c]|"
    r"(?:told (?:me|her|him|them|us)|called (?:me|us|her|him)|yelled|screamed|shouted|"
    r"(?:was|were|kept|started) (?:shouting|yelling|screaming|saying|calling|filming|recording|threatening)|threatened)\b)"
    r"|\b(?:i was|we were|i got|she was|he was|they were) (?:told|called|threatened|asked)\b"
    r"|\b(?:i|we) (?:saw|witnessed|heard|noticed|watched)\b)[^.!?]{0,60}$"
)
_REPORTED_EN_ANY = re.compile(_REPORTED_EN.pattern.removesuffix("[^.!?]{0,60}$"))


@dataclass(frozen=True)
class Rule:
    """One pattern for one behaviour, with its guards and a reason a supervisor can show."""

    id: str
    behaviour: str
    score: float
    pattern: re.Pattern[str]
    reason: Message
    whole_word: bool = False
    unless_negated: bool = False
    needs_will: bool = False
    unless_before: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None
    unless_text: re.Pattern[str] | None = None
    requires_text: re.Pattern[str] | None = None
    allow_reported: bool = False
    lang: str = "ja"


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: where in the normalised text, and why."""

    rule: Rule
    start: int
    end: int
    matched: str

    @property
    def reason(self) -> Message:
        return Message(
            ja=self.rule.reason.ja.replace("{match}", self.matched),
            en=self.rule.reason.en.replace("{match}", self.matched),
        )


def _compile(value: object, where: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression: {exc}") from exc


def parse_rules(data: Any, source: str) -> tuple[Rule, ...]:
    """Strictly validate one rules file: unknown keys, unknown behaviours and bad regexes are errors."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ValueError(f"{source}: expected a mapping with a `rules` list")
    lang = str(data.get("lang", "ja"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        where = f"{source}: rules[{i}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: expected a mapping")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        rule_id = str(raw.get("id", ""))
        if not rule_id or rule_id in seen:
            raise ValueError(f"{where}: missing or duplicate id {rule_id!r}")
        seen.add(rule_id)
        behaviour = raw.get("behaviour")
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"{where} ({rule_id}): unknown behaviour {behaviour!r}")
        reason = raw.get("reason")
        if not isinstance(reason, dict) or not reason.get("ja") or not reason.get("en"):
            raise ValueError(f"{where} ({rule_id}): reason needs ja and en")
        pattern = _compile(raw.get("pattern"), f"{where} ({rule_id}).pattern")
        if pattern is None:
            raise ValueError(f"{where} ({rule_id}): missing pattern")
        score = float(raw.get("score", 0.8))
        if not 0.0 < score <= 1.0:
            raise ValueError(f"{where} ({rule_id}): score must be in (0, 1]")
        rules.append(
            Rule(
                id=rule_id,
                behaviour=str(behaviour),
                score=score,
                pattern=pattern,
                reason=Message(ja=str(reason["ja"]), en=str(reason["en"])),
                whole_word=bool(raw.get("whole_word", False)),
                unless_negated=bool(raw.get("unless_negated", False)),
                needs_will=bool(raw.get("needs_will", False)),
                unless_before=_compile(raw.get("unless_before"), f"{where}.unless_before"),
                unless_after=_compile(raw.get("unless_after"), f"{where}.unless_after"),
                unless_text=_compile(raw.get("unless_text"), f"{where}.unless_text"),
                requires_text=_compile(raw.get("requires_text"), f"{where}.requires_text"),
                allow_reported=bool(raw.get("allow_reported", False)),
                lang=lang,
            )
        )
    return tuple(rules)


class RuleSet:
    """All packaged rules plus an index of their literal anchors, which rejects most texts cheaply.

    Every rule's anchors (see `kasuhara.screen.anchors`) are indexed by their first one or two
    characters; one pass over the text finds the rules that can possibly match, and only those run.
    """

    def __init__(self, rules: tuple[Rule, ...], cached: dict[str, list[str] | None] | None = None) -> None:
        self.rules = rules
        self._always: set[int] = set()
        self._by1: dict[str, set[int]] = {}
        self._by2: dict[str, set[int]] = {}
        self._members: dict[str, list[str]] = {}
        self._closure: dict[str, dict[str, set[int]]] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        long_anchors: dict[str, set[int]] = {}
        for index, rule in enumerate(rules):
            if cached is not None and rule.id in cached:
                listed = cached[rule.id]
                found = None if listed is None else frozenset(listed)
            else:
                found = anchors_for(rule.pattern.pattern)
            if found is None:
                self._always.add(index)
                continue
            for anchor in found:
                if len(anchor) == 1:
                    self._by1.setdefault(anchor, set()).add(index)
                elif len(anchor) == 2:
                    self._by2.setdefault(anchor, set()).add(index)
                else:
                    long_anchors.setdefault(anchor, set()).add(index)
        # Anchors of three characters or more: per three-character key, one alternation (longest
        # first, compiled on first use) and, for each anchor, the rules of every anchor that is a
        # prefix of it, so the single longest match at a position stands for all anchors there.
        for anchor in long_anchors:
            self._members.setdefault(anchor[:3], []).append(anchor)
        for key, members in self._members.items():
            members.sort(key=len, reverse=True)
            self._closure[key] = {
                a: set().union(*(long_anchors[b] for b in members if a.startswith(b))) for a in members
            }
        self._one_chars = frozenset(self._by1)
        self._two_keys = frozenset(self._by2)
        self._three_keys = frozenset(self._members)
        # the same keys as sorted code-point arrays, for looking up a whole batch at once in numpy
        self._one_codes = _sorted_codes(self._one_chars)
        self._two_codes = _sorted_codes(self._two_keys)
        self._three_codes = _sorted_codes(self._three_keys)

    def anchors(self) -> dict[str, list[str] | None]:
        """Each rule's anchors (None: always runs), for the packaged cache."""
        out: dict[str, list[str] | None] = {}
        for rule in self.rules:
            found = anchors_for(rule.pattern.pattern)
            out[rule.id] = None if found is None else sorted(found)
        return out

    def _pattern(self, key: str) -> re.Pattern[str]:
        pattern = self._patterns.get(key)
        if pattern is None:
            pattern = re.compile("|".join(re.escape(a) for a in self._members[key]))
            self._patterns[key] = pattern
        return pattern

    def candidates(self, folded: str) -> set[int]:
        """Indices of the rules whose anchors occur in `folded` (a superset of those that match)."""
        found = set(self._always)
        for ch in self._one_chars.intersection(folded):
            found |= self._by1[ch]
        n = len(folded)
        if n < 2:
            return found
        pairs = {folded[i : i + 2] for i in range(n - 1)}
        for key in self._two_keys.intersection(pairs):
            found |= self._by2[key]
        if n < 3:
            return found
        triples = {folded[i : i + 3] for i in range(n - 2)}
        for key in self._three_keys.intersection(triples):
            pattern, closure = self._pattern(key), self._closure[key]
            pos = folded.find(key)
            while pos >= 0:
                m = pattern.match(folded, pos)
                if m is not None:
                    found |= closure[m.group()]
                pos = folded.find(key, pos + 1)
        return found

    def candidates_batch(self, texts: list[str]) -> list[set[int]]:
        """`candidates` of every text, the same sets, with the key look-up done for the batch in numpy.

        Every one-, two- and three-character window of every text is packed into one integer (21
        bits a character) and looked up in the sorted keys; only the texts' hits are left to Python.
        A handful of texts go one by one (numpy's fixed cost is larger than the work there).
        """
        if len(texts) < _SMALL_BATCH:
            return [self.candidates(t) for t in texts]
        return self._candidates_numpy(texts)

    def _candidates_numpy(self, texts: list[str]) -> list[set[int]]:
        found = [set(self._always) for _ in texts]
        joined = "".join(texts)
        if not joined:
            return found
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths)
        begins = ends - lengths
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        by1, by2, closures, pattern_of = self._by1, self._by2, self._closure, self._pattern
        packed = codes
        for size, keys in ((1, self._one_codes), (2, self._two_codes), (3, self._three_codes)):
            if size > 1:
                if len(codes) < size:
                    break
                packed = (packed[:-1] << np.uint64(21)) | codes[size - 1 :]
            if not len(keys):
                continue
            at = np.searchsorted(keys, packed)
            at[at == len(keys)] = 0
            positions = np.flatnonzero(keys[at] == packed)
            if not len(positions):
                continue
            docs = np.searchsorted(ends, positions, side="right")
            inside = positions + size <= ends[docs]  # not across the end of a text
            hits = zip(docs[inside].tolist(), (positions - begins[docs])[inside].tolist(), strict=True)
            if size == 1:
                for doc, pos in hits:
                    found[doc] |= by1[texts[doc][pos]]
            elif size == 2:
                for doc, pos in hits:
                    found[doc] |= by2[texts[doc][pos : pos + 2]]
            else:  # the longest anchor starting here stands for every anchor it begins with
                for doc, pos in hits:
                    text = texts[doc]
                    key = text[pos : pos + 3]
                    m = pattern_of(key).match(text, pos)
                    if m is not None:
                        found[doc] |= closures[key][m.group()]
        return found

    def match(self, folded: str, original_script: str, only: set[int] | None = None) -> list[RuleHit]:
        """Rules that fire on `folded` (kana-folded normalised text); `original_script` feeds Sudachi."""
        hits: list[RuleHit] = []
        if is_meta(folded):
            return hits
        tokens: tuple[morph.Token, ...] | None = None
        indices = sorted(self.candidates(folded) if only is None else only)
        for rule in (self.rules[i] for i in indices):
            for m in rule.pattern.finditer(folded):
                start, end = m.span()
                if end <= start:
                    continue
                if rule.requires_text is not None and rule.requires_text.search(folded) is None:
                    break
                if rule.unless_text is not None and rule.unless_text.search(folded) is not None:
                    break
                before = folded[max(0, start - _WINDOW) : start]
                after = folded[end : end + _WINDOW]
                if rule.unless_before is not None and rule.unless_before.search(before):
                    continue
                if rule.unless_after is not None and rule.unless_after.match(after):
                    continue
                if not rule.allow_reported and _reported(rule.lang, folded, start, end):
                    continue
                if rule.lang == "ja" and not original_script[start:end].isascii():
                    if tokens is None:
                        tokens = morph.tokenize(original_script)
                    if not morph.is_aligned(tokens, start, end):
                        continue
                    if rule.whole_word and not morph.is_whole_word(tokens, start, end):
                        continue
                    if rule.unless_negated and morph.is_negated(tokens, end):
                        continue
                    if rule.needs_will and not morph.is_command_or_will(tokens, start, end):
                        continue
                elif rule.lang == "en" and rule.unless_negated and _negated_en(folded, start):
                    continue
                hits.append(RuleHit(rule=rule, start=start, end=end, matched=original_script[start:end]))
        return hits


def _sorted_codes(keys: frozenset[str]) -> npt.NDArray[np.uint64]:
    """Keys of one length packed as integers (21 bits a character, as `candidates_batch` does), sorted."""
    out = np.zeros(len(keys), dtype=np.uint64)
    for i, key in enumerate(keys):
        value = 0
        for ch in key:
            value = (value << 21) | ord(ch)
        out[i] = value
    out.sort()
    return out


_EN_NEG = re.compile(r"\b(?:not|never|no|don't|dont|won't|wont|wouldn't|wouldnt|didn't|didnt|isn't|nobody)\b[\w' ]{0,16}$")


def _negated_en(text: str, start: int) -> bool:
    return _EN_NEG.search(text[max(0, start - 30) : start]) is not None


def _never_on_ascii(pattern: re.Pattern[str]) -> bool:
    """True when every match contains a literal with a non-ASCII character (so ASCII text never matches)."""
    anchors = anchors_for(pattern.pattern)
    return anchors is not None and not any(a.isascii() for a in anchors)


_META_JA_NEEDS_NON_ASCII = _never_on_ascii(_META_JA)
_REPORTED_JA_NEEDS_NON_ASCII = _never_on_ascii(_REPORTED_JA)


def is_meta(text: str) -> bool:
    """The utterance talks about such conduct (a policy, a drama, the news) rather than doing it."""
    if not (_META_JA_NEEDS_NON_ASCII and text.isascii()) and _META_JA.search(text) is not None:
        return True
    return _META_EN.search(text) is not None


def _reported(lang: str, text: str, start: int, end: int) -> bool:
    if lang == "ja":
        after = text[end : end + 30]
        if _REPORTED_JA_NEEDS_NON_ASCII and after.isascii():
            return False
        return _REPORTED_JA.match(after) is not None
    return _REPORTED_EN.search(text[max(0, start - 80) : start]) is not None


def rules_digest(rules: tuple[Rule, ...]) -> str:
    """A fingerprint of the rule patterns: the anchor cache is used only when it matches."""
    h = hashlib.sha256()
    for rule in rules:
        h.update(f"{rule.id}\x00{rule.pattern.pattern}\x00".encode())
    return h.hexdigest()


ANCHOR_CACHE = "anchors.json"


def _packaged_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for name in ("rules_ja.yaml", "rules_en.yaml"):
        text = resources.files("kasuhara.screen").joinpath("data", name).read_text(encoding="utf-8")
        rules.extend(parse_rules(strict_load(text), name))
    return tuple(rules)


def _cached_anchors(rules: tuple[Rule, ...]) -> dict[str, list[str] | None] | None:
    """The anchors shipped in data/anchors.json, when they were computed from these very patterns."""
    path = resources.files("kasuhara.screen").joinpath("data", ANCHOR_CACHE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("digest") != rules_digest(rules):
        return None
    anchors = data.get("anchors")
    return anchors if isinstance(anchors, dict) else None


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The packaged rules, validated, with the anchor index (from the cache when it is current)."""
    rules = _packaged_rules()
    return RuleSet(rules, _cached_anchors(rules))
