"""Calibrated model, one threshold table, and the two kinds of finding (rule / model-only 「要確認」)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from kasuhara.cli.main import main
from kasuhara.screen import BEHAVIOURS, screen_text, screen_texts
from kasuhara.screen.core import _widen_to_morphemes
from kasuhara.screen.model import get_model
from kasuhara.screen.morph import is_aligned, tokenize


def _table() -> dict[str, object]:
    text = resources.files("kasuhara.screen").joinpath("data", "thresholds.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_one_threshold_table_for_the_shipped_model() -> None:
    data = _table()
    model = get_model()
    assert data["model_version"] == model.version
    thresholds = data["thresholds"]
    assert isinstance(thresholds, dict) and {"ja", "en"} <= set(thresholds)
    for lang, table in thresholds.items():
        assert set(table) == {"flag", *BEHAVIOURS}, lang
        assert all(0.0 < float(v) < 1.0 for v in table.values()), lang
        assert model.threshold(lang, "flag") == pytest.approx(float(table["flag"]))


def test_the_operating_point_is_recorded_within_the_false_alarm_budget() -> None:
    point = _table()["operating_point"]
    assert isinstance(point, dict)
    ordinary = point["ja"]["ordinary_calibration"]
    assert ordinary["n"] > 10_000  # measured on real ordinary speech, not on a handful of sentences
    assert ordinary["flagged_share"] <= ordinary["budget"] <= 0.005


# Ordinary casual Japanese and a legitimate complaint: the old model took the register for abuse.
ORDINARY = [
    "なるほどね、じゃあそれでいいよ",
    "そうなんだ、ありがとう",
    "全然温まらないんだけど",
    "イヤホンが片方聞こえないんだ",
    "えーっとあの明日の予約なんですけどまあ三時くらいでお願いできますか",
    "せやな、ほなまた来週やな",
    "責任者の方と話させてください",
    "このままでしたら消費者センターに相談します",
]


def test_ordinary_casual_japanese_is_not_flagged() -> None:
    results = screen_texts(ORDINARY)
    flagged = [(r.text, [(b.id, b.source) for b in r.behaviours]) for r in results if r.flagged]
    assert not flagged


# A legitimate complaint in rough register the model still flags (just above its threshold), shown as
# 「要確認」. Strict, so that a model that stops flagging it makes this test say so.
@pytest.mark.xfail(strict=True, reason="model-only false alarm on a rough but legitimate complaint (known weakness)")
def test_rough_legitimate_complaint_is_not_flagged() -> None:
    result = screen_text("これ壊れてるんだけど、どうなってんの？")
    assert not result.flagged


# Rules used to fire on pieces of other words: 組 in 番組, おし in おしゃれ, いえ in いえいえ, 仲間が.
@pytest.mark.parametrize(
    "text",
    [
        "お笑い番組をよく見ます！",
        "おしゃれなお店ですね",
        "いえいえ、とんでもないです",
        "仲間が見つかって良かったです！",
        "実際に確かめたわけじゃないですけど",
        "おしいところですよね",
    ],
)
def test_rules_do_not_fire_on_pieces_of_other_words(text: str) -> None:
    result = screen_text(text)
    assert not any(b.source == "rule" for b in result.behaviours), result.to_dict()


# Words that are harassment only in a certain use: 独身 asked of the person, 爆弾 with an act.
@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("いえ、まだ独身ですよ", False),
        ("独身の頃はずっとコンビニでした", False),
        ("お姉さん独身？今度デートしようよ", True),
        ("はい。カロリー爆弾です！", False),
        ("爆弾を送りつけてやるからな", True),
    ],
)
def test_rules_need_the_harmful_use_of_a_word(text: str, fires: bool) -> None:
    result = screen_text(text)
    assert any(b.source == "rule" for b in result.behaviours) is fires, result.to_dict()


def test_a_rule_still_fires_on_the_word_itself() -> None:
    result = screen_text("うちの若いのがそっちに行くことになるけど、いいんだね")
    assert "threat" in [b.id for b in result.behaviours if b.source == "rule"]


def test_alignment_accepts_verb_stems_and_rejects_noun_pieces() -> None:
    text = "お笑い番組を見る"
    tokens = tokenize(text)
    assert not is_aligned(tokens, text.index("組"), text.index("組") + 2)  # 組を inside 番組を
    text = "殺してやる"
    assert is_aligned(tokenize(text), 0, 1)  # 殺 ends inside the verb 殺し: a stem


def test_a_span_of_particles_takes_in_its_word() -> None:
    text = "全然温まらないんだけど"
    tokens = tokenize(text)
    a, b = _widen_to_morphemes(tokens, text.index("ない"), text.index("ない") + 5)  # 「ないんだけ」
    shown = text[a:b]
    assert "温まら" in shown and shown.endswith(("ど", "だ", "ない")), shown
    assert a in {t.begin for t in tokens} and b in {t.end for t in tokens}


# Abusive wording the rules do not cover (respellings and roundabout insults): found by the model alone.
MODEL_ONLY_CANDIDATES = [
    "おまえほんまにつかえへんやつやな、はよやめてまえ",
    "ほんとに頭の中身からっぽなんじゃないの、あんた",
    "ちょっとあんた、客をなめてるでしょ、そういう態度",
    "こんな店の従業員なんて人間のくずばっかりだな",
    "あんたの顔見てるだけで気分悪くなるわ、消えてくれ",
    "客に向かってその口のききかたは何なのよ、あんた",
]


def test_model_only_findings_are_marked_for_confirmation_with_whole_words() -> None:
    seen = 0
    for result in screen_texts(MODEL_ONLY_CANDIDATES):
        if not result.flagged:
            continue
        data = result.to_dict()
        assert data["flagged"] is True
        outs = data["behaviours"]
        assert isinstance(outs, list)
        for b, out in zip(result.behaviours, outs, strict=True):
            assert out["source"] == b.source
            assert out["confirm_required"] is (b.source == "model")
            if b.source != "model":
                continue
            seen += 1
            assert out["status"] == {"ja": "要確認", "en": "possible: please confirm"}
            tokens = tokenize(result.text)
            begins, ends = {t.begin for t in tokens}, {t.end for t in tokens}
            for e in b.evidence:
                assert result.text[e.start : e.end] == e.text
                assert e.start in begins and e.end in ends, (result.text, e.text)
    assert seen, "none of the candidates was flagged by the model alone: pick new ones"


def test_cli_text_output_marks_model_only_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_text("\n".join(MODEL_ONLY_CANDIDATES) + "\n土下座しろ\n", encoding="utf-8")
    assert main(["screen", str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "[rule]" in out  # 土下座しろ: a rule, no confirmation asked
    assert "要確認" in out
