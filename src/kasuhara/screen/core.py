"""Screen utterances: rules and the statistical model combined, with evidence in the original text.

Fast path: normalise (no offsets), score the whole batch with the model in numpy, and look up the
rule anchors. Only an utterance that a rule could match or that the model flags goes on to the
slow path: normalisation with offsets, the full rules (SudachiPy where a guard needs it), and
evidence spans mapped back to what the customer wrote.

Combination: a rule that fires gives its behaviour with the larger of the rule's and the model's
score; the model alone flags an utterance when its `flag` output passes the language's threshold,
unless the utterance is someone reporting what another person said.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kasuhara.errors import Message
from kasuhara.findings import ScreenFinding
from kasuhara.screen import morph
from kasuhara.screen.features import ngram_spans
from kasuhara.screen.model import BatchNGrams, Model, NGrams, get_model
from kasuhara.screen.normalize import Normalized, fold_kana, normalize, normalize_with_offsets
from kasuhara.screen.rules import _REPORTED_EN_ANY, BEHAVIOURS, RuleHit, is_meta, load_rules

WINDOW = 1000
"""Characters analysed at a time; longer texts are cut into windows (bounded time and memory)."""
MAX_CHARS = 100_000
"""Characters analysed per utterance at most; the rest is ignored (and said so in `truncated`)."""

LABELS: dict[str, Message] = {
    "verbal_abuse": Message("暴言・侮辱", "verbal abuse"),
    "threat": Message("脅迫", "threat"),
    "intimidation": Message("威圧的な言動", "intimidation"),
    "forced_kneeling": Message("土下座の要求", "demand to kneel (dogeza)"),
    "excessive_demand": Message("過度な要求", "excessive demand"),
    "sns_exposure": Message("SNS等への晒し", "exposure on social media"),
    "unauthorized_filming": Message("無断撮影", "filming without consent"),
    "refusal_to_leave": Message("居座り・不退去", "refusal to leave"),
    "discriminatory": Message("差別的な言動", "discriminatory conduct"),
    "sexual": Message("性的な言動", "sexual harassment"),
    "attack_on_individual": Message("従業員個人への攻撃", "attack on an individual employee"),
    "repeated_contact": Message("継続的・執拗な言動", "repeated contact"),
    "defamation": Message("名誉毀損・信用毀損", "defamation"),
}

CONFIRM_LABEL = Message("要確認", "possible: please confirm")
"""How a model-only finding is shown: the statistical model suggests it, no rule explains it."""

_JA_CHARS = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")
_LATIN = re.compile(r"[A-Za-z]")
_REPORTED_JA_ANY = re.compile(
    r"(?:と|って)(?:何度も|大声で|繰り返し)?(?:言われ|いわれ|怒鳴られ|どなられ|脅され|おどされ|罵られ|ののしられ|"
    r"書き込まれ|迫られ|要求され|求められ|叫ばれ|凄まれ)|(?:客|お客様|お客さん|相手|男性|女性|男|女)(?:から|に)"
    r"[^。]{0,30}(?:言われ|怒鳴られ|脅され|罵られ|求められ|要求され|された|されました)"
    r"|(?:客|お客様|お客さん|男性|女性|人|ひと|方)が[^。]{0,30}[」』](?:と|って)"
    r"|(?:客|お客様|お客さん|男性客|女性客|同じ人|あの人|その人)が[^。]{0,20}(?:みたい|らしい|ようです|そうです)"
)


@dataclass(frozen=True)
class Evidence:
    """Words in the original text: [start, end) character offsets and the text itself."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class BehaviourResult:
    """One behaviour found in one utterance, how sure, where, and why."""

    id: str
    score: float
    evidence: tuple[Evidence, ...]
    reason: Message
    source: str  # "rule" or "model"

    @property
    def confirm_required(self) -> bool:
        """A model-only finding is a possibility a person must confirm (shown as 「要確認」)."""
        return self.source == "model"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "score": round(self.score, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "reason": {"ja": self.reason.ja, "en": self.reason.en},
            "source": self.source,
            "confirm_required": self.confirm_required,
        }
        if self.confirm_required:
            out["status"] = {"ja": CONFIRM_LABEL.ja, "en": CONFIRM_LABEL.en}
        return out


