#!/usr/bin/env python3
"""Report near-duplicates across splits (character 3-gram Jaccard > threshold, default 0.6).

Usage: python3 datasets/tools/neardup.py [ja|en] [threshold]
Exit status 1 if any cross-split pair is found.  Standard library only.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grams(s):
    s = "".join(s.split())
    return {s[i:i + 3] for i in range(max(1, len(s) - 2))}


def main():
    lang = sys.argv[1] if len(sys.argv) > 1 else "ja"
    thr = float(sys.argv[2]) if len(sys.argv) > 2 else 0.6
    rows = []
    for split in ("train", "dev", "test"):
        p = ROOT / lang / f"{split}.jsonl"
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                rows.append((split, r["id"], r["text"], grams(r["text"])))
    bad = 0
    within = 0
    for i in range(len(rows)):
        si, ii, ti, gi = rows[i]
        for j in range(i + 1, len(rows)):
            sj, ij, tj, gj = rows[j]
            inter = len(gi & gj)
            if not inter:
                continue
            jac = inter / len(gi | gj)
            if jac > thr:
                if si != sj:
                    bad += 1
                    print(f"CROSS {jac:.2f} {si}:{ii} {ti!r}\n           {sj}:{ij} {tj!r}")
                else:
                    within += 1
    print(f"{lang}: {len(rows)} rows, cross-split near-duplicates: {bad}, within-split: {within}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
