"""Judgments per second, in-process: how fast the judgment engine answers.

Runs the packaged legal scenarios (a realistic mix: violence, threats, dates, places, limits)
over and over and prints three figures: `judge()` alone on parsed facts, parse + judge, and
parse + judge + `to_dict()` (what the CLI and the API do). Also the knowledge base's cold
load time. Usage: .venv/bin/python benchmarks/judge_throughput.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

from kasuhara.judge import judge, load_scenarios, parse_facts
from kasuhara.knowledge import build_knowledge_base, load_knowledge_base, read_packaged_documents

TODAY = date(2026, 11, 23)


def rate(label: str, work: Callable[[], int], seconds: float) -> float:
    """Run `work` (which does n judgments and returns n) until `seconds` pass; print the rate."""
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += work()
    elapsed = time.perf_counter() - start
    per_second = done / elapsed
    print(f"{label:<34} {per_second:>10,.0f} judgments/s   ({done:,} in {elapsed:.2f} s, {1e6 / per_second:.0f} µs each)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()

    start = time.perf_counter()
    build_knowledge_base(read_packaged_documents())
    print(f"knowledge base cold load (read + validate): {(time.perf_counter() - start) * 1000:.1f} ms")

    kb = load_knowledge_base()
    scenarios = load_scenarios()
    parsed = [(parse_facts(s.facts, kb=kb, today=TODAY), s.thresholds) for s in scenarios]
    raw = [(s.facts, s.thresholds) for s in scenarios]
    print(f"mix: {len(scenarios)} scenarios, knowledge base {kb.version}")

    def judge_only() -> int:
        for facts, thresholds in parsed:
            judge(facts, kb=kb, thresholds=thresholds)
        return len(parsed)

    def parse_and_judge() -> int:
        for facts, thresholds in raw:
            judge(parse_facts(facts, kb=kb, today=TODAY), kb=kb, thresholds=thresholds)
        return len(raw)

    def full() -> int:
        for facts, thresholds in raw:
            judge(parse_facts(facts, kb=kb, today=TODAY), kb=kb, thresholds=thresholds).to_dict()
        return len(raw)

    rate("judge()", judge_only, args.seconds)
    rate("parse_facts() + judge()", parse_and_judge, args.seconds)
    rate("parse + judge + to_dict()", full, args.seconds)


if __name__ == "__main__":
    main()