@dataclass(frozen=True)
class ScreenResult:
    """The screening of one utterance."""

    text: str
    lang: str
    flagged: bool
    score: float
    behaviours: tuple[BehaviourResult, ...] = ()
    truncated: bool = False

    def behaviour_ids(self) -> list[str]:
        return [b.id for b in self.behaviours]

    @property
    def confirm_required(self) -> bool:
        """Flagged by the model alone: every finding is 「要確認」."""
        return self.flagged and all(b.confirm_required for b in self.behaviours)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "text": self.text,
            "lang": self.lang,
            "flagged": self.flagged,
            "score": round(self.score, 4),
            "behaviours": [b.to_dict() for b in self.behaviours],
            "confirm_required": self.confirm_required,
        }
        if self.truncated:
            out["truncated"] = True
        return out


def detect_lang(text: str) -> str:
    """`ja` when the text has kana (or more kanji than Latin letters), else `en`."""
    if text.isascii():
        return "en"
    if _KANA.search(text):
        return "ja"
    ja = len(_JA_CHARS.findall(text[:2000]))
    return "ja" if ja and ja >= len(_LATIN.findall(text[:2000])) else "en"


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _windows(text: str) -> list[tuple[int, str]]:
    # lone surrogates (possible from JSON) cannot be encoded: analyse U+FFFD in their place, same length
    text = text[:MAX_CHARS]
    if not text.isascii():  # ASCII has no surrogates
        text = _SURROGATE.sub("\ufffd", text)
    if len(text) <= WINDOW:
        return [(0, text)]
    out = []
    step = WINDOW - 100  # overlap so that a phrase across a cut is seen whole in one window
    for start in range(0, len(text), step):
        out.append((start, text[start : start + WINDOW]))
        if start + WINDOW >= len(text):
            break
    return out


_POLITE_JA = re.compile(r"です|ます|ください|下さい|でしょうか|いただけ|頂け|お願い|恐れ入り|ございます|ごめん|すみません|すいません")
_ROUGH_JA = re.compile(r"お前|おまえ|てめ|あんた|貴様|ふざけ|なめ|ナメ|ぞ|だろ|じゃねえ|しろ|せえ|ねえよ|んだよ|やがれ|[!！]")
_POLITE_EN = re.compile(
    r"\b(?:please|could you|could i|would you|may i|i'd like|excuse me|thank|thanks|appreciate|kindly|sorry|grateful)\b"
)
_PRAISE = re.compile(
    r"ありがと|助かり|助かった|丁寧|親切|お礼|感謝|素晴らし|すばらし|最高|優し|褒め|おおきに|"
    r"\b(?:helpful|deserves a raise|great job|well done|brilliant|wonderful|excellent|so kind|lovely|amazing|thank)"
)
_ROUGH_EN = re.compile(r"\b(?:you (?:idiot|moron|stupid)|fuck\w*|shit\w*|damn|bloody|hell|bitch|ass(?:hole)?|crap)\b|!")
POLITE_MODEL_FLOOR = 0.65
"""A polite utterance with no rough word is flagged by the model alone only above this score: a
polite complaint is the thing to protect, and the model's errors there cost the customer most."""


def _polite(text: str) -> bool:
    # Japanese patterns cannot match ASCII text: skip them there (this runs on every flagged utterance)
    if not text.isascii() and _POLITE_JA.search(text) and not _ROUGH_JA.search(text):
        return True
    lowered = text.lower()
    return bool(_POLITE_EN.search(lowered)) and not _ROUGH_EN.search(lowered)


def _is_reported(text: str) -> bool:
    """Someone reporting what another person said or did, or talking about such conduct in general."""
    lowered = text.lower()
    if not text.isascii() and _REPORTED_JA_ANY.search(text):
        return True
    return bool(_REPORTED_EN_ANY.search(lowered) or is_meta(fold_kana(lowered)))


_NO_PROBS: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)


@dataclass
class _Window:
    offset: int
    text: str
    norm: str
    folded: str
    candidates: set[int]
    probs: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    batch: BatchNGrams | None = None  # the batch's n-grams (None: recompute from the tracked text)
    index: int = -1  # this window's place in `batch`

    @property
    def ngrams(self) -> NGrams | None:
        return None if self.batch is None else self.batch[self.index]


def screen_texts(texts: Iterable[str], lang: str = "auto") -> list[ScreenResult]:
    """Screen many utterances at once (the model scores the whole batch in one numpy pass)."""
    if lang not in {"auto", "ja", "en"}:
        raise ValueError(f"lang must be auto, ja or en, not {lang!r}")
    items = list(texts)
    model = get_model()
    rules = load_rules()
    windows: list[list[_Window]] = []
    flat: list[_Window] = []
    for text in items:
        mine = []
        for offset, piece in _windows(text):
            norm = normalize(piece)
            folded = fold_kana(norm)
            w = _Window(offset, piece, norm, folded, set(), _NO_PROBS)  # probs and candidates come per batch
            mine.append(w)
            flat.append(w)
        windows.append(mine)
    for w, found in zip(flat, rules.candidates_batch([w.folded for w in flat]), strict=True):
        w.candidates = found
    probs, batch = model.predict_lazy([w.folded for w in flat])
    for index, (w, p) in enumerate(zip(flat, probs, strict=True)):
        w.probs = p
        w.batch = batch
        w.index = index
    return [_combine(text, ws, lang, model) for text, ws in zip(items, windows, strict=True)]


