"""Whole conversations: what a single line cannot show (duration, the same demand again and again,
escalation), plus the incident facts the judgment can take (see issue 3's facts schema).

Transcripts come as JSON Lines turns (`text`, optional `speaker`, `start`, `end`, `id`), WebVTT or
SRT, from any speech-to-text system. Turns whose speaker looks like staff are screened too (for
context) but only customer turns count towards the summary; with no speakers at all, every turn
is taken to be the customer's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.screen.core import ScreenResult, screen_texts
from kasuhara.screen.normalize import fold_kana, normalize

_STAFF = re.compile(
    r"^(?:staff|agent|operator|clerk|employee|cashier|rep|representative|support|店員|担当|担当者|オペレーター|"
    r"従業員|スタッフ|社員|受付|窓口|職員|係員|op)\d*$",
    re.IGNORECASE,
)
_CUSTOMER = re.compile(
    r"^(?:customer|caller|client|guest|patient|user|visitor|客|顧客|お客様|お客さん|利用者|来店者|患者|c)\d*$", re.IGNORECASE
)
_SERVICE = re.compile(
    r"申し訳(?:ございません|ありません)|かしこまりました|承知(?:いたしました|しました)|いたします|させていただ|恐れ入ります|"
    r"お待たせ|ございます|\b(?:how (?:can|may) i help|i'?m sorry (?:for|about|to hear)|i apologi[sz]e|certainly|"
    r"let me (?:check|look)|thank you for (?:calling|waiting|your patience))\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")
_CUE = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*)$")
_SPEAKER_PREFIX = re.compile(r"^\s*([^\s:：]{1,20})\s*[:：]\s*(.+)$")
_DEMAND = re.compile(
    r"返金|返品|交換|弁償|払え|払って|返せ|出せ|謝れ|謝罪|責任者|店長|社長|しろ|してください|して下さい|してくれ|"
    r"\b(?:refund|replace|replacement|money back|manager|supervisor|compensat|apologi[sz]e|i want|i demand|give me)\b",
    re.IGNORECASE,
)
_ASK_TO_LEAVE = re.compile(
    r"お引き?取り(?:ください|下さい|願)|お帰り(?:ください|下さい|願)|退去(?:して|を)|通話を終了|お電話を(?:終了|切らせて)|"
    r"対応を終了|これ以上の対応は(?:でき|いたしかね)|"
    r"\b(?:please leave|leave the (?:store|premises|shop)|i(?:'m| am| will|'ll) (?:going to )?(?:end|terminate) (?:this|the) call|"
    r"ending (?:this|the) call|ask you to leave)\b",
    re.IGNORECASE,
)
_POLITE = re.compile(r"です|ます|ください|下さい|お願い|恐れ入り|すみません|please|could you|would you|thank", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """One turn of a conversation; times in seconds from the start when known."""

    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.speaker is not None and _STAFF.match(self.speaker.strip()) is not None


@dataclass(frozen=True)
class ConversationResult:
    """Per-turn results, a summary, and the incident facts it suggests for the judgment."""

    turns: tuple[Turn, ...]
    results: tuple[ScreenResult, ...]
    summary: dict[str, object]
    suggested_facts: dict[str, object]
    staff_speakers: frozenset[str] = frozenset()

    def is_staff(self, turn: Turn) -> bool:
        return turn.is_staff or (turn.speaker is not None and turn.speaker in self.staff_speakers)

    def to_dict(self) -> dict[str, object]:
        return {
            "turns": [
                {
                    "index": i,
                    "id": t.id,
                    "speaker": t.speaker,
                    "role": "staff" if self.is_staff(t) else "customer",
                    "start": t.start,
                    "end": t.end,
                    **r.to_dict(),
                }
                for i, (t, r) in enumerate(zip(self.turns, self.results, strict=True))
            ],
            "summary": self.summary,
            "suggested_facts": self.suggested_facts,
        }


def parse_time(value: object, field: str) -> float | None:
    """Seconds from a number or a `[HH:]MM:SS[.mmm]` / `HH:MM:SS,mmm` string."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError([FieldProblem(field, Message("時刻の形式が不正です", "bad time value"))])
    if isinstance(value, int | float):
        if value < 0:
            raise InputError([FieldProblem(field, Message("時刻は0以上です", "time must be >= 0"))])
        return float(value)
    m = _TIME.match(str(value).strip())
    if m is None:
        raise InputError(
            [FieldProblem(field, Message(f"時刻の形式が不正です: {value!r}", f"bad time value: {value!r}"), ("HH:MM:SS.mmm", "seconds"))]
        )
    hours, minutes, seconds, millis = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int((millis or "0").ljust(3, "0")) / 1000


