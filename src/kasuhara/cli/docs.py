"""`kasuhara docs`: generate the company's documents (list, build, selfcheck)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kasuhara.errors import FieldProblem, InputError, Message


def japan_today() -> date:
    """Documents are dated in Japan time, whatever the machine's zone."""
    return datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("docs", help="文書の生成 / generate documents")
    sub = p.add_subparsers(dest="docs_command", metavar="SUBCOMMAND")

    ls = sub.add_parser("list", help="文書の種類 / document kinds")
    ls.add_argument("--lang", choices=("ja", "en"), default="ja")
    ls.set_defaults(handler=cmd_list)

    b = sub.add_parser("build", help="文書を生成 / build a document")
    b.add_argument("kind")
    b.add_argument("--company", type=Path, required=True, help="company profile YAML")
    b.add_argument("--format", choices=("pdf", "docx", "html"), default="pdf")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--lang", choices=("ja", "en"), default="ja")
    b.add_argument("--size", choices=("A4", "A3"), default="A4")
    b.add_argument("--incident", type=Path, help="case export JSON (warning-letter, incident-report)")
    b.add_argument("--answers", type=Path, help="self-check answers YAML (selfcheck)")
    b.add_argument("--date", type=_date, help="document date (default today)")
    b.set_defaults(handler=cmd_build)

    s = sub.add_parser("selfcheck", help="自己点検 / compliance self-check")
    s.add_argument("--company", type=Path, required=True)
    s.add_argument("--answers", type=Path, required=True)
    s.add_argument("--lang", choices=("ja", "en"), default="ja")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--date", type=_date, help="check date (default today)")
    s.set_defaults(handler=cmd_selfcheck)
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])


def cmd_list(args: argparse.Namespace) -> int:
    from kasuhara.documents.catalog import kinds

    for k in kinds():
        extra = " [--incident]" if k.needs_incident else ""
        sizes = f" ({'/'.join(k.sizes)})" if len(k.sizes) > 1 else ""
        print(f"{k.id:<16} {k.title.in_(args.lang)}{sizes}{extra}\n{'':<16} {k.description.in_(args.lang)}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kasuhara.documents.base import BuildInput
    from kasuhara.documents.catalog import kind
    from kasuhara.documents.incident import load_incident
    from kasuhara.documents.profile import load_company
    from kasuhara.documents.selfcheck import load_answers, state_from_company
    from kasuhara.documents.writers import render

    k = kind(args.kind)
    company = load_company(args.company)
    extra: dict[str, Any] = {}
    if k.id == "selfcheck":
        extra = {"answers": load_answers(args.answers) if args.answers else {}, "state": state_from_company(company)}
    incident = load_incident(args.incident) if args.incident else None
    on = args.date or japan_today()
    doc = k.build(BuildInput(company=company, lang=args.lang, size=args.size, on=on, incident=incident, extra=extra))
    data = render(doc, args.format, author=company.display_name(args.lang), generated_on=on)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
    except OSError as exc:
        raise InputError([FieldProblem("out", Message(f"書き込めません: {exc}", f"cannot write: {exc}"))]) from exc
    done = "作成しました" if args.lang != "en" else "written"
    print(f"{done}: {args.out} ({doc.title}, {args.format}, {len(data)} bytes)")
    return 0


def cmd_selfcheck(args: argparse.Namespace) -> int:
    from kasuhara.documents.legal import legal_context
    from kasuhara.documents.profile import load_company
    from kasuhara.documents.selfcheck import evaluate, load_answers, state_from_company

    company = load_company(args.company)
    answers = load_answers(args.answers)
    law = legal_context(on=args.date or japan_today(), lang=args.lang, prefecture_code=company.prefecture_code,
                        municipality_code=company.municipality_code)
    result = evaluate(law, answers, state_from_company(company))
    if args.format == "json":
        print(json.dumps(result.to_dict(args.lang), ensure_ascii=False, indent=2))
        return 0
    en = args.lang == "en"
    print(f"{'Score' if en else '総合点'}: {result.score} / 100")
    for c in result.categories:
        print(f"  {c.label.in_(args.lang)}: {result.category_scores[c.id]}")
    print("Gaps:" if en else "不足事項:")
    for r in result.gaps:
        print(f"  - {r.question.text.in_(args.lang)} [{r.answer}]\n    → {r.question.advice.in_(args.lang)}")
    return 0