def screen_text(text: str, lang: str = "auto") -> ScreenResult:
    """Screen one utterance: is it harassment, which behaviours, which words, and why."""
    return screen_texts([text], lang)[0]


def _combine(text: str, windows: list[_Window], lang_arg: str, model: Model) -> ScreenResult:
    lang = detect_lang(text) if lang_arg == "auto" else lang_arg
    truncated = len(text) > MAX_CHARS
    if not text.strip():
        return ScreenResult(text, lang, False, 0.0, (), truncated)
    flag_index = 0  # the model's first output is `flag`
    flag_threshold = model.threshold(lang, "flag")
    if len(windows) == 1:  # the usual case, without the generator
        flag_prob = float(windows[0].probs[flag_index])
        any_candidates = bool(windows[0].candidates)
    else:
        flag_prob = max((float(w.probs[flag_index]) for w in windows), default=0.0)
        any_candidates = any(w.candidates for w in windows)
    model_flag = flag_prob >= flag_threshold
    if not model_flag and not any_candidates and not (lang == "en" and "!" in text):
        return ScreenResult(text, lang, False, flag_prob, (), truncated)

    found: dict[str, list[BehaviourResult]] = {}  # per behaviour, every finding in order; merged at the end
    reported = _is_reported(text[:MAX_CHARS])
    if _polite(text[:MAX_CHARS]):
        flag_threshold = max(flag_threshold, POLITE_MODEL_FLOOR)
        if _PRAISE.search(text[:MAX_CHARS].lower()):  # praise and thanks: the model alone never flags them
            flag_threshold = 1.01
    rules = load_rules()
    for w in windows:
        window_flag = w.probs[flag_index] >= flag_threshold
        hits = rules.match(w.folded, w.norm, w.candidates) if w.candidates else []
        if not hits and not (window_flag and not reported):
            continue
        if len(w.norm) == len(w.text) and w.norm == w.text.lower():  # nothing moved: identity map
            n = len(w.text)
            norm = Normalized(w.norm, tuple(range(n)), tuple(range(1, n + 1)))
        else:
            norm = normalize_with_offsets(w.text)
        if norm.text != w.norm:  # rare: the two normalisations differ; redo on the tracked text
            hits = rules.match(fold_kana(norm.text), norm.text)
            w.batch = None
        for hit in hits:
            _add(found, _from_rule(hit, norm, w, model))
        if not hits and not reported and window_flag:
            for result in _from_model(w, norm, lang, model):
                _add(found, result)
    if (
        lang == "en"
        and (found or flag_prob >= 0.3)  # shouting alone is excitement, not anger: the words must lean abusive too
        and not reported
        and "intimidation" not in found
        and not _CHEERFUL.search(text.lower())
    ):
        shout = _shouting(text[:MAX_CHARS])
        if shout is not None:
            _add(found, shout)
    ordered = tuple(_merged(found[b]) for b in BEHAVIOURS if b in found)
    if not ordered:
        return ScreenResult(text, lang, False, min(flag_prob, 0.49), (), truncated)
    score = max(b.score for b in ordered)
    return ScreenResult(text, lang, True, score, ordered, truncated)


_CHEERFUL = re.compile(
    r"\b(?:thanks?|thank you|love|great|amazing|awesome|congrat\w*|happy|best|wow|yay|brilliant|wonderful|"
    r"excellent|fantastic|perfect|cheers|welcome|birthday|christmas|hello|hi|hey|please|sorry)\b"
)
_CAPS_RUN = re.compile(r"[A-Z][A-Z' ,]{6,}[A-Z][!?]*")


