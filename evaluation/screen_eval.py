"""Evaluate the screener: precision, recall and F1 per behaviour and per language, binary and macro-F1.

    .venv/bin/python evaluation/screen_eval.py                 # all sets, writes evaluation/results/screen.{md,json}
    .venv/bin/python evaluation/screen_eval.py --errors ja-dev # list mistakes on a development set

Sets, each named in the report:
- `ordinary-ja realpersonachat` / `ordinary-ja asdc`: the held-out "report" part of each shared corpus
  of ordinary Japanese (fixed by dialogue / document id, `datasets/ordinary.py`); every utterance is
  ordinary speech, so the figure is the share flagged (target <= 0.5 %), split by source (rule / model);
- `ja-test`: datasets/ja/test.jsonl, our held-out Japanese split (never used for tuning), also shown
  by batch: B (ids ja-5xxxxx, the split reported before) and C (ids ja-7xxxxx: transcribed speech,
  dialects, polite menace, firm but legitimate customers);
- `en-test`: datasets/en/test.jsonl, our held-out English kasuhara split (when present);
- `convabuse-valid`: ConvAbuse's valid split, binary abuse (the model never trained on it);
- `ja-dev` / `en-dev`: the development splits calibration and thresholds were chosen on, then added to the final fit (reported for contrast only);
- baseline: TF-IDF + logistic regression trained on ConvAbuse train, scored on ConvAbuse valid.
Test sets are only scored here, never printed: `--errors` refuses them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "datasets"))
sys.path.insert(0, os.environ.get("KASUHARA_SRC", str(ROOT / "src")))  # KASUHARA_SRC: score another checkout's screener

import ordinary  # noqa: E402

from kasuhara.screen import BEHAVIOURS, screen_texts  # noqa: E402

SHARED = ordinary.SHARED
RESULTS = ROOT / "evaluation" / "results"


@dataclass(frozen=True)
class Example:
    text: str
    labels: frozenset[str]
    id: str = ""


def load_jsonl(path: Path) -> list[Example]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Example(str(row["text"]), frozenset(str(x) for x in row.get("labels", [])), str(row.get("id", ""))))
    return out


def load_convabuse(split: str) -> list[Example]:
    with (SHARED / "en_convabuse" / "data.csv").open(encoding="utf-8") as fh:
        return [
            Example(r["text"], frozenset({"abuse"}) if r["label"] == "1" else frozenset())
            for r in csv.DictReader(fh)
            if r["split"] == split
        ]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def binary(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, object]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    tn = len(gold) - tp - fp - fn
    pos = prf(tp, fp, fn)
    neg = prf(tn, fn, fp)
    return {
        "flagged": pos,
        "not_flagged": neg,
        "macro_f1": round((float(pos["f1"]) + float(neg["f1"])) / 2, 4),
        "accuracy": round((tp + tn) / max(len(gold), 1), 4),
        "n": len(gold),
    }


def evaluate(examples: list[Example], behaviours: bool) -> dict[str, object]:
    started = time.perf_counter()
    results = screen_texts([e.text for e in examples])
    elapsed = time.perf_counter() - started
    gold_flag = [bool(e.labels) for e in examples]
    pred_flag = [r.flagged for r in results]
    out: dict[str, object] = {"binary": binary(gold_flag, pred_flag), "seconds": round(elapsed, 3)}
    if behaviours:
        per: dict[str, dict[str, float]] = {}
        for b in BEHAVIOURS:
            tp = fp = fn = 0
            for e, r in zip(examples, results, strict=True):
                g = b in e.labels
                p = b in r.behaviour_ids()
                tp += g and p
                fp += p and not g
                fn += g and not p
            if tp + fp + fn:
                per[b] = prf(tp, fp, fn)
        supported = [v["f1"] for v in per.values() if v["support"]]
        out["behaviours"] = per
        out["behaviour_macro_f1"] = round(sum(supported) / max(len(supported), 1), 4)
        out["confusion"] = confusion(examples, [r.behaviour_ids() for r in results])
    return out


def confusion(examples: Sequence[Example], predicted: Sequence[Sequence[str]]) -> dict[str, dict[str, int]]:
    """Per gold behaviour (and `none` for unlabelled texts): how often each behaviour was predicted
    on those texts (`none`: nothing predicted). A text with several labels counts in each row."""
    table: dict[str, dict[str, int]] = {}
    for e, pred in zip(examples, predicted, strict=True):
        cols = list(pred) or ["none"]
        for g in sorted(e.labels) or ["none"]:
            row = table.setdefault(g, {})
            for c in cols:
                row[c] = row.get(c, 0) + 1
    order = [*BEHAVIOURS, "none"]
    return {g: {c: table[g][c] for c in order if c in table[g]} for g in order if g in table}


def evaluate_ordinary(texts: list[str]) -> dict[str, object]:
    """Ordinary speech only: the share flagged, by the source of the findings, and which behaviours."""
    started = time.perf_counter()
    results = screen_texts(texts)
    elapsed = time.perf_counter() - started
    flagged = [r for r in results if r.flagged]
    by_rule = sum(any(b.source == "rule" for b in r.behaviours) for r in flagged)
    per: dict[str, int] = {}
    for r in flagged:
        for b in r.behaviours:
            key = f"{b.id} ({b.source})"
            per[key] = per.get(key, 0) + 1
    n = len(texts)
    return {
        "n": n,
        "flagged": len(flagged),
        "flagged_share": round(len(flagged) / max(n, 1), 5),
        "flagged_with_a_rule": by_rule,
        "flagged_by_model_only": len(flagged) - by_rule,
        "behaviours": dict(sorted(per.items(), key=lambda kv: -kv[1])),
        "seconds": round(elapsed, 3),
    }


def baseline_convabuse() -> dict[str, object]:
    """TF-IDF (word 1-2 grams) + logistic regression: the anchor the issue compares against."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train, valid = load_convabuse("train"), load_convabuse("valid")
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    x = vec.fit_transform([e.text for e in train])
    clf = LogisticRegression(max_iter=2000, class_weight="balanced")
    clf.fit(x, [bool(e.labels) for e in train])
    pred = clf.predict(vec.transform([e.text for e in valid]))
    return {"binary": binary([bool(e.labels) for e in valid], [bool(p) for p in pred])}


