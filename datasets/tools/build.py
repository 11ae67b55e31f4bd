#!/usr/bin/env python3
"""Build datasets/{ja,en}/{train,dev,test}.jsonl from the hand-written source files.

Source files (datasets/tools/src/*.txt) hold one utterance per line, written by hand:

    LABELS|STYLE|CHANNEL|TEXT|NOTE

LABELS is a comma list of short codes (see LABELS below), "-" for a hard negative
or "0" for a neutral utterance.  Lines starting with "#" and blank lines are ignored.
Files named <lang>_a*.txt are batch A (split deterministically into train/dev);
files named <lang>_test*.txt are batch B, written later and separately (test only);
files named <lang>_c*.txt are batch C (speech as transcribed, dialects, polite menace, firm but
legitimate customers), written later again and split by a hash of the text into train (3/5),
dev (1/5) and test (1/5), near-duplicates kept on one side; ids from <lang>-700001.
Standard library only.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # datasets/
SRC = Path(__file__).resolve().parent / "src"

LABELS = {
    "va": "verbal_abuse", "th": "threat", "in": "intimidation", "fk": "forced_kneeling",
    "ed": "excessive_demand", "sn": "sns_exposure", "uf": "unauthorized_filming",
    "rl": "refusal_to_leave", "di": "discriminatory", "se": "sexual",
    "ai": "attack_on_individual", "rc": "repeated_contact", "de": "defamation",
}
STYLES = {
    "st": "standard", "ca": "casual", "ks": "kansai", "od": "other_dialect",
    "pm": "polite_menacing", "im": "implicit", "wr": "written", "sn": "sns", "ev": "evasion",
    "tr": "transcribed",
}
CHANNELS = {"ip": "in_person", "ph": "phone", "em": "email", "ch": "chat", "sn": "sns", "le": "letter"}
ORDER = list(LABELS.values())


def parse(path: Path) -> list[dict]:
    rows = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("|")
        if len(parts) < 4 or len(parts) > 5:
            sys.exit(f"{path.name}:{n}: expected 4-5 fields: {raw!r}")
        lab, sty, ch, text = (p.strip() for p in parts[:4])
        note = parts[4].strip() if len(parts) == 5 else ""
        if lab == "-":
            kind, labels = "hard_negative", []
        elif lab == "0":
            kind, labels = "neutral", []
        else:
            kind = "positive"
            try:
                labels = [LABELS[c.strip()] for c in lab.split(",")]
            except KeyError as e:
                sys.exit(f"{path.name}:{n}: unknown label {e}")
            labels = sorted(set(labels), key=ORDER.index)
        if sty not in STYLES or ch not in CHANNELS:
            sys.exit(f"{path.name}:{n}: bad style/channel {sty!r}/{ch!r}")
        if not text:
            sys.exit(f"{path.name}:{n}: empty text")
        row = {"text": text, "labels": labels, "kind": kind, "style": STYLES[sty], "channel": CHANNELS[ch]}
        if note:
            row["note"] = note
        rows.append(row)
    return rows


def grams(s: str) -> set[str]:
    s = "".join(s.split())
    return {s[i:i + 3] for i in range(max(1, len(s) - 2))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def split_batch_c(rows: list[dict]) -> dict[str, list[dict]]:
    """Batch C: near-duplicate groups together, each group to test / dev / train by SHA-1 of its first text."""
    g = [grams(r["text"]) for r in rows]
    root = list(range(len(rows)))
    for i in range(len(rows)):
        for j in range(i):
            if jaccard(g[i], g[j]) > 0.6:
                root[i] = root[j]
                break
    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for i, r in enumerate(rows):
        value = int(hashlib.sha1(rows[root[i]]["text"].encode("utf-8")).hexdigest()[:8], 16) % 5
        out["test" if value == 0 else "dev" if value == 1 else "train"].append(r)
    return out


def build(lang: str) -> None:
    a_rows, t_rows, c_rows = [], [], []
    for p in sorted(SRC.glob(f"{lang}_a*.txt")):
        a_rows += parse(p)
    for p in sorted(SRC.glob(f"{lang}_test*.txt")):
        t_rows += parse(p)
    for p in sorted(SRC.glob(f"{lang}_c*.txt")):
        c_rows += parse(p)
    seen = {}
    for r in a_rows + t_rows + c_rows:
        if r["text"] in seen:
            sys.exit(f"{lang}: duplicate text: {r['text']!r}")
        seen[r["text"]] = 1
    for i, r in enumerate(a_rows, 1):
        r["id"] = f"{lang}-{i:06d}"
    for i, r in enumerate(t_rows, 1):
        r["id"] = f"{lang}-{500000 + i:06d}"
    for i, r in enumerate(c_rows, 1):
        r["id"] = f"{lang}-{700000 + i:06d}"
    # deterministic train/dev split of batch A; near-duplicate groups stay in one split
    g = [grams(r["text"]) for r in a_rows]
    parent = list(range(len(a_rows)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for i in range(len(a_rows)):
        for j in range(i + 1, len(a_rows)):
            if jaccard(g[i], g[j]) > 0.6:
                parent[find(j)] = find(i)
    # stratified by (kind, first label): within each stratum, order by a hash of the
    # cluster root's text and send every 4th cluster to dev (about 25% of batch A).
    strata: dict = {}
    for i, r in enumerate(a_rows):
        root = find(i)
        key = (r["kind"], r["labels"][0] if r["labels"] else "")
        strata.setdefault(a_rows[root].get("_stratum", key), set()).add(root)
        a_rows[root].setdefault("_stratum", key)
    dev_roots = set()
    for key, roots in strata.items():
        ordered = sorted(roots, key=lambda x: hashlib.sha1(a_rows[x]["text"].encode("utf-8")).hexdigest())
        dev_roots.update(x for k, x in enumerate(ordered) if k % 4 == 1)
    for i, r in enumerate(a_rows):
        r["_split"] = "dev" if find(i) in dev_roots else "train"
    c_split = split_batch_c(c_rows)
    splits = {"train": [r for r in a_rows if r["_split"] == "train"] + c_split["train"],
              "dev": [r for r in a_rows if r["_split"] == "dev"] + c_split["dev"],
              "test": t_rows + c_split["test"]}
    out = ROOT / lang
    out.mkdir(parents=True, exist_ok=True)
    keys = ["id", "text", "labels", "kind", "style", "channel", "note"]
    for name, rows in splits.items():
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({k: r[k] for k in keys if k in r}, ensure_ascii=False) + "\n")
        print(f"{lang}/{name}.jsonl: {len(rows)}")


if __name__ == "__main__":
    for lang in (sys.argv[1:] or ["ja", "en"]):
        build(lang)
