#!/usr/bin/env python3
"""Counts per split: lines, kinds, positives per behaviour, styles, channels.

Usage: python3 datasets/stats.py [ja|en ...]   (standard library only; prints Markdown tables)
"""
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BEHAVIOURS = ["verbal_abuse", "threat", "intimidation", "forced_kneeling", "excessive_demand",
              "sns_exposure", "unauthorized_filming", "refusal_to_leave", "discriminatory", "sexual",
              "attack_on_individual", "repeated_contact", "defamation"]
SPLITS = ["train", "dev", "test"]
KINDS = ["positive", "hard_negative", "neutral"]


def load(lang, split):
    p = ROOT / lang / f"{split}.jsonl"
    if not p.exists():
        return []
    return [json.loads(l) for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]


def table(title, keys, counters, total=True):
    head = "| " + title + " | " + " | ".join(SPLITS) + (" | total |" if total else " |")
    out = [head, "|" + "---|" * (len(SPLITS) + 1 + (1 if total else 0))]
    for k in keys:
        vals = [counters[s][k] for s in SPLITS]
        out.append(f"| {k} | " + " | ".join(map(str, vals)) + (f" | {sum(vals)} |" if total else " |"))
    return "\n".join(out)


def report(lang):
    data = {s: load(lang, s) for s in SPLITS}
    lines = {s: Counter({"lines": len(data[s])}) for s in SPLITS}
    kinds = {s: Counter(r["kind"] for r in data[s]) for s in SPLITS}
    beh = {s: Counter(l for r in data[s] for l in r["labels"]) for s in SPLITS}
    multi = {s: Counter({"multi-label positives": sum(1 for r in data[s] if len(r["labels"]) > 1)}) for s in SPLITS}
    styles = {s: Counter(r["style"] for r in data[s]) for s in SPLITS}
    chans = {s: Counter(r["channel"] for r in data[s]) for s in SPLITS}
    print(f"## {lang}\n")
    print(table("lines", ["lines"], lines) + "\n")
    print(table("kind", KINDS, kinds) + "\n")
    print(table("behaviour (positive lines carrying it)", BEHAVIOURS, beh) + "\n")
    print(table("multi-label", ["multi-label positives"], multi) + "\n")
    print(table("style", sorted(set().union(*styles.values())), styles) + "\n")
    print(table("channel", sorted(set().union(*chans.values())), chans) + "\n")


if __name__ == "__main__":
    for lang in (sys.argv[1:] or ["ja", "en"]):
        if any((ROOT / lang / f"{s}.jsonl").exists() for s in SPLITS):
            report(lang)
