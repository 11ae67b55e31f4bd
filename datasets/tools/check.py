#!/usr/bin/env python3
"""Validate the built data sets: JSON parses, fields and values, unique ids and texts,
kind/labels consistency, test minimums, and conversations vs labels.json.

Usage: python3 datasets/tools/check.py     (exit status 1 on any problem; standard library only)
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEHAVIOURS = {"verbal_abuse", "threat", "intimidation", "forced_kneeling", "excessive_demand", "sns_exposure",
              "unauthorized_filming", "refusal_to_leave", "discriminatory", "sexual", "attack_on_individual",
              "repeated_contact", "defamation"}
STYLES = {"standard", "casual", "kansai", "other_dialect", "polite_menacing", "implicit", "written", "sns", "evasion", "transcribed"}
CHANNELS = {"in_person", "phone", "email", "chat", "sns", "letter"}
problems = []


def bad(msg):
    problems.append(msg)


def check_lang(lang):
    ids, texts = set(), set()
    for split in ("train", "dev", "test"):
        path = ROOT / lang / f"{split}.jsonl"
        per = {b: 0 for b in BEHAVIOURS}
        kinds = {"positive": 0, "hard_negative": 0, "neutral": 0}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{lang}/{split}.jsonl:{n}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                bad(f"{where}: {e}")
                continue
            if set(r) - {"id", "text", "labels", "kind", "style", "channel", "note"} or not {"id", "text", "labels", "kind", "style", "channel"} <= set(r):
                bad(f"{where}: fields {sorted(r)}")
            if not re.fullmatch(rf"{lang}-\d{{6}}", r["id"]) or r["id"] in ids:
                bad(f"{where}: id {r['id']}")
            if r["text"] in texts or not r["text"].strip():
                bad(f"{where}: duplicate or empty text")
            ids.add(r["id"])
            texts.add(r["text"])
            if set(r["labels"]) - BEHAVIOURS or len(set(r["labels"])) != len(r["labels"]):
                bad(f"{where}: labels {r['labels']}")
            if (r["kind"] == "positive") != bool(r["labels"]) or r["kind"] not in kinds:
                bad(f"{where}: kind {r['kind']} vs labels {r['labels']}")
            if r["style"] not in STYLES or r["channel"] not in CHANNELS:
                bad(f"{where}: style/channel")
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
            for b in r["labels"]:
                per[b] += 1
        if split == "test":
            low = {b: c for b, c in per.items() if c < 12}
            if low:
                bad(f"{lang}/test: fewer than 12 positives for {low}")
            if not 0.8 <= kinds["positive"] / max(kinds["hard_negative"], 1) <= 1.25:
                bad(f"{lang}/test: positives {kinds['positive']} vs hard negatives {kinds['hard_negative']}")


def parse_turns(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(x) for x in text.splitlines() if x.strip()]
    turns = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if lines[0].startswith("WEBVTT"):
            continue
        m = next((l for l in lines if "-->" in l), None)
        body = " ".join(lines[lines.index(m) + 1:])
        if path.suffix == ".vtt":
            mm = re.match(r"<v ([a-z]+)>(.*)", body)
        else:
            mm = re.match(r"([a-z]+): (.*)", body)
        a, b = (x.strip().replace(",", ".") for x in m.split("-->"))

        def sec(t):
            h, mi, s = t.split(":")
            return int(h) * 3600 + int(mi) * 60 + float(s)
        turns.append({"speaker": mm.group(1), "text": mm.group(2), "start": sec(a), "end": sec(b)})
    return turns


def check_conversations():
    conv = ROOT / "ja" / "conversations"
    labels = json.loads((conv / "labels.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in conv.iterdir() if p.suffix in (".jsonl", ".vtt", ".srt"))
    if sorted(k for k in labels if not k.startswith("_")) != files:
        bad("conversations: labels.json does not list exactly the transcript files")
    for name in files:
        turns = parse_turns(conv / name)
        lab = labels.get(name, {})
        if len(turns) != lab.get("turns"):
            bad(f"{name}: {len(turns)} turns, labels.json says {lab.get('turns')}")
        prev = 0.0
        for t in turns:
            if t["speaker"] not in ("customer", "staff") or t["end"] <= t["start"] or t["start"] < prev:
                bad(f"{name}: bad turn {t}")
            prev = t["end"]
        for i in lab.get("flagged_customer_turns", []):
            if turns[i]["speaker"] != "customer":
                bad(f"{name}: flagged turn {i} is not a customer turn")
        dur = round(turns[-1]["end"] - turns[0]["start"], 1)
        if abs(dur - lab.get("total_duration_seconds", -1)) > 0.05:
            bad(f"{name}: duration {dur} vs {lab.get('total_duration_seconds')}")


if __name__ == "__main__":
    for lang in ("ja", "en"):
        check_lang(lang)
    check_conversations()
    for p in problems:
        print(p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