def evaluate_conversations(folder: Path) -> dict[str, object] | None:
    """Customer-turn flags, repeated demands, escalation and duration against labels.json."""
    from kasuhara.screen import parse_transcript, screen_conversation

    labels_path = folder / "labels.json"
    if not labels_path.exists():
        return None
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    tp = fp = fn = 0
    repeated_ok = escalation_ok = duration_ok = n = 0
    for name, label in labels.items():
        if name.startswith("_"):
            continue
        n += 1
        result = screen_conversation(parse_transcript((folder / name).read_text(encoding="utf-8")))
        s = result.summary
        gold = set(label["flagged_customer_turns"])
        pred = set(s["flagged_turns"])  # type: ignore[call-overload]
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        repeated_ok += bool(s["repeated_demands"]) == bool(label.get("repeated_demand"))
        escalation = s["escalation"]
        assert isinstance(escalation, dict)
        escalation_ok += bool(escalation["escalated"]) == bool(label.get("escalation"))
        duration = s["duration_seconds"]
        duration_ok += duration is not None and abs(float(duration) - float(label["total_duration_seconds"])) < 0.5  # type: ignore[arg-type]
    return {
        "conversations": n,
        "customer_turns_flagged": prf(tp, fp, fn),
        "repeated_demand_accuracy": round(repeated_ok / max(n, 1), 4),
        "escalation_accuracy": round(escalation_ok / max(n, 1), 4),
        "duration_accuracy": round(duration_ok / max(n, 1), 4),
    }


def errors(name: str, examples: list[Example]) -> None:
    for e, r in zip(examples, screen_texts([e.text for e in examples]), strict=True):
        gold = sorted(e.labels)
        pred = sorted(r.behaviour_ids())
        if (bool(gold) != r.flagged) or (gold and set(gold) != set(pred) and e.labels != {"abuse"}):
            print(f"{name}\tgold={','.join(gold) or '-'}\tpred={','.join(pred) or '-'}\t{r.score:.2f}\t{e.text}")


