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
    r"従業員|スタッフ|社員|受付|窓口|職員|係員|a|s|op)\d*$",
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

    def to_dict(self) -> dict[str, object]:
        return {
            "turns": [
                {
                    "index": i,
                    "id": t.id,
                    "speaker": t.speaker,
                    "role": "staff" if t.is_staff else "customer",
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


def screen_conversation(turns: Sequence[Turn | Mapping[str, object] | str]) -> ConversationResult:
    """Screen every turn and summarise the conversation."""
    parsed = tuple(_as_turn(t, i) for i, t in enumerate(turns))
    results = tuple(screen_texts([t.text for t in parsed]))
    customer = [i for i, t in enumerate(parsed) if not t.is_staff]

    starts = [t.start for t in parsed if t.start is not None]
    ends = [t.end if t.end is not None else t.start for t in parsed if (t.end or t.start) is not None]
    duration = None
    if starts and ends:
        duration = round(max(e for e in ends if e is not None) - min(starts), 3)

    behaviours: dict[str, list[int]] = {}
    for i in customer:
        for b in results[i].behaviours:
            behaviours.setdefault(b.id, []).append(i)

    repeated = _repeated_demands(parsed, customer)
    escalation = _escalation(parsed, results, customer)
    asked = [i for i, t in enumerate(parsed) if t.is_staff and _ASK_TO_LEAVE.search(t.text)]
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
    }
    facts: dict[str, object] = {"utterances": [parsed[i].text for i in customer if parsed[i].text.strip()]}
    if duration is not None:
        facts["duration_minutes"] = max(0, round(duration / 60))
    if asked:
        facts["asked_to_leave"] = len(asked)
    if inferred:
        facts["behaviours"] = inferred
    return ConversationResult(parsed, results, summary, facts)


def _repeated_demands(turns: Sequence[Turn], customer: list[int]) -> list[dict[str, object]]:
    """Groups of customer demand turns that say nearly the same thing (3 times or more)."""
    demands = [i for i in customer if _DEMAND.search(turns[i].text)]
    shingles = {i: _shingles(turns[i].text) for i in demands}
    groups: list[list[int]] = []
    for i in demands:
        for group in groups:
            if _similar(shingles[i], shingles[group[0]]) >= 0.45:
                group.append(i)
                break
        else:
            groups.append([i])
    return [
        {"text": turns[g[0]].text, "count": len(g), "turns": g}
        for g in groups
        if len(g) >= 3
    ]


def _escalation(turns: Sequence[Turn], results: Sequence[ScreenResult], customer: list[int]) -> dict[str, object]:
    """Did it start polite and turn abusive, and do the scores rise over the conversation?"""
    scores = [results[i].score for i in customer]
    flagged = [i for i in customer if results[i].flagged]
    first_flagged = flagged[0] if flagged else None
    polite_start = bool(customer) and not results[customer[0]].flagged and bool(_POLITE.search(turns[customer[0]].text))
    slope = 0.0
    if len(scores) >= 2:
        n = len(scores)
        mean_x = (n - 1) / 2
        mean_y = sum(scores) / n
        num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(scores))
        den = sum((x - mean_x) ** 2 for x in range(n))
        slope = num / den if den else 0.0
    half = len(scores) // 2
    rising = len(scores) >= 2 and max(scores[half:]) > max(scores[:half] or [0.0]) + 0.2
    escalated = first_flagged is not None and first_flagged != customer[0] and (rising or polite_start)
    return {
        "escalated": escalated,
        "polite_start": polite_start,
        "first_flagged_turn": first_flagged,
        "score_slope": round(slope, 4),
        "scores": [round(s, 3) for s in scores],
    }
