"""`kasuhara screen`: screen utterances (one per line, or JSON Lines) or a whole conversation.

    kasuhara screen FILE|- [--lang auto|ja|en] [--format jsonl|text]
    kasuhara screen --conversation FILE [--format jsonl|text]

Exactly one output object per input line, in order; an empty line gives an unflagged result.
Bad input (invalid UTF-8, a JSON line without `text`) is an error naming the line, checked before
anything is printed. Long lines are analysed in windows, so time stays bounded.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from kasuhara.errors import FieldProblem, InputError, Message

_BATCH = 1000
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PROGRESS_MIN = 2000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "screen",
        help="発言をカスハラの言動ごとに判定 / screen utterances for harassment behaviours",
        description="発言(1行1件、またはJSON Lines)を判定します。/ Screen utterances (one per line, or JSON Lines).",
    )
    parser.add_argument("file", metavar="FILE", help="入力ファイル、- は標準入力 / input file, - for stdin")
    parser.add_argument("--lang", choices=["auto", "ja", "en"], default="auto", help="発言の言語 / language of the text")
    parser.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="出力形式 / output format")
    parser.add_argument(
        "--conversation",
        action="store_true",
        help="会話全体(JSON Lines / WebVTT / SRT)として要約 / summarise a whole conversation transcript",
    )
    parser.add_argument(
        "--channel",
        choices=["in_person", "phone", "email", "chat", "sns", "letter", "off_premises"],
        help="会話のチャネル(判定用の事実に入れる) / channel of the conversation, put in the suggested facts",
    )
    parser.set_defaults(handler=run)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(
            [FieldProblem("FILE", Message(f"ファイルを読めません: {path} ({exc.strerror})", f"cannot read file: {path} ({exc.strerror})"))]
        ) from exc


def decode_lines(data: bytes) -> list[str]:
    """Split into lines and decode each as UTF-8; the first bad line is named in the error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = []
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                [
                    FieldProblem(
                        f"line {number}",
                        Message(
                            f"UTF-8 として読めないバイト列があります(位置 {exc.start})",
                            f"not valid UTF-8 (byte {exc.start})",
                        ),
                    )
                ]
            ) from exc
        if "\x00" in text:
            raise InputError(
                [FieldProblem(f"line {number}", Message("NUL文字を含むバイナリデータです", "binary data (NUL bytes)"))]
            )
        out.append(text.rstrip("\r"))
    return out


def parse_items(lines: Sequence[str]) -> list[dict[str, Any]]:
    """Each line as {text, and optional id, speaker, start, end}; JSON objects when the input is JSON Lines."""
    json_mode = next((ln.lstrip().startswith("{") for ln in lines if ln.strip()), False)
    items: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not json_mode or not line.strip():
            items.append({"text": "" if json_mode else line})
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                [FieldProblem(f"line {number}", Message(f"JSONとして読めません: {exc.msg}", f"not valid JSON: {exc.msg}"))]
            ) from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(
                [FieldProblem(f"line {number}.text", Message("文字列の text が必要です", "a string `text` is required"))]
            )
        if _SURROGATE.search(obj["text"]):
            raise InputError(
                [
                    FieldProblem(
                        f"line {number}.text",
                        Message("対になっていないサロゲート(\\ud800 など)を含みます", "contains an unpaired surrogate (\\ud800 ...)"),
                    )
                ]
            )
        item = {"text": obj["text"]}
        for key in ("id", "speaker", "start", "end"):
            if key in obj:
                item[key] = obj[key]
        items.append(item)
    return items


def _batches(items: Sequence[dict[str, Any]], progress: TextIO | None) -> Iterator[list[dict[str, Any]]]:
    total = len(items)
    for lo in range(0, total, _BATCH):
        yield list(items[lo : lo + _BATCH])
        if progress is not None:
            done = min(lo + _BATCH, total)
            width = 30
            filled = width * done // max(total, 1)
            progress.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            progress.flush()
    if progress is not None:
        progress.write("\n")


def _text_line(number: int, result: dict[str, Any]) -> str:
    mark = "要注意 FLAGGED" if result["flagged"] else "問題なし ok"
    if result["flagged"] and result.get("confirm_required"):
        mark = "要確認 FLAGGED (model only: please confirm)"
    head = f"{number}: {mark} {result['score']:.2f} [{result['lang']}] {result['text'][:120]}"
    rows = [head]
    for b in result["behaviours"]:
        words = " / ".join(e["text"] for e in b["evidence"])
        source = "要確認 possible: please confirm (model)" if b.get("confirm_required") else "rule"
        rows.append(f"    - {b['id']} {b['score']:.2f} [{source}] 「{words}」")
        rows.append(f"      {b['reason']['ja']}")
        rows.append(f"      {b['reason']['en']}")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    from kasuhara.screen import parse_transcript, screen_conversation, screen_texts

    data = _read(args.file)
    out = sys.stdout
    if args.conversation:
        lines = decode_lines(data)
        turns = parse_transcript("\n".join(lines))
        result = screen_conversation(turns, channel=args.channel).to_dict()
        if args.format == "jsonl":
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            turns_out: list[dict[str, Any]] = result["turns"]  # type: ignore[assignment]
            for i, turn in enumerate(turns_out):
                out.write(_text_line(i + 1, turn) + "\n")
            out.write("--- 要約 / summary ---\n")
            out.write(json.dumps(result["summary"], ensure_ascii=False, indent=2) + "\n")
            out.write("--- 判定用の事実 / suggested facts ---\n")
            out.write(json.dumps(result["suggested_facts"], ensure_ascii=False, indent=2) + "\n")
        return 0

    items = parse_items(decode_lines(data))
    progress = sys.stderr if (sys.stderr.isatty() and len(items) >= _PROGRESS_MIN) else None
    number = 0
    for batch in _batches(items, progress):
        results = screen_texts([item["text"] for item in batch], lang=args.lang)
        for item, res in zip(batch, results, strict=True):
            number += 1
            obj: dict[str, Any] = {k: v for k, v in item.items() if k != "text"}
            obj.update(res.to_dict())
            if args.format == "jsonl":
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            else:
                out.write(_text_line(number, obj) + "\n")
    out.flush()
    return 0
