"""Rules as data: strict loading, guards, and each behaviour found where it should be."""

from __future__ import annotations

import pytest

from kasuhara.screen import screen_text
from kasuhara.screen.rules import BEHAVIOURS, load_rules, parse_rules


def test_every_behaviour_has_rules_in_both_languages() -> None:
    rules = load_rules().rules
    for lang in ("ja", "en"):
        covered = {r.behaviour for r in rules if r.lang == lang}
        assert covered == set(BEHAVIOURS), (lang, set(BEHAVIOURS) - covered)


def test_every_rule_has_a_reason_in_japanese_and_english() -> None:
    for rule in load_rules().rules:
        assert rule.reason.ja and rule.reason.en
        assert "{match}" in rule.reason.ja and "{match}" in rule.reason.en


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"rules": [{"id": "x", "behaviour": "nope", "pattern": "a", "reason": {"ja": "a", "en": "a"}}]}, "unknown behaviour"),
        ({"rules": [{"id": "x", "behaviour": "threat", "pattern": "(", "reason": {"ja": "a", "en": "a"}}]}, "bad regular expression"),
        ({"rules": [{"id": "x", "behaviour": "threat", "pattern": "a", "reason": {"ja": "a"}}]}, "reason needs ja and en"),
        ({"rules": [{"id": "x", "behaviour": "threat", "pattern": "a", "reason": {"ja": "a", "en": "a"}, "typo": 1}]}, "unknown keys"),
    ],
)
def test_bad_rule_files_are_refused_with_the_entry_named(data: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_rules(data, "test.yaml")


def test_prefilter_never_hides_a_rule_that_matches() -> None:
    rules = load_rules()
    for text in ["土下座しろ", "i will kill you", "誠意を見せろ", "夜道に気をつけてね", "you people should go back to your country"]:
        folded = text.lower()
        direct = {i for i, r in enumerate(rules.rules) if r.pattern.search(folded)}
        assert direct <= rules.candidates(folded)


@pytest.mark.parametrize(
    ("text", "behaviour"),
    [
        ("てめえ、ぶっ殺すぞ", "threat"),
        ("夜道には気をつけたほうがいいですよ", "threat"),
        ("どうなっても知りませんからね", "threat"),
        ("しばいたろか、こら", "threat"),
        ("おい、誰に向かって口きいてんだ", "intimidation"),
        ("なめとんのか", "intimidation"),
        ("今すぐ土下座して謝れ", "forced_kneeling"),
        ("床に頭をつけて謝れよ", "forced_kneeling"),
        ("誠意を見せてもらおうか", "excessive_demand"),
        ("慰謝料として50万円払え", "excessive_demand"),
        ("お前の対応、ネットに晒してやるからな", "sns_exposure"),
        ("今の対応、全部スマホで撮ってるからな", "unauthorized_filming"),
        ("社長が来るまで絶対帰らないからな", "refusal_to_leave"),
        ("勝手に電話切るなよ", "refusal_to_leave"),
        ("女じゃ話にならん、男を出せ", "discriminatory"),
        ("お姉さん胸大きいね", "sexual"),
        ("あの店員をクビにしろ", "attack_on_individual"),
        ("お前の名前、覚えたからな", "attack_on_individual"),
        ("返事が来るまで毎日電話してやるからな", "repeated_contact"),
        ("この店は詐欺をやってるって近所に言いふらしてやる", "defamation"),
        ("ほんまアホちゃうか、お前", "verbal_abuse"),
        ("I'm going to kill you", "threat"),
        ("I know where you live", "threat"),
        ("Do you know who I am?", "intimidation"),
        ("Get on your knees and apologize", "forced_kneeling"),
        ("I'm posting your face all over Twitter", "sns_exposure"),
        ("I'm recording you right now", "unauthorized_filming"),
        ("I'm not leaving until I get my money", "refusal_to_leave"),
        ("Go back to your country", "discriminatory"),
        ("What are you wearing right now?", "sexual"),
        ("Fire that idiot cashier", "attack_on_individual"),
        ("I'll call every day until you fix it", "repeated_contact"),
        ("This company is a bunch of scammers", "defamation"),
        ("Shut up, you useless idiot", "verbal_abuse"),
        ("I SAID NO, ARE YOU DEAF!!", "intimidation"),  # written shouting
        ("ぶっ○すぞ", "threat"),  # a masked character
        ("お前はゴ三だ", "verbal_abuse"),  # a kanji look-alike
    ],
)
def test_behaviour_found(text: str, behaviour: str) -> None:
    result = screen_text(text)
    assert result.flagged
    assert behaviour in result.behaviour_ids(), result.to_dict()


def test_the_packaged_anchor_cache_is_current() -> None:
    from kasuhara.screen.rules import _cached_anchors, _packaged_rules

    rules = _packaged_rules()
    cached = _cached_anchors(rules)
    assert cached is not None, "run scripts/build_screen_anchors.py after editing the rules"
    assert cached == load_rules().anchors()
