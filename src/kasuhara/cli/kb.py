"""`kasuhara kb check` and `kasuhara kb show …`: inspect and validate the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.knowledge import KnowledgeBase, KnowledgeBaseInvalid, load_knowledge_base
from kasuhara.knowledge.loader import DATA_FILES, build_knowledge_base, parse_yaml, read_packaged_documents
from kasuhara.knowledge.model import message_dict

KINDS = ("behaviour", "offence", "rule", "action", "response", "rules", "version", "list")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("kb", help="知識ベース / knowledge base", description="知識ベースの検査と表示 / check and show the knowledge base")
    sub = parser.add_subparsers(dest="kb_command", metavar="SUBCOMMAND", required=True)

    check = sub.add_parser("check", help="知識ベースを検査する / validate the knowledge base")
    check.add_argument("--data", metavar="DIR", help="検査するデータのディレクトリ（既定: 同梱データ） / data directory to check (default: packaged)")
    check.add_argument("--lang", choices=("ja", "en"), default="ja")
    check.set_defaults(handler=run_check)

    show = sub.add_parser(
        "show",
        help="項目を表示する / show an entry",
        description="例 / e.g.: kasuhara kb show offence 231 --on 2022-07-07; kasuhara kb show rules --on 2025-04-01 --prefecture 東京都",
    )
    show.add_argument("kind", choices=KINDS)
    show.add_argument("id", nargs="?", help="項目のID（offence は条番号） / entry id (article for offences)")
    show.add_argument("--on", metavar="YYYY-MM-DD", help="この日に効力のある内容 / as in force on this date")
    show.add_argument("--prefecture", help="都道府県（rules） / prefecture (rules)")
    show.add_argument("--municipality", help="市区町村（rules） / municipality (rules)")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--lang", choices=("ja", "en"), default="ja")
    show.set_defaults(handler=run_show)


def run_check(args: argparse.Namespace) -> int:
    """Validate every data file and run every scenario against it; non-zero exit on any problem."""
    from kasuhara.judge import check_scenario, judge, load_scenarios, parse_facts

    en = args.lang == "en"
    if args.data:
        root = Path(args.data)
        documents: dict[str, Any] = {}
        for name in DATA_FILES:
            path = root / name
            if path.exists():
                documents[name] = parse_yaml(path.read_text(encoding="utf-8"), name)
        kb = build_knowledge_base(documents)
    else:
        kb = build_knowledge_base(read_packaged_documents())
    scenarios = load_scenarios()
    failures: list[str] = []
    for scenario in scenarios:
        try:
            assessment = judge(parse_facts(scenario.facts, kb=kb), kb=kb, thresholds=scenario.thresholds)
        except Exception as exc:  # a scenario must never crash the check: report it
            failures.append(f"{scenario.file}: {type(exc).__name__}: {exc}")
            continue
        failures.extend(f"{scenario.file}: {p}" for p in check_scenario(scenario, assessment))
    if not args.data:
        from kasuhara.knowledge.loader import packaged_data_digest, recorded_versions

        version, digest = recorded_versions()[-1]
        if (version, digest) != (kb.version, packaged_data_digest()):
            failures.append(
                "versions.txt: the data changed without a new version (bump meta.yaml's version and record it)"
                if en else "versions.txt: データが変わったのに版が更新されていません（meta.yamlの版を上げて記録してください）"
            )
    summary = (
        f"version {kb.version}: {len(kb.behaviours)} behaviours, {len(kb.offences)} offences, "
        f"{len(kb.rules)} rules, {len(kb.response_types)} response types, {len(kb.actions)} actions, "
        f"{len(scenarios)} scenarios"
        if en
        else f"版 {kb.version}: 行為{len(kb.behaviours)}、犯罪{len(kb.offences)}、規範{len(kb.rules)}、"
        f"対応類型{len(kb.response_types)}、対応{len(kb.actions)}、シナリオ{len(scenarios)}"
    )
    if failures:
        print(("scenario failures:" if en else "シナリオの不一致:"), file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        print(summary, file=sys.stderr)
        return 1
    print(("OK " if en else "問題なし ") + summary)
    return 0


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError([FieldProblem("--on", Message("日付はYYYY-MM-DDで指定してください", "use a date YYYY-MM-DD"))]) from None


def _need_id(args: argparse.Namespace, kb: KnowledgeBase) -> str:
    if not args.id:
        raise InputError([FieldProblem("id", Message("IDを指定してください", "an id is required"))])
    return str(args.id)


def _show_data(args: argparse.Namespace, kb: KnowledgeBase) -> Any:
    on = _day(args.on)
    kind = args.kind
    if kind == "version":
        return {"version": kb.version, "coverage_from": kb.coverage_from.isoformat()}
    if kind == "list":
        return {
            "behaviours": list(kb.behaviour_ids),
            "offences": [o.id for o in kb.offences],
            "rules": [r.id for r in kb.rules],
            "actions": list(kb.action_ids),
            "response_types": [r.id for r in kb.response_types],
        }
    if kind == "rules":
        if on is None:
            raise InputError([FieldProblem("--on", Message("日付を指定してください", "a date is required"))])
        pref = kb.find_prefecture(args.prefecture) if args.prefecture else None
        if args.prefecture and pref is None:
            raise InputError([FieldProblem("--prefecture", Message(f"不明な都道府県です: {args.prefecture}", f"unknown prefecture: {args.prefecture}"))])
        muni = kb.find_municipality(args.municipality, pref.code if pref else None) if args.municipality else None
        rules = kb.rules_in_force(on=on, prefecture_code=pref.code if pref else None, municipality_code=muni.code if muni else None)
        return {"on": on.isoformat(), "rules": [r.to_dict() for r in rules]}
    ident = _need_id(args, kb)
    if kind == "behaviour":
        return kb.behaviour(ident).to_dict()
    if kind == "action":
        return kb.action(ident).to_dict()
    if kind == "response":
        return kb.response_type(ident).to_dict()
    if kind == "rule":
        rule = kb.rule(ident)
        if on is not None:
            rule.require_in_force(on)
        return rule.to_dict()
    offence = kb.offence(ident)
    data = offence.to_dict()
    if on is not None:
        penalty = offence.penalty_on(on)
        data = {
            "id": offence.id,
            "article": offence.article,
            "law": data["law"],
            "name": message_dict(offence.name_on(on)),
            "on": on.isoformat(),
            "penalty": penalty.to_dict(),
            "complaint_required": offence.complaint_required,
            "elements": data["elements"],
            "sources": data["sources"],
        }
    return data


def _text(value: Any, lang: str, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if isinstance(value, dict):
        if set(value) == {"ja", "en"}:
            return [pad + str(value["en" if lang == "en" else "ja"])]
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, dict) and set(item) == {"ja", "en"}:
                lines.append(f"{pad}{key}: {item['en' if lang == 'en' else 'ja']}")
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{key}:")
                lines.extend(_text(item, lang, indent + 1))
            else:
                lines.append(f"{pad}{key}: {item}")
        return lines
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            sub = _text(item, lang, indent + 1)
            if sub:
                out.append(f"{pad}- {sub[0].strip()}")
                out.extend(sub[1:])
        return out
    return [f"{pad}{value}"]


def run_show(args: argparse.Namespace) -> int:
    """Print one entry, e.g. an offence as in force on a date (a loud error outside its dates)."""
    kb = load_knowledge_base()
    data = _show_data(args, kb)
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_text(data, args.lang)))
    return 0


__all__ = ["KnowledgeBaseInvalid", "register"]
