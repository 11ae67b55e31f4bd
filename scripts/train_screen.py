"""Train the screening model and write it into the package (`data/model.npz`, `data/thresholds.json`).

    .venv/bin/python scripts/train_screen.py            # train, calibrate, choose thresholds, refit, write
    .venv/bin/python scripts/train_screen.py --dry-run  # report only
    .venv/bin/python scripts/train_screen.py --no-refit # ship the stage-1 model (about half the time)

Seeded (samples and liblinear), so a run on the same data writes the same model. Data (test splits
and the held-out "report" parts of the ordinary corpora are never read here):
- ordinary Japanese (`datasets/ordinary.py`: RealPersonaChat and ASDC beside the clone, split by
  dialogue / document id): the "train" part as negatives (every casual utterance, a sample of the
  polite ones, down-weighted), the "calibrate" part for Platt scaling and the false-alarm budget;
- Japanese: datasets/ja/train.jsonl (fit) and datasets/ja/dev.jsonl (calibration, thresholds, refit);
- English kasuhara set: datasets/en/train.jsonl and dev.jsonl, the same way;
- ConvAbuse (../shared/data/screening/en_convabuse): its `train` split, 80 % fit / 20 % calibration
  and thresholds, then refit on all of it; its `valid` split is left for evaluation;
- Davidson tweets (../shared/data/screening/en_davidson): a fixed 80 % slice, down-weighted,
  as extra English abuse; the other 20 % is never used here;
- scripts/data/screen_extra_train.jsonl: hand-written Japanese and English sentences (not taken from
  any split): hard negatives the character n-grams confuse with abuse and a few positives of the
  behaviours the model confused most; fit only, never used for thresholds.

Needs scikit-learn (a dev dependency); the shipped model needs only numpy.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "datasets"))

import ordinary  # noqa: E402

from kasuhara.screen import core  # noqa: E402
from kasuhara.screen.features import NGRAM_ORDERS, hash_batch  # noqa: E402
from kasuhara.screen.model import Model  # noqa: E402
from kasuhara.screen.normalize import fold_kana, normalize  # noqa: E402
from kasuhara.screen.rules import BEHAVIOURS, load_rules  # noqa: E402

SHARED = ordinary.SHARED
OUTPUTS: tuple[str, ...] = ("flag", *BEHAVIOURS)
N_BUCKETS = 1 << 18
ORDERS: tuple[int, ...] = NGRAM_ORDERS
MODEL_PATH = ROOT / "src" / "kasuhara" / "screen" / "data" / "model.npz"
THRESHOLDS_PATH = MODEL_PATH.with_name("thresholds.json")
EXTRA_PATH = ROOT / "scripts" / "data" / "screen_extra_train.jsonl"


@dataclass
class Corpus:
    """Texts with a 0/1 target per output, a weight and the language each one is in."""

    texts: list[str] = field(default_factory=list)
    targets: list[list[int]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)

    def add(self, text: str, labels: set[str], lang: str, weight: float = 1.0) -> None:
        self.texts.append(text)
        row = [1 if labels else 0] + [1 if b in labels else 0 for b in BEHAVIOURS]
        self.targets.append(row)
        self.weights.append(weight)
        self.langs.append(lang)

    def extend(self, other: Corpus) -> None:
        self.texts += other.texts
        self.targets += other.targets
        self.weights += other.weights
        self.langs += other.langs

    def y(self) -> npt.NDArray[np.int64]:
        return np.asarray(self.targets, dtype=np.int64).reshape(-1, len(OUTPUTS))


def read_kasuhara(path: Path, lang: str) -> Corpus:
    corpus = Corpus()
    if not path.exists():
        return corpus
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        labels = {str(x) for x in row.get("labels", [])} & set(BEHAVIOURS)
        corpus.add(str(row["text"]), labels, lang)
    return corpus


def read_extra(path: Path = EXTRA_PATH) -> Corpus:
    """Hand-written sentences (each row names its `lang`), used for fitting only."""
    corpus = Corpus()
    if not path.exists():
        return corpus
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels = {str(x) for x in row.get("labels", [])} & set(BEHAVIOURS)
            corpus.add(str(row["text"]), labels, str(row["lang"]))
    return corpus


def read_convabuse(split: str) -> Corpus:
    corpus = Corpus()
    with (SHARED / "en_convabuse" / "data.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["split"] != split:
                continue
            labels: set[str] = set()
            if row["label"] == "1":
                n = max(int(row["n_annotators"] or 1), 1)
                sexual = int(row["votes_sexual_harassment"] or 0) * 2 > n
                labels = {"sexual"} if sexual else {"verbal_abuse"}
            corpus.add(row["text"], labels, "en")
    return corpus


def read_davidson(weight: float, every: int) -> Corpus:
    """80 % of Davidson (every fifth row is left out), thinned to one row in `every`, offensive/hate as abuse."""
    corpus = Corpus()
    with (SHARED / "en_davidson" / "data.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i % 5 == 4 or (i // 5) % every:
                continue
            label = row["label"]
            labels = set() if label == "neither" else ({"discriminatory", "verbal_abuse"} if label == "hate_speech" else {"verbal_abuse"})
            corpus.add(row["text"], labels, "en", weight)
    return corpus


def prepare(texts: list[str]) -> list[str]:
    return [fold_kana(normalize(t)) for t in texts]


def matrix(texts: list[str]) -> csr_matrix:
    hashed = hash_batch(prepare(texts), N_BUCKETS, ORDERS)
    values = 1.0 / np.sqrt(np.maximum(hashed.counts[hashed.docs], 1))
    return csr_matrix((values, (hashed.docs, hashed.buckets)), shape=(len(texts), N_BUCKETS))


def fit(corpus: Corpus, c_value: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    x = matrix(corpus.texts)
    y = corpus.y()
    w = np.asarray(corpus.weights)
    weights = np.zeros((N_BUCKETS, len(OUTPUTS)))
    bias = np.full(len(OUTPUTS), -6.0)
    for j, name in enumerate(OUTPUTS):
        if y[:, j].sum() < 3:
            print(f"  {name}: too few positives, output disabled", file=sys.stderr)
            continue
        clf = LogisticRegression(C=c_value, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=0)
        t0 = time.time()
        clf.fit(x, y[:, j], sample_weight=w)
        print(f"  {name}: {int(y[:, j].sum())} positives, {time.time() - t0:.0f}s", file=sys.stderr)
        weights[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return weights, bias


def quantise(weights: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    scales = np.maximum(np.abs(weights).max(axis=0), 1e-9) / 127.0
    q = np.clip(np.round(weights / scales[None, :]), -127, 127).astype(np.int8)
    return q, scales.astype(np.float32)


def probabilities(
    q: npt.NDArray[np.int8], scales: npt.NDArray[np.float32], bias: npt.NDArray[np.float64], texts: list[str]
) -> npt.NDArray[np.float32]:
    model = Model(q, scales, bias.astype(np.float32), OUTPUTS, ORDERS, {}, "tmp")
    return model.predict(prepare(texts))


def rule_flags(texts: list[str]) -> npt.NDArray[np.bool_]:
    """Which behaviours the rules alone find, per text (shape texts × outputs)."""
    rules = load_rules()
    out = np.zeros((len(texts), len(OUTPUTS)), dtype=bool)
    for i, text in enumerate(texts):
        n = normalize(text)
        for hit in rules.match(fold_kana(n), n):
            out[i, 0] = True
            out[i, OUTPUTS.index(hit.rule.behaviour)] = True
    return out


THRESHOLD_GRID = np.concatenate((np.arange(0.01, 0.2, 0.005), np.arange(0.2, 0.96, 0.025)))
"""Calibrated probabilities of rare behaviours are small: the grid is fine at the low end."""


def best_threshold(
    prob: npt.NDArray[np.float32], truth: npt.NDArray[np.int64], rules: npt.NDArray[np.bool_], macro: bool
) -> tuple[float, float]:
    """Threshold that maximises F1 of (rules OR model >= t) on tuning data (macro over both classes
    for the flag, so that the many ordinary utterances count as much as the few abusive ones)."""
    best_t, best_f = 0.5, -1.0
    for t in THRESHOLD_GRID:
        pred = rules | (prob >= t)
        tp = int((pred & (truth == 1)).sum())
        fp = int((pred & (truth == 0)).sum())
        fn = int((~pred & (truth == 1)).sum())
        tn = len(truth) - tp - fp - fn
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if macro:
            f1 = (f1 + 2 * tn / max(2 * tn + fp + fn, 1)) / 2
        if f1 > best_f + 1e-9:
            best_t, best_f = float(t), f1
    return best_t, best_f


def read_ordinary(part: str, limit: int, seed: int, weight: float = 1.0) -> Corpus:
    """Ordinary Japanese (RealPersonaChat + ASDC) of one fixed part, `limit` utterances per corpus at most
    (a seeded random sample, so a run is reproducible and fits in a few minutes on two cores)."""
    corpus = Corpus()
    rng = np.random.default_rng(seed)
    for name in ordinary.CORPORA:
        texts = ordinary.load(name, part)
        if limit and len(texts) > limit:
            texts = [texts[i] for i in sorted(rng.choice(len(texts), size=limit, replace=False).tolist())]
        for text in texts:
            corpus.add(text, set(), "ja", weight)
    return corpus


def read_ordinary_train(limit: int, seed: int, weight: float, casual_weight: float) -> Corpus:
    """The training part of the ordinary corpora, with casual register weighed up.

    The project's own negatives are mostly polite complaints and its positives mostly rough, so a
    character model takes casual register (〜んだ, 〜じゃん, 〜やな) for abuse. Every ordinary utterance
    without a polite marker (です, ます, ください, ...) is kept at `casual_weight`; polite ones are a seeded
    sample of `limit` per corpus at `weight`.
    """
    corpus = Corpus()
    rng = np.random.default_rng(seed)
    for name in ordinary.CORPORA:
        texts = ordinary.load(name, "train")
        casual = [t for t in texts if not core._POLITE_JA.search(t)]
        polite = [t for t in texts if core._POLITE_JA.search(t)]
        if limit and len(polite) > limit:
            polite = [polite[i] for i in sorted(rng.choice(len(polite), size=limit, replace=False).tolist())]
        for text in casual:
            corpus.add(text, set(), "ja", casual_weight)
        for text in polite:
            corpus.add(text, set(), "ja", weight)
    return corpus


def logits(q: npt.NDArray[np.int8], scales: npt.NDArray[np.float32], bias: npt.NDArray[np.float64], texts: list[str]) -> npt.NDArray[np.float64]:
    """Raw linear scores (before the sigmoid) of the quantised model, as the package computes them."""
    p = probabilities(q, scales, bias, texts).astype(np.float64)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def platt(z: npt.NDArray[np.float64], y: npt.NDArray[np.int64], w: npt.NDArray[np.float64]) -> tuple[float, float]:
    """Platt scaling: p = sigmoid(a * z + b) fitted on calibration data (weighted log loss)."""
    if y.sum() == 0 or y.sum() == len(y):
        return 1.0, 0.0
    clf = LogisticRegression(C=1e4, max_iter=1000)
    clf.fit(z.reshape(-1, 1), y, sample_weight=w)
    a, b = float(clf.coef_[0][0]), float(clf.intercept_[0])
    return (a, b) if a > 0 else (1.0, 0.0)


def pipeline_flag_rate(
    prob: npt.NDArray[np.float32], rules: npt.NDArray[np.bool_], polite: npt.NDArray[np.bool_], praise: npt.NDArray[np.bool_], t: float
) -> float:
    """Share of texts the screener flags at flag threshold t: a rule, or the model above t (the polite
    floor and the praise exemption of `kasuhara.screen.core` applied)."""
    limit = np.where(polite, max(t, core.POLITE_MODEL_FLOOR), t)
    limit = np.where(polite & praise, 1.01, limit)
    return float((rules | (prob >= limit)).mean())


def text_masks(texts: list[str]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    polite = np.array([core._polite(t) for t in texts], dtype=bool)
    praise = np.array([bool(core._PRAISE.search(t.lower())) for t in texts], dtype=bool)
    return polite, praise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--c", type=float, default=8.0, help="inverse regularisation strength")
    parser.add_argument("--davidson-weight", type=float, default=0.15)
    parser.add_argument("--davidson-every", type=int, default=1, help="keep one Davidson row in N")
    parser.add_argument("--orders", default=",".join(map(str, NGRAM_ORDERS)), help="character n-gram orders")
    parser.add_argument("--ordinary-train", type=int, default=30000, help="polite ordinary utterances per corpus to fit on (0: all)")
    parser.add_argument("--ordinary-weight", type=float, default=0.3, help="sample weight of a polite ordinary utterance")
    parser.add_argument("--casual-weight", type=float, default=1.0, help="sample weight of a casual ordinary utterance (all are used)")
    parser.add_argument("--ordinary-calibrate", type=int, default=15000, help="ordinary utterances per corpus for Platt scaling")
    parser.add_argument("--false-alarm-budget", type=float, default=0.004,
                        help="highest share of ordinary calibration speech the screener (rules and model) may flag; "
                        "the target on the held-out part is 0.005, the margin is for sampling noise")
    parser.add_argument("--no-extra", dest="extra", action="store_false", help="leave out scripts/data/screen_extra_train.jsonl")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--no-refit", dest="refit", action="store_false",
                        help="ship the model fitted on the training parts only (default: refit with the development splits)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    started = time.time()
    if not ordinary.available():
        print(f"the ordinary Japanese corpora are missing ({ordinary.SHARED}); set KASUHARA_SHARED_DATA", file=sys.stderr)
        return 2

    ja_train = read_kasuhara(ROOT / "datasets" / "ja" / "train.jsonl", "ja")
    ja_dev = read_kasuhara(ROOT / "datasets" / "ja" / "dev.jsonl", "ja")
    en_train = read_kasuhara(ROOT / "datasets" / "en" / "train.jsonl", "en")
    en_dev = read_kasuhara(ROOT / "datasets" / "en" / "dev.jsonl", "en")
    extra = read_extra() if args.extra else Corpus()
    conv = read_convabuse("train")
    rng = np.random.default_rng(20261123)
    tune_mask = rng.random(len(conv.texts)) < 0.2
    conv_fit, conv_tune = Corpus(), Corpus()
    for i in range(len(conv.texts)):
        target = conv_tune if tune_mask[i] else conv_fit
        target.texts.append(conv.texts[i])
        target.targets.append(conv.targets[i])
        target.weights.append(1.0)
        target.langs.append("en")
    global ORDERS
    ORDERS = tuple(int(x) for x in args.orders.split(","))
    davidson = read_davidson(args.davidson_weight, args.davidson_every) if args.davidson_weight > 0 else Corpus()
    ord_train = read_ordinary_train(args.ordinary_train, args.seed, args.ordinary_weight, args.casual_weight)
    ord_cal = read_ordinary("calibrate", args.ordinary_calibrate, args.seed + 1)
    ord_cal_all = read_ordinary("calibrate", 0, args.seed + 2)
    print(
        f"ja train {len(ja_train.texts)} dev {len(ja_dev.texts)}; en train {len(en_train.texts)} dev {len(en_dev.texts)}; "
        f"convabuse fit {len(conv_fit.texts)} calibrate {len(conv_tune.texts)}; davidson {len(davidson.texts)}; "
        f"extra {len(extra.texts)}; ordinary ja fit {len(ord_train.texts)} calibrate {len(ord_cal.texts)} "
        f"(thresholds on {len(ord_cal_all.texts)})",
        file=sys.stderr,
    )

    # 1. fit on the training parts only; the calibration parts are never fitted on
    fit_set = Corpus()
    for part in (ja_train, en_train, extra, conv_fit, davidson, ord_train):
        fit_set.extend(part)
    weights, bias = fit(fit_set, args.c)
    q, scales = quantise(weights)
    print(f"fitted in {time.time() - started:.0f}s", file=sys.stderr)

    # 2. Platt scaling per output on a mix of the development splits and ordinary speech, folded into
    #    the weights' scale and bias (the package computes sigmoid(a*z + b) with no extra step)
    cal = Corpus()
    for part in (ja_dev, en_dev, conv_tune, ord_cal):
        cal.extend(part)
    raw_scales, raw_bias = scales.copy(), bias.copy()
    z = logits(q, scales, bias, cal.texts)
    y_cal = cal.y()
    cal_w = np.asarray(cal.weights)
    for j, name in enumerate(OUTPUTS):
        a, b = platt(z[:, j], y_cal[:, j], cal_w)
        scales[j] = np.float32(scales[j] * a)
        bias[j] = bias[j] * a + b
        print(f"  platt {name}: a={a:.3f} b={b:.3f}", file=sys.stderr)

    # 3. thresholds: Japanese flag threshold by the false alarms on ordinary calibration speech,
    #    behaviours by F1 on the development splits but never below their own false-alarm budget
    thresholds: dict[str, dict[str, float]] = {}
    operating: dict[str, dict[str, object]] = {}
    ord_prob = probabilities(q, scales, bias, ord_cal_all.texts)
    ord_rules = rule_flags(ord_cal_all.texts)
    polite, praise = text_masks(ord_cal_all.texts)
    rule_rate = float(ord_rules[:, 0].mean())
    for lang, tune in (("ja", ja_dev), ("en", _joined(conv_tune, en_dev))):
        prob = probabilities(q, scales, bias, tune.texts)
        truth = tune.y()
        table: dict[str, float] = {}
        point: dict[str, object] = {}
        zero_rules = np.zeros(len(tune.texts), dtype=bool)
        for j, name in enumerate(OUTPUTS):
            if truth[:, j].sum() == 0:
                table[name] = 0.9
                continue
            t, f1 = best_threshold(prob[:, j], truth[:, j], zero_rules, macro=name == "flag")
            if lang == "ja":
                floor = 0.0
                if name == "flag":
                    grid = np.arange(0.005, 1.0, 0.0025)
                    ok = [float(g) for g in grid if pipeline_flag_rate(ord_prob[:, 0], ord_rules[:, 0], polite, praise, float(g)) <= args.false_alarm_budget]
                    floor = ok[0] if ok else 0.995
                else:  # a behaviour on its own may not exceed what is left of the budget after the rules
                    left = max(args.false_alarm_budget - rule_rate, 0.0005)
                    floor = float(np.quantile(ord_prob[:, j], 1 - left))
                t = max(t, floor)
            table[name] = round(float(t), 4)
            pred = prob[:, j] >= t
            tp = int((pred & (truth[:, j] == 1)).sum())
            point[name] = {"recall_dev_model_alone": round(tp / max(int(truth[:, j].sum()), 1), 4), "f1_dev_best": round(f1, 4)}
        if lang == "ja":
            rate = pipeline_flag_rate(ord_prob[:, 0], ord_rules[:, 0], polite, praise, table["flag"])
            point["ordinary_calibration"] = {
                "n": len(ord_cal_all.texts),
                "flagged_share": round(rate, 5),
                "flagged_share_by_rules": round(rule_rate, 5),
                "budget": args.false_alarm_budget,
            }
        dev_rules = rule_flags(tune.texts)
        dev_polite, dev_praise = text_masks(tune.texts)
        limit = np.where(dev_polite, max(table["flag"], core.POLITE_MODEL_FLOOR), table["flag"])
        limit = np.where(dev_polite & dev_praise, 1.01, limit)
        pred = dev_rules[:, 0] | (prob[:, 0] >= limit)
        gold = truth[:, 0] == 1
        tp, fp, fn = int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())
        point["flag_rules_or_model_dev"] = {
            "precision": round(tp / max(tp + fp, 1), 4),
            "recall": round(tp / max(tp + fn, 1), 4),
            "f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
        }
        thresholds[lang] = table
        operating[lang] = point
        print(f"{lang} thresholds: {table}", file=sys.stderr)
        print(f"{lang} operating point: {point}", file=sys.stderr)

    if args.refit:
        # 4. refit on everything but the ordinary calibration and held-out parts (the development splits
        #    add a quarter more Japanese examples), keep each output's Platt scaling, and raise the flag
        #    threshold where the refitted model would break the false-alarm budget on ordinary speech
        everything = Corpus()
        for part in (fit_set, ja_dev, en_dev, conv_tune):
            everything.extend(part)
        stage1_scales, stage1_bias = scales.copy(), bias.copy()
        weights2, bias_raw = fit(everything, args.c)
        q, scales = quantise(weights2)
        for j in range(len(OUTPUTS)):
            # stage 1's raw scale and bias were (s1, b1); calibrated (a*s1, a*b1 + b); recover a and b
            a = float(stage1_scales[j]) / float(raw_scales[j]) if raw_scales[j] else 1.0
            b = float(stage1_bias[j]) - a * float(raw_bias[j])
            scales[j] = np.float32(scales[j] * a)
            bias_raw[j] = bias_raw[j] * a + b
        bias = bias_raw
        ord_prob = probabilities(q, scales, bias, ord_cal_all.texts)
        t = thresholds["ja"]["flag"]
        while pipeline_flag_rate(ord_prob[:, 0], ord_rules[:, 0], polite, praise, t) > args.false_alarm_budget and t < 0.995:
            t = round(t + 0.0025, 4)
        thresholds["ja"]["flag"] = t
        rate = pipeline_flag_rate(ord_prob[:, 0], ord_rules[:, 0], polite, praise, t)
        operating["ja"]["ordinary_calibration"] = {  # type: ignore[assignment]
            "n": len(ord_cal_all.texts),
            "flagged_share": round(rate, 5),
            "flagged_share_by_rules": round(rule_rate, 5),
            "budget": args.false_alarm_budget,
            "after_refit": True,
        }
        print(f"refitted on {len(everything.texts)} texts; ja flag threshold {t}, ordinary calibration flagged {rate:.4%}", file=sys.stderr)

    if args.dry_run:
        print(f"dry run: done in {time.time() - started:.1f}s", file=sys.stderr)
        return 0
    version = time.strftime("%Y%m%d") + f"-c{args.c:g}-n{args.orders.replace(',', '')}-o{args.ordinary_train}"
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        MODEL_PATH,
        weights=q,
        scales=scales,
        bias=bias.astype(np.float32),
        outputs=np.array(OUTPUTS),
        orders=np.array(ORDERS),
        version=np.array(version),
    )
    THRESHOLDS_PATH.write_text(
        json.dumps(
            {
                "model_version": version,
                "about": "Decision thresholds of the screening model (calibrated probabilities), one table per language; "
                "written by scripts/train_screen.py. ja flag: the lowest threshold at which the screener (rules or model) "
                f"flags at most {args.false_alarm_budget:.1%} of ordinary Japanese calibration speech; behaviours: best F1 on "
                "the development split, never below the score only that share of ordinary speech reaches.",
                "thresholds": thresholds,
                "operating_point": operating,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    size = MODEL_PATH.stat().st_size
    print(f"wrote {MODEL_PATH} ({size / 1e6:.2f} MB) and {THRESHOLDS_PATH.name} in {time.time() - started:.1f}s", file=sys.stderr)
    return 0


def _joined(a: Corpus, b: Corpus) -> Corpus:
    out = Corpus()
    out.extend(a)
    out.extend(b)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