def parse_transcript(content: str, fmt: str = "auto") -> list[Turn]:
    """Turns from a transcript in JSON Lines, WebVTT or SRT (`fmt` auto-detects)."""
    stripped = content.lstrip("\ufeff").lstrip()
    if fmt == "auto":
        if stripped.startswith("WEBVTT"):
            fmt = "vtt"
        elif stripped.startswith("{"):
            fmt = "jsonl"
        elif re.match(r"^\d+\s*\n\s*\S+\s*-->", stripped):
            fmt = "srt"
        else:
            fmt = "text"
    if fmt == "jsonl":
        return _parse_jsonl(content)
    if fmt in {"vtt", "srt"}:
        return _parse_cues(stripped, fmt)
    if fmt == "text":
        return [_with_prefix(line, None, None, None) for line in content.splitlines() if line.strip()]
    raise InputError([FieldProblem("format", Message("不明な形式です", "unknown format"), ("auto", "jsonl", "vtt", "srt", "text"))])


def turn_from_mapping(obj: Mapping[str, object], where: str) -> Turn:
    """A turn from a JSON object; `where` names the line for error messages."""
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError([FieldProblem(f"{where}.text", Message("文字列の text が必要です", "a string `text` is required"))])
    speaker = obj.get("speaker")
    ident = obj.get("id")
    return Turn(
        text=text,
        speaker=None if speaker is None else str(speaker),
        start=parse_time(obj.get("start"), f"{where}.start"),
        end=parse_time(obj.get("end"), f"{where}.end"),
        id=None if ident is None else str(ident),
    )


def _parse_jsonl(content: str) -> list[Turn]:
    turns = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                [FieldProblem(f"line {number}", Message(f"JSONとして読めません: {exc.msg}", f"not valid JSON: {exc.msg}"))]
            ) from exc
        if not isinstance(obj, dict):
            raise InputError([FieldProblem(f"line {number}", Message("JSONオブジェクトが必要です", "expected a JSON object"))])
        turns.append(turn_from_mapping(obj, f"line {number}"))
    return turns


def _parse_cues(content: str, fmt: str) -> list[Turn]:
    turns = []
    blocks = re.split(r"\n\s*\n", content.replace("\r\n", "\n").replace("\r", "\n"))
    line_no = 1
    for block in blocks:
        lines = block.split("\n")
        start_line = line_no
        line_no += len(lines) + 1
        timing = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if timing is None:
            continue  # WEBVTT header, NOTE, STYLE blocks
        m = _CUE.match(lines[timing])
        if m is None:
            raise InputError([FieldProblem(f"line {start_line + timing}", Message("タイミング行が不正です", "bad timing line"))])
        start = parse_time(m.group(1), f"line {start_line + timing}.start")
        end = parse_time(m.group(2), f"line {start_line + timing}.end")
        ident = lines[timing - 1].strip() if timing >= 1 else None
        text_lines = [ln for ln in lines[timing + 1 :] if ln.strip()]
        if not text_lines:
            continue
        text = " ".join(ln.strip() for ln in text_lines)
        speaker = None
        voice = _VOICE.match(text)
        if voice:
            speaker, text = voice.group(1).strip(), voice.group(2)
        text = re.sub(r"</?[a-z][^>]*>", "", text).strip()
        turns.append(_with_prefix(text, speaker, start, end, ident or None))
    return turns


def _with_prefix(text: str, speaker: str | None, start: float | None, end: float | None, ident: str | None = None) -> Turn:
    """`顧客: …` / `Agent: …` at the start of a line names the speaker when nothing else did."""
    if speaker is None:
        m = _SPEAKER_PREFIX.match(text)
        if m and not m.group(1).isdigit():
            speaker, text = m.group(1), m.group(2)
    return Turn(text=text.strip(), speaker=speaker, start=start, end=end, id=ident)


def _as_turn(item: Turn | Mapping[str, object] | str, index: int) -> Turn:
    if isinstance(item, Turn):
        return item
    if isinstance(item, str):
        return Turn(text=item)
    return turn_from_mapping(item, f"turns[{index}]")


def _shingles(text: str) -> set[str]:
    t = fold_kana(normalize(text))
    t = re.sub(r"[\s、。!?,.!?・]", "", t)
    return {t[i : i + 2] for i in range(len(t) - 1)} or {t}


def _similar(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a | b), 1)


CHANNELS = ("in_person", "phone", "email", "chat", "sns", "letter", "off_premises")