def _shouting(text: str) -> BehaviourResult | None:
    """Written shouting: almost all letters upper case, with an exclamation mark (not a lone acronym)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8 or "!" not in text:
        return None
    upper = sum(1 for c in letters if c.isupper())
    if upper / len(letters) < 0.8:
        return None
    m = max(_CAPS_RUN.finditer(text), key=lambda x: x.end() - x.start(), default=None)
    if m is None or len(m.group().split()) < 2:
        return None
    evidence = Evidence(m.start(), m.end(), m.group())
    return BehaviourResult(
        "intimidation",
        0.6,
        (evidence,),
        Message(
            ja=f"「{m.group()}」は全て大文字と感嘆符で書かれた、怒鳴りに相当する威圧的な表現です。",
            en=f'"{m.group()}" is written all in capitals with exclamation marks: shouting, meant to intimidate.',
        ),
        "rule",
    )


def _add(found: dict[str, list[BehaviourResult]], new: BehaviourResult) -> None:
    found.setdefault(new.id, []).append(new)


def _merged(results: list[BehaviourResult]) -> BehaviourResult:
    """One behaviour's findings as one: the first of the highest score, with every evidence span.

    The same as merging them pairwise in order (the union of the spans, sorted; the earlier finding
    kept on a tie), in one pass: a long line with thousands of hits stays linear.
    """
    if len(results) == 1:
        return results[0]
    best = results[0]
    for new in results[1:]:
        if new.score > best.score:
            best = new
    spans = {e for r in results for e in r.evidence}
    evidence = tuple(sorted(spans, key=lambda e: (e.start, e.end)))
    return BehaviourResult(best.id, best.score, evidence, best.reason, best.source)


def _from_rule(hit: RuleHit, norm: Normalized, w: _Window, model: Model) -> BehaviourResult:
    start, end = norm.span(hit.start, hit.end)
    original = w.text[start:end]
    evidence = Evidence(w.offset + start, w.offset + end, original)
    prob = float(w.probs[model.outputs.index(hit.rule.behaviour)])
    reason = Message(
        ja=hit.rule.reason.ja.replace("{match}", original),
        en=hit.rule.reason.en.replace("{match}", original),
    )
    return BehaviourResult(hit.rule.behaviour, max(hit.rule.score, prob), (evidence,), reason, "rule")


def _from_model(w: _Window, norm: Normalized, lang: str, model: Model) -> list[BehaviourResult]:
    table = model.thresholds.get(lang, model.thresholds["en"])
    flag_prob = float(w.probs[0])
    probs = w.probs[1:]
    above = np.flatnonzero(probs >= table[1:])
    if len(above):
        chosen = [(int(i), float(probs[i])) for i in above]
    else:
        chosen = [(int(np.argmax(probs / np.maximum(table[1:], 1e-6))), flag_prob)]
    rows, starts, ends = _ngram_rows(w, norm, model)
    out = []
    for column, prob in chosen:
        behaviour = model.outputs[column + 1]
        evidence = _model_evidence(w, norm, rows, starts, ends, column + 1)
        words = "、".join(f"「{e.text}」" for e in evidence) or "「…」"
        words_en = ", ".join(f'"{e.text}"' for e in evidence) or '"…"'
        label = LABELS[behaviour]
        score = min(max(prob, flag_prob), 0.99)
        reason = Message(
            ja=f"{CONFIRM_LABEL.ja}: どの規則にも当たりませんが、統計モデルが{words}などの表現から{label.ja}の可能性があると"
            f"判定しました(確率 {score:.2f})。担当者が確認してください。",
            en=f"{CONFIRM_LABEL.en}: no rule matched, but the statistical model found {label.en} possible from wording such as "
            f"{words_en} (probability {score:.2f}). A person should confirm it.",
        )
        out.append(BehaviourResult(behaviour, score, evidence, reason, "model"))
    return out


def _ngram_rows(
    w: _Window, norm: Normalized, model: Model
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Weights (n-grams x outputs) of the window's n-grams of two characters or more, with their spans."""
    ngrams = w.ngrams
    if ngrams is not None:
        buckets, starts, ends = ngrams.buckets, ngrams.starts, ngrams.ends
    else:
        buckets, starts, ends = ngram_spans(fold_kana(norm.text), model.n_buckets, model.orders)
    keep = (starts >= 0) & (ends <= len(norm.text)) & ((ends - starts) >= 2)
    return model.weights[buckets[keep]], starts[keep], ends[keep]


