"""What must NOT be flagged: legitimate complaints and ordinary speech that keyword lists get wrong."""

from __future__ import annotations

import pytest

from kasuhara.screen import screen_text

ORDINARY = [
    # hyperbole and excitement
    "このラーメン死ぬほどうまい！",
    "笑いすぎて死ぬかと思った",
    "殺人的な忙しさでした",
    "this burger is to die for",
    "you killed it today, great job",
    # words inside other words
    "殺虫剤はどこにありますか",
    "バカンスで沖縄に行きます",
    "シネマコンプレックスの場所を教えて",
    "安いしね、また来るよ",
    # polite complaints and requests
    "商品が壊れていたので返金をお願いできますか",
    "責任者の方とお話しさせていただけますか",
    "交換していただけると助かります",
    "I would like a refund, the item arrived broken",
    "Could I speak to a manager, please?",
    # lawful steps
    "消費者センターに相談しようと思います",
    "弁護士に相談してから改めてご連絡します",
    "I will be consulting my lawyer about this",
    # an honest review
    "正直な感想をレビューに書かせてもらいますね",
    "I'll leave an honest review of my stay",
    # praising a clerk by name
    "先ほどの方のお名前を伺ってもよろしいですか？本社にお礼を伝えたくて",
    "What's the name of the lady who helped me? She was so kind",
    # reporting someone else's abuse
    "お客様に「土下座しろ」と言われて怖かったです",
    "昨日、客に死ねと怒鳴られました",
    "A customer called me an idiot and I need advice",
    # talking about such conduct, not doing it
    "当店では、土下座の要求や従業員の撮影はお断りしています",
    "ドラマで「土下座しろ」というセリフがあった",
    "Abuse of staff is not tolerated in this store",
    # excitement is not anger
    "THANK YOU SO MUCH!",
    # ordinary talk
    "足元にお気をつけてお帰りください",
    "電車が動かないので遅れます",
    "詐欺メールに注意してください",
    "",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_not_flagged(text: str) -> None:
    result = screen_text(text)
    assert not result.flagged, result.to_dict()


def test_negation_turns_a_threat_into_a_reassurance() -> None:
    assert screen_text("SNSに晒してやる").flagged
    assert not screen_text("SNSに晒したりはしませんのでご安心ください").flagged