def markdown(report: dict[str, dict[str, object]], ordinary_report: dict[str, dict[str, object]]) -> str:
    lines = ["# Screening evaluation / スクリーニング評価", ""]
    lines.append(f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `evaluation/screen_eval.py`.")
    lines.append("")
    if ordinary_report:
        lines += [
            "## Ordinary Japanese, held out / 日常の日本語（評価用に取り分けた部分）",
            "",
            "| set | n | flagged | flagged share (target <= 0.5 %) | with a rule | model only | behaviours |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, o in ordinary_report.items():
            per, flagged, n = o["behaviours"], o["flagged"], o["n"]
            assert isinstance(per, dict) and isinstance(flagged, int) and isinstance(n, int)
            top = ", ".join(f"{k} {v}" for k, v in list(per.items())[:6]) or "—"
            lines.append(
                f"| {name} | {o['n']} | {o['flagged']} | {flagged / max(n, 1):.2%} | {o['flagged_with_a_rule']} | "
                f"{o['flagged_by_model_only']} | {top} |"
            )
        lines += ["", "## Labelled sets / ラベル付きデータ", ""]
    lines.append("| set | n | flagged P | flagged R | flagged F1 | macro-F1 (flag/not) | behaviour macro-F1 |")
    lines.append("|---|---|---|---|---|---|---|")
    for name, res in report.items():
        b = res["binary"]
        assert isinstance(b, dict)
        f = b["flagged"]
        lines.append(
            f"| {name} | {b['n']} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} | {b['macro_f1']:.3f} | "
            f"{res.get('behaviour_macro_f1', '—')} |"
        )
    for name, res in report.items():
        per = res.get("behaviours")
        if not isinstance(per, dict) or not per:
            continue
        lines += ["", f"## {name}: per behaviour", "", "| behaviour | P | R | F1 | support |", "|---|---|---|---|---|"]
        for b, m in per.items():
            lines.append(f"| {b} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    for name, res in report.items():
        table = res.get("confusion")
        if not isinstance(table, dict) or "test" not in name or "batch" in name:
            continue
        cols = [*BEHAVIOURS, "none"]
        short = {
            "verbal_abuse": "abuse", "threat": "threat", "intimidation": "intim", "forced_kneeling": "kneel",
            "excessive_demand": "demand", "sns_exposure": "sns", "unauthorized_filming": "film", "refusal_to_leave": "stay",
            "discriminatory": "discr", "sexual": "sex", "attack_on_individual": "attack", "repeated_contact": "repeat",
            "defamation": "defam", "none": "none",
        }
        lines += ["", f"## {name}: confusion (rows gold, columns predicted)", ""]
        lines.append("Columns: " + ", ".join(f"{short[c]} = {c}" for c in cols if c != "none") + ".")
        lines.append("")
        lines.append("| gold \\ predicted | " + " | ".join(short[c] for c in cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for g, row in table.items():
            lines.append(f"| {g} | " + " | ".join(str(row.get(c, "")) if row.get(c) else "·" for c in cols) + " |")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", choices=["ja-dev", "en-dev", "ja-train", "convabuse-train"])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for screen.{md,json}")
    args = parser.parse_args()
    sets = {
        "ja-test (held-out)": (ROOT / "datasets" / "ja" / "test.jsonl", True),
        "en-test (held-out)": (ROOT / "datasets" / "en" / "test.jsonl", True),
        "ja-dev (tuned and trained on)": (ROOT / "datasets" / "ja" / "dev.jsonl", True),
        "en-dev (tuned and trained on)": (ROOT / "datasets" / "en" / "dev.jsonl", True),
    }
    if args.errors:
        if args.errors == "convabuse-train":
            errors(args.errors, load_convabuse("train"))
        else:
            lang, split = args.errors.split("-")
            errors(args.errors, load_jsonl(ROOT / "datasets" / lang / f"{split}.jsonl"))
        return 0
    ordinary_report: dict[str, dict[str, object]] = {}
    if ordinary.available():
        for corpus in ordinary.CORPORA:
            ordinary_report[f"ordinary-ja {corpus} (held-out report part)"] = evaluate_ordinary(ordinary.load(corpus, "report"))
    else:
        print(f"skipped ordinary Japanese: {ordinary.SHARED} missing", file=sys.stderr)
    report: dict[str, dict[str, object]] = {}
    for name, (path, with_behaviours) in sets.items():
        examples = load_jsonl(path)
        if examples:
            report[name] = evaluate(examples, with_behaviours)
            if name.startswith("ja-test"):
                for batch, prefix in (("B", "ja-5"), ("C", "ja-7")):
                    part = [e for e in examples if e.id.startswith(prefix)]
                    if part:
                        report[f"ja-test batch {batch} (held-out)"] = evaluate(part, with_behaviours)
        else:
            print(f"skipped {name}: {path} missing or empty", file=sys.stderr)
    report["convabuse-valid (binary abuse, held-out)"] = evaluate(load_convabuse("valid"), False)
    if not args.no_baseline:
        report["baseline TF-IDF+LR on convabuse-valid"] = baseline_convabuse()
    conversations = evaluate_conversations(ROOT / "datasets" / "ja" / "conversations")
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    everything: dict[str, object] = {**ordinary_report, **report, "ja-conversations (development, labels.json)": conversations}
    (out_dir / "screen.json").write_text(json.dumps(everything, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = markdown(report, ordinary_report)
    if conversations is not None:
        c = conversations["customer_turns_flagged"]
        assert isinstance(c, dict)
        text += (
            "\n## ja-conversations (development, labels.json)\n\n"
            f"{conversations['conversations']} conversations. Customer turns flagged: P {c['precision']:.3f}, "
            f"R {c['recall']:.3f}, F1 {c['f1']:.3f}. Repeated demand right in {conversations['repeated_demand_accuracy']:.0%}, "
            f"escalation in {conversations['escalation_accuracy']:.0%}, duration in {conversations['duration_accuracy']:.0%}.\n"
        )
    (out_dir / "screen.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
