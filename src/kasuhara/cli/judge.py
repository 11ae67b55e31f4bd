"""`kasuhara judge FILE|-`: judge one incident from its facts (JSON) and print the assessment."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kasuhara.company import Thresholds, load_thresholds
from kasuhara.errors import FieldProblem, InputError, Message


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "judge",
        help="事案を判定する / judge an incident",
        description="事案の事実（JSON）からカスハラに当たるかを判定します / judge an incident from its facts (JSON)",
    )
    parser.add_argument("file", metavar="FILE|-", help="事実のJSONファイル（- は標準入力） / facts JSON file (- for stdin)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="出力形式 / output format")
    parser.add_argument("--lang", choices=("ja", "en"), default="ja", help="言語 / language")
    parser.add_argument("--settings", metavar="FILE", help="会社の設定ファイル（YAML/JSON） / company settings file")
    parser.add_argument("--no-trace", action="store_true", help="判断の経過を省く（text） / omit the trace (text)")
    parser.set_defaults(handler=run)


def read_facts(source: str) -> object:
    """The facts document from a file or stdin; unreadable or malformed input is an InputError."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [FieldProblem("FILE", Message(f"ファイルを読めません: {exc.strerror or exc}", f"cannot read file: {exc.strerror or exc}"))]
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError([FieldProblem("FILE", Message("UTF-8ではありません", "not UTF-8 text"))]) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                FieldProblem(
                    "FILE",
                    Message(
                        f"JSONの形式が不正です（{exc.lineno}行{exc.colno}列: {exc.msg}）",
                        f"malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                    ),
                )
            ]
        ) from exc


def run(args: argparse.Namespace) -> int:
    from kasuhara.judge import judge, parse_facts, render_text

    thresholds = load_thresholds(Path(args.settings)) if args.settings else Thresholds()
    document = read_facts(args.file)
    if not isinstance(document, dict):
        raise InputError([FieldProblem("(facts)", Message("JSONオブジェクトが必要です", "must be a JSON object"))])
    assessment = judge(parse_facts(document), thresholds=thresholds)
    if args.format == "json":
        print(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(assessment, args.lang, with_trace=not args.no_trace))
    return 0