def _model_evidence(
    w: _Window,
    norm: Normalized,
    rows: npt.NDArray[np.int8],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    column: int,
) -> tuple[Evidence, ...]:
    """The n-grams that pushed the score up most, widened to whole words, merged and mapped back to
    the original text: a supervisor is shown "your", not the n-gram "yo", and 「温まらないんだけど」,
    not 「ないんだけ」. Japanese is cut into words by SudachiPy (see `_widen_to_morphemes`)."""
    if not len(rows):
        return ()
    contrib = rows[:, column].astype(np.float32) + rows[:, 0].astype(np.float32)  # int8 weights, exact sums
    candidates = np.flatnonzero(contrib > 0)
    ranked = candidates[np.argsort(-contrib[candidates], kind="stable")]
    text = norm.text
    tokens = morph.tokenize(text) if not text.isascii() else ()
    begins = [t.begin for t in tokens]
    spans: list[tuple[int, int]] = []
    for i in ranked[:12].tolist():
        a, b = int(starts[i]), int(ends[i])
        a, b = _widen_to_morphemes(tokens, a, b, begins) if tokens else _widen_to_words(text, a, b)
        if a < b and not any(x <= a and b <= y for x, y in spans):
            spans = [(x, y) for x, y in spans if not (a <= x and y <= b)]
            spans.append((a, b))
            if len(spans) == 3:
                break
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out: list[Evidence] = []
    seen: set[str] = set()
    for a, b in merged:
        s, e = norm.span(a, b)
        shown = w.text[s:e]
        if shown.strip() and shown not in seen:
            seen.add(shown)
            out.append(Evidence(w.offset + s, w.offset + e, shown))
    return tuple(out)


_SYMBOL_POS = {"補助記号", "空白", "記号"}
_ATTACHED_POS = {"助詞", "助動詞", "接尾辞"}
_MAX_EVIDENCE_CHARS = 16


def _widen_to_morphemes(
    tokens: tuple[morph.Token, ...], a: int, b: int, begins: Sequence[int] | None = None
) -> tuple[int, int]:
    """An n-gram's span widened to the morphemes it touches; a span that starts on particles,
    auxiliaries or dependent words (んだけ, ない, へん) takes in the word they are attached to, so that
    what is shown reads as words. Returns an empty span when there is no such word."""
    if begins is None:
        begins = [t.begin for t in tokens]
    first = max(bisect_right(begins, a) - 1, 0)  # the token holding a (Sudachi's tokens cover the text)
    last = bisect_left(begins, b) - 1  # the last token starting before b
    while first <= last and tokens[first].pos in _SYMBOL_POS:
        first += 1
    while last >= first and tokens[last].pos in _SYMBOL_POS:
        last -= 1
    if first > last:
        return a, a
    if _attached(tokens[first]):
        head = first
        while head > 0 and _attached(tokens[head - 1]):
            head -= 1
        if head > 0 and tokens[head - 1].pos not in _SYMBOL_POS:
            first = head - 1  # the word the particles hang on
        elif all(_attached(tokens[i]) for i in range(first, last + 1)):
            return a, a  # particles alone, nothing to hang them on
    while last + 1 < len(tokens) and tokens[last + 1].pos == "助動詞" and tokens[last + 1].end - tokens[first].begin <= _MAX_EVIDENCE_CHARS:
        last += 1
    start, end = tokens[first].begin, tokens[last].end
    if end - start > _MAX_EVIDENCE_CHARS:
        fitting = [tokens[i].end for i in range(first, last + 1) if tokens[i].end - start <= _MAX_EVIDENCE_CHARS]
        end = max(fitting) if fitting else tokens[first].end
    return start, end


def _attached(token: morph.Token) -> bool:
    """A particle, auxiliary, suffix or dependent word (ない, いる): read with the word before it."""
    return token.pos in _ATTACHED_POS or token.pos2 == "非自立可能"


def _word_class(c: str) -> str | None:
    """Scripts whose words can be told apart by their characters: Latin letters and digits, katakana."""
    if c.isascii():
        return "latin" if c.isalnum() or c == "'" else None
    if "\u30a1" <= c <= "\u30fa" or c in "ーｰ" or "\uff66" <= c <= "\uff9f":
        return "katakana"
    return None


def _widen_to_words(text: str, a: int, b: int) -> tuple[int, int]:
    """Trim spaces off an n-gram's span and, where it cuts into a Latin-script or katakana word, take
    the whole word ("yo" → "your", "ゴ" → "ゴラァ"); other Japanese has no visible word edges."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b and (cls := _word_class(text[a])) is not None:
        while a > 0 and _word_class(text[a - 1]) == cls:
            a -= 1
    if a < b and (cls := _word_class(text[b - 1])) is not None:
        while b < len(text) and _word_class(text[b]) == cls:
            b += 1
    return a, b


def screen_findings(utterances: Sequence[str]) -> list[ScreenFinding]:
    """The `kasuhara.findings.Screener` the judgment calls: one finding per behaviour per utterance."""
    findings: list[ScreenFinding] = []
    for index, result in enumerate(screen_texts(list(utterances))):
        for b in result.behaviours:
            findings.append(
                ScreenFinding(
                    behaviour_id=b.id,
                    score=round(b.score, 4),
                    utterance_index=index,
                    evidence=" / ".join(e.text for e in b.evidence),
                    reason=b.reason,
                )
            )
    return findings
