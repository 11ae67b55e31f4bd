"""Internal fast paths give exactly what the plain code gives (the screener's results must not move)."""

from __future__ import annotations

import json
from pathlib import Path

from kasuhara.screen.normalize import fold_kana, normalize
from kasuhara.screen.rules import Rule, RuleSet, load_rules, parse_rules

ROOT = Path(__file__).resolve().parents[2]


def _texts() -> list[str]:
    texts = ["", "a", "ab", "!", "死ね", "土下座しろ", "お前バカか", "\ud800死ね", "ｼﾈ", "f u c k you", "😡" * 5]
    for lang in ("ja", "en"):
        path = ROOT / "datasets" / lang / "dev.jsonl"
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts.append(" ".join(texts[:200]))
    return texts


def test_candidates_batch_equals_candidates_text_by_text() -> None:
    rules = load_rules()
    folded = [fold_kana(normalize(t)) for t in _texts()]
    assert rules.candidates_batch(folded) == [rules.candidates(f) for f in folded]
    assert rules._candidates_numpy(folded[:3]) == [rules.candidates(f) for f in folded[:3]]
    assert rules.candidates_batch(folded[:3]) == [rules.candidates(f) for f in folded[:3]]
    assert rules._candidates_numpy([]) == []
    assert rules._candidates_numpy(["", ""]) == [rules.candidates(""), rules.candidates("")]


def test_candidates_batch_never_matches_across_two_texts() -> None:
    rule_data = {
        "lang": "ja",
        "rules": [
            {"id": "one", "behaviour": "threat", "pattern": "x", "reason": {"ja": "{match}", "en": "{match}"}},
            {"id": "two", "behaviour": "threat", "pattern": "ab", "reason": {"ja": "{match}", "en": "{match}"}},
            {"id": "three", "behaviour": "threat", "pattern": "cde", "reason": {"ja": "{match}", "en": "{match}"}},
        ],
    }
    rules: tuple[Rule, ...] = parse_rules(rule_data, "test")
    ruleset = RuleSet(rules)
    assert ruleset._candidates_numpy(["a", "b", "cd", "e", "x"]) == [set(), set(), set(), set(), {0}]
    assert ruleset._candidates_numpy(["ab", "zcdez", ""]) == [{1}, {2}, set()]


def _normalize_every_step(text: str) -> str:
    """`normalize` without any skipping: every gated step in order."""
    from kasuhara.screen.normalize import _STEPS, _nfkc_lower

    out = _nfkc_lower(text)
    for pattern, replace, gate in _STEPS:
        if gate is None or gate.search(out):
            out = pattern.sub(replace, out)
    return out.strip()


def test_normalize_ascii_skip_changes_nothing() -> None:
    samples = ["DOGEZA shiro korosu", "dogeza koroshite 56su", "f u c k  you!!!", "sooooo b1tch", "4ね", "x", "氏ねええええ!!", "ｺﾛｽぞーーー", "56すぞ", "タヒねタヒね", "しししね", "a  b", "ばかーーー!!!", "頃すぞ"]
    for text in [*samples, *_texts()]:
        assert normalize(text) == _normalize_every_step(text), text
    assert normalize("do dogeza now, bakayarou") == _normalize_every_step("do dogeza now, bakayarou")


def test_lazy_ngrams_equal_the_eager_ones() -> None:
    import numpy as np

    from kasuhara.screen.model import get_model

    model = get_model()
    texts = [t for t in _texts() if "\ud800" not in t][:700]  # more than one chunk; core replaces surrogates
    folded = [fold_kana(normalize(t)) for t in texts]
    probs, eager = model.predict_with_ngrams(folded)
    lazy_probs, lazy = model.predict_lazy(folded)
    assert np.array_equal(probs, lazy_probs)
    assert len(lazy) == len(eager)
    for i in (0, 1, 511, 512, len(folded) - 1):
        assert np.array_equal(lazy[i].buckets, eager[i].buckets)
        assert np.array_equal(lazy[i].starts, eager[i].starts)
        assert np.array_equal(lazy[i].ends, eager[i].ends)


def test_japanese_only_patterns_are_skipped_on_ascii_text_only_when_they_cannot_match() -> None:
    from kasuhara.screen import rules

    assert rules._META_JA_NEEDS_NON_ASCII and rules._REPORTED_JA_NEEDS_NON_ASCII
    assert rules.is_meta("this is not tolerated")
    assert rules.is_meta("カスハラはお断りしています")
    assert not rules.is_meta("you idiot")


def _pairwise(results: list[object]) -> object:
    """The old merge: findings of one behaviour folded two at a time, in order."""
    from kasuhara.screen.core import BehaviourResult

    merged = results[0]
    assert isinstance(merged, BehaviourResult)
    for new in results[1:]:
        assert isinstance(new, BehaviourResult)
        evidence = tuple(sorted(set(merged.evidence) | set(new.evidence), key=lambda e: (e.start, e.end)))
        best = merged if merged.score >= new.score else new
        merged = BehaviourResult(best.id, best.score, evidence, best.reason, best.source)
    return merged


def test_merged_findings_equal_the_pairwise_merge() -> None:
    import random

    from kasuhara.errors import Message
    from kasuhara.screen.core import BehaviourResult, Evidence, _merged

    rng = random.Random(7)
    for _ in range(300):
        results = []
        for i in range(rng.randint(1, 6)):
            spans = []
            for _ in range(rng.randint(1, 3)):
                start = rng.randint(0, 20)
                spans.append(Evidence(start, start + rng.randint(1, 4), "x"))
            score = rng.choice([0.5, 0.7, 0.7, 0.9])
            results.append(BehaviourResult("threat", score, tuple(spans), Message(f"r{i}", f"r{i}"), rng.choice(["rule", "model"])))
        assert _merged(results) == _pairwise(results)


def test_a_long_line_of_repeated_abuse_takes_bounded_time() -> None:
    import time

    from kasuhara.screen import screen_text

    started = time.process_time()
    result = screen_text("土下座しろ。" * 20000)
    assert time.process_time() - started < 20
    assert result.truncated and result.flagged
    assert len(result.behaviours[0].evidence) > 10000