def screen_conversation(
    turns: Sequence[Turn | Mapping[str, object] | str], channel: str | None = None
) -> ConversationResult:
    """Screen every turn and summarise the conversation.

    `channel` (the judgment's `channel`, e.g. `phone`) cannot be seen in a transcript; when given
    it is put in the suggested facts, which are then complete enough for `kasuhara judge`."""
    if channel is not None and channel not in CHANNELS:
        raise InputError([FieldProblem("channel", Message("不明なチャネルです", "unknown channel"), CHANNELS)])
    parsed = tuple(_as_turn(t, i) for i, t in enumerate(turns))
    results = tuple(screen_texts([t.text for t in parsed]))
    staff_speakers = _infer_staff(parsed)
    is_staff = [t.is_staff or (t.speaker is not None and t.speaker in staff_speakers) for t in parsed]
    customer = [i for i, t in enumerate(parsed) if not is_staff[i]]

    starts = [t.start for t in parsed if t.start is not None]
    ends = [t.end if t.end is not None else t.start for t in parsed if (t.end or t.start) is not None]
    duration = None
    if starts and ends:
        duration = round(max(e for e in ends if e is not None) - min(starts), 3)

    behaviours: dict[str, list[int]] = {}
    for i in customer:
        for b in results[i].behaviours:
            behaviours.setdefault(b.id, []).append(i)

    repeated = _repeated_demands(parsed, results, customer)
    escalation = _escalation(parsed, results, customer)
    asked = [i for i, t in enumerate(parsed) if is_staff[i] and _ASK_TO_LEAVE.search(t.text)]
    inferred: list[str] = []
    after_ask = [i for i in customer if asked and i > asked[0]]
    if asked and len(after_ask) >= 2:
        inferred.append("refusal_to_leave")

    summary: dict[str, object] = {
        "turns": len(parsed),
        "customer_turns": len(customer),
        "customer_turns_flagged": sum(1 for i in customer if results[i].flagged),
        "flagged_turns": [i for i in customer if results[i].flagged],
        "duration_seconds": duration,
        "duration_minutes": None if duration is None else round(duration / 60, 1),
        "behaviours": {b: {"count": len(ix), "turns": ix} for b, ix in sorted(behaviours.items())},
        "repeated_demands": repeated,
        "escalation": escalation,
        "asked_to_leave_turns": asked,
        "customer_turns_after_asked_to_leave": len(after_ask),
        "inferred_behaviours": inferred,
        "facts_to_add": [] if channel is not None else ["channel"],
    }
    facts: dict[str, object] = {}
    if channel is not None:
        facts["channel"] = channel
    facts["utterances"] = [parsed[i].text for i in customer if parsed[i].text.strip()]
    if duration is not None:
        facts["duration_minutes"] = max(0, round(duration / 60))
    if asked:
        facts["asked_to_leave"] = len(asked)
    if inferred:
        facts["behaviours"] = inferred
    summary["staff_speakers"] = sorted({t.speaker for i, t in enumerate(parsed) if is_staff[i] and t.speaker})
    return ConversationResult(parsed, results, summary, facts, frozenset(staff_speakers))


def _infer_staff(turns: Sequence[Turn]) -> set[str]:
    """Staff speakers when the names do not say (`Speaker 1`, `spk_0`, `A`/`B` from speech-to-text):
    the one who talks most like a service desk (申し訳ございません, "how can I help")."""
    speakers = {t.speaker for t in turns if t.speaker}
    named = {s for s in speakers if _STAFF.match(s.strip()) or _CUSTOMER.match(s.strip())}
    if named or len(speakers) < 2:
        return set()
    service = {s: 0.0 for s in speakers}
    counts = {s: 0 for s in speakers}
    for t in turns:
        if t.speaker:
            counts[t.speaker] += 1
            service[t.speaker] += len(_SERVICE.findall(t.text))
    rate = {s: service[s] / max(counts[s], 1) for s in speakers}
    best = max(rate, key=lambda s: rate[s])
    others = [rate[s] for s in speakers if s != best]
    return {best} if rate[best] > 0 and rate[best] > max(others) else set()


_DEMAND_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("refund", re.compile(r"返金|返せ|返して|金を返|払い戻|refund|money back", re.I)),
    ("free", re.compile(r"タダ|ただに|ただで|無料|無償|免除|for free|free of charge|waive", re.I)),
    ("upgrade", re.compile(r"アップグレード|グレードアップ|upgrade", re.I)),
    ("staff_change", re.compile(r"代わって|代われ|替わって|変えて|別の人|出せって|を出せ|someone else|another (?:person|agent)", re.I)),
    ("exchange", re.compile(r"交換|取り替え|取替|新品|replace", re.I)),
    ("compensation", re.compile(r"慰謝料|賠償|補償|弁償|迷惑料|誠意|compensat|pay me", re.I)),
    ("kneeling", re.compile(r"土下座|膝|ひざ|跪|正座|手をつ|手を付|額を|頭を(?:床|地面)|knees|kneel", re.I)),
    ("apology", re.compile(r"謝れ|謝罪|詫び|わび|謝って|apologi[sz]e|say sorry", re.I)),
    ("superior", re.compile(r"社長|責任者|店長|上司|上の人|支店長|本社|manager|supervisor|ceo|owner", re.I)),
    ("dismissal", re.compile(r"クビ|くび|首にし|辞めさせ|処分|fire (?:him|her|them|that)|fired|sack", re.I)),
    ("visit", re.compile(r"来い|謝りに来|家まで|come to my", re.I)),
    ("personal_info", re.compile(r"名前|住所|フルネーム|電話番号|your name|address", re.I)),
)
_DEMAND_BEHAVIOURS = {"excessive_demand", "forced_kneeling", "attack_on_individual", "refusal_to_leave"}


def _repeated_demands(
    turns: Sequence[Turn], results: Sequence[ScreenResult], customer: list[int]
) -> list[dict[str, object]]:
    """The same demand three times or more: by what is demanded (refund, dogeza, the manager, ...)
    or by nearly the same words, over the customer's demand turns."""
    demands = [
        i for i in customer
        if _DEMAND.search(turns[i].text) or _DEMAND_BEHAVIOURS & set(results[i].behaviour_ids())
    ]
    groups: dict[str, list[int]] = {}
    for i in customer:
        for key, pattern in _DEMAND_KEYS:
            if pattern.search(turns[i].text):
                groups.setdefault(key, []).append(i)
    shingles = {i: _shingles(turns[i].text) for i in demands}
    similar: list[list[int]] = []
    for i in demands:
        for group in similar:
            if _similar(shingles[i], shingles[group[0]]) >= 0.45:
                group.append(i)
                break
        else:
            similar.append([i])
    found: list[tuple[str, list[int]]] = [(k, m) for k, m in groups.items() if len(m) >= 3]
    covered = {tuple(m) for _, m in found}
    found += [("same_words", m) for m in similar if len(m) >= 3 and tuple(m) not in covered]
    found.sort(key=lambda item: -len(item[1]))
    return [{"demand": k, "text": turns[m[0]].text, "count": len(m), "turns": m} for k, m in found]


SEVERITY: dict[str, float] = {
    "threat": 1.0,
    "forced_kneeling": 0.9,
    "unauthorized_filming": 0.8,
    "sns_exposure": 0.8,
    "intimidation": 0.8,
    "sexual": 0.8,
    "discriminatory": 0.8,
    "defamation": 0.7,
    "attack_on_individual": 0.7,
    "verbal_abuse": 0.6,
    "refusal_to_leave": 0.6,
    "repeated_contact": 0.5,
    "excessive_demand": 0.4,
}
"""How grave each behaviour is, for telling whether a conversation got worse (threats above demands)."""


def _escalation(turns: Sequence[Turn], results: Sequence[ScreenResult], customer: list[int]) -> dict[str, object]:
    """Did the customer's conduct get graver over the conversation (a polite start turning abusive,
    or graver behaviours later than earlier)?"""
    severity = [max((SEVERITY[b] for b in results[i].behaviour_ids()), default=0.0) for i in customer]
    scores = [results[i].score for i in customer]
    flagged = [i for i in customer if results[i].flagged]
    first_flagged = flagged[0] if flagged else None
    polite_start = bool(customer) and not results[customer[0]].flagged and bool(_POLITE.search(turns[customer[0]].text))
    slope = 0.0
    if len(severity) >= 2:
        n = len(severity)
        mean_x = (n - 1) / 2
        mean_y = sum(severity) / n
        num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(severity))
        den = sum((x - mean_x) ** 2 for x in range(n))
        slope = num / den if den else 0.0
    third = max(len(severity) // 3, 1)
    early = max(severity[:third], default=0.0)
    late = max(severity[third:], default=0.0)
    distinct_early = {b for i in customer[:third] for b in results[i].behaviour_ids()}
    distinct_late = {b for i in customer[third:] for b in results[i].behaviour_ids()}
    graver = late >= 0.6 and (late > early + 0.15 or len(distinct_late - distinct_early) >= 2)
    escalated = len(customer) >= 3 and (graver or (polite_start and late >= 0.6 and len(flagged) >= 2))
    return {
        "escalated": escalated,
        "polite_start": polite_start,
        "first_flagged_turn": first_flagged,
        "severity_slope": round(slope, 4),
        "severity": [round(s, 2) for s in severity],
        "scores": [round(s, 3) for s in scores],
    }
