"""Broader rules for the behaviours that generalised worst (threat, sexual, abuse, SNS exposure,
repeated contact, discrimination): how customers actually say these things, and what must pass.

Every sentence here was written for this test from the behaviour definitions; none comes from a
dataset split, and none is in the model's hand-written training sentences.
"""

from __future__ import annotations

import pytest

from kasuhara.screen import screen_text

FOUND = [
    # English threats: announced or veiled harm
    ("I'm going to come down there and beat the crap out of you.", "threat"),
    ("You'd better watch yourself when you close up tonight.", "threat"),
    ("Keep it up and you'll find out what happens.", "threat"),
    ("If I don't get my money back, someone is going to get hurt.", "threat"),
    ("You're lucky there's a counter between us.", "threat"),
    ("I'll make your life a living hell.", "threat"),
    ("Do that again and I'll knock your teeth out.", "threat"),
    ("I'm going to burn this place to the ground.", "threat"),
    ("You'll be sorry you ever spoke to me like that.", "threat"),
    ("I'll be waiting for you after your shift.", "threat"),
    # English sexual harassment
    ("Nice legs, sweetheart. Do you work here often?", "sexual"),
    ("What are you doing after your shift, gorgeous? Let's get a drink.", "sexual"),
    ("You'd look better without that uniform on.", "sexual"),
    ("Bet you're a real wildcat in bed.", "sexual"),
    ("Are you wearing anything under that apron?", "sexual"),
    ("Hey sexy, how much for the whole night?", "sexual"),
    ("Do you have a boyfriend? I could show you a good time.", "sexual"),
    # English insults aimed at the person
    ("You absolute waste of space.", "verbal_abuse"),
    ("Listen here, you stupid cow.", "verbal_abuse"),
    ("What kind of moron runs a shop like this?", "verbal_abuse"),
    ("Shut your mouth and get me the manager.", "verbal_abuse"),
    ("You illiterate clown, read the order again.", "verbal_abuse"),
    # English exposure online
    ("Enjoy going viral, Karen at register 3.", "sns_exposure"),
    ("Your name is going in my Google review, in bold.", "sns_exposure"),
    ("Say hi to my 50k followers, I'm live right now.", "sns_exposure"),
    ("Going straight on Reddit with your badge number.", "sns_exposure"),
    ("I'm going to tag your company and let everyone see this.", "sns_exposure"),
    # English discrimination and attacks on the individual
    ("Is there anyone here who isn't foreign?", "discriminatory"),
    ("They should never have hired a woman for this job.", "discriminatory"),
    ("I'm not being served by a Muslim.", "discriminatory"),
    ("Too old to be working the till, aren't you?", "discriminatory"),
    ("I'll make sure you never work in this town again.", "attack_on_individual"),
    ("Your manager will hear about this and you'll be out of a job by Friday.", "attack_on_individual"),
    # Japanese threats
    ("その顔、二度と見られないようにしてやる", "threat"),
    ("包丁持ってもう一回来るからな", "threat"),
    ("痛い目見ないとわからないみたいだな", "threat"),
    ("ぶっ飛ばすぞ", "threat"),
    ("ケガしたくなかったら言うこと聞け", "threat"),
    ("お前の家に火をつけてやる", "threat"),
    # Japanese repeated contact
    ("これで今日5回目の電話なんだけど", "repeated_contact"),
    ("対応してくれるまで何度でも来ますよ", "repeated_contact"),
    ("先週から毎日電話してるのに、まだ分からんのか", "repeated_contact"),
    # Japanese discrimination
    ("お前みたいなオカマに接客されたくない", "discriminatory"),
    ("母子家庭で育つとこうなるのかね", "discriminatory"),
    ("田舎もんは黙ってろ", "discriminatory"),
    ("中国人はみんな嘘つきだからな", "discriminatory"),
    # Japanese sexual, exposure, belittling
    ("いい体してるねえ、何かスポーツやってた？", "sexual"),
    ("その制服、脱がせてみたいなあ", "sexual"),
    ("ちょっとハグしてくれたら帰るよ", "sexual"),
    ("インスタのフォロワー一万人に見てもらおうか", "sns_exposure"),
    ("YouTubeで配信中だから、言葉に気をつけろよ", "sns_exposure"),
    ("小学生でもできるぞ、こんなの", "verbal_abuse"),
]


@pytest.mark.parametrize(("text", "behaviour"), FOUND)
def test_broader_phrasings_are_found_by_a_rule(text: str, behaviour: str) -> None:
    result = screen_text(text)
    found = {b.id: b for b in result.behaviours}
    assert behaviour in found, (text, sorted(found))
    assert found[behaviour].source == "rule"
    evidence = found[behaviour].evidence[0]
    assert text[evidence.start : evidence.end] == evidence.text


HARD_NEGATIVES = [
    # English: hyperbole, sport, self-deprecation, caring words, shopping for body-related goods
    "I'm going to kill it at my presentation tomorrow.",
    "The sauce was killer, honestly.",
    "I'll be waiting in the car park, could you bring the order out to me?",
    "Could you watch my bag while I nip to the loo?",
    "I'll be posting the parcel back to you tomorrow.",
    "I'm dying of thirst, could I get some water?",
    "I'll share the recipe with my friends on Facebook, it was lovely.",
    "I'll be back every day this week to check on the repair, is that okay?",
    "Mind if I wait here until the rain stops?",
    "Do you have staff who speak Polish? My dad's English isn't great.",
    "Is there a female pharmacist I could speak to? It's a personal matter.",
    "Could I get the name of the lady who helped me? She was brilliant.",
    "The old lady next door recommended this place.",
    "Our team got absolutely hammered in the cup final, it was a massacre.",
    "What time does the pharmacy finish today?",
    "The view from your terrace is lovely.",
    "This is going on my blog as the best brunch in town!",
    "I'm recording this call for my own records, if that's alright.",
    # Japanese: hyperbole, games, caring words, polite repeat contact, origin and body words used neutrally
    "この唐揚げ、殺人的にうまい",
    "明日も来ますので、よろしくお願いします",
    "何度もお電話してすみません、先日の件ですが",
    "毎日来てるけど、ここのコーヒーは本当においしい",
    "外国人のお客様向けの案内はありますか",
    "女性の店員さんにお願いできますか、採寸なので",
    "祖母が障害者手帳を持っているのですが、割引はありますか",
    "夜道は暗いので、お気をつけてお帰りください",
    "口コミに正直な感想を書かせてもらいますね",
    "店員さんの名前を教えてください、本社にお礼を伝えたいので",
    "ハーフタイムショーが楽しみ",
    "火をつけるタイプのコンロですか",
    "包丁を研いでもらえますか",
    "中国人観光客が増えましたね",
    "子供の学校行事があるので、来週また来ます",
    "パンツのサイズ交換をお願いしたいです",
    "体に良いお茶はどれですか",
    "このお店のことブログで紹介してもいいですか",
    "同じ不具合で、今月二回目の修理をお願いしています",
    "晒し布はどこの売り場にありますか",
    "娘がアレルギーなので、原材料を確認させてください",
    "もう少し考えさせてください",
    "爆弾おにぎりって今日もありますか",
    "この料理の写真、インスタに載せてもいいですか？",
    "昨日も電話したんですが、折り返しをいただけますか",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_pass(text: str) -> None:
    result = screen_text(text)
    assert not result.flagged, (text, [(b.id, b.source) for b in result.behaviours])


# Ordinary sentences the statistical model alone still flags (no rule fires on them): its character
# n-grams weigh "watch your", "bra" and "keep calling until" as abuse whatever the context. Kept
# here, strict, so that a model that stops flagging them makes this test say so.
KNOWN_MODEL_FALSE_ALARMS = [
    "My grandmother is Chinese and loves your dumplings.",  # since the 2026-12-04 retraining
    "You'll regret not trying the cheesecake, it's amazing.",  # since the 2026-12-04 retraining
    "Watch your step, the floor by the door is wet.",
    "Do you sell a bra in a bigger size?",
    "I'll keep calling until I get through, the line's been busy all morning.",
]


@pytest.mark.xfail(strict=True, reason="model-only false alarm on ordinary speech (known weakness)")
@pytest.mark.parametrize("text", KNOWN_MODEL_FALSE_ALARMS)
def test_known_model_false_alarms(text: str) -> None:
    result = screen_text(text)
    assert not result.flagged
    assert all(b.source == "model" for b in result.behaviours)


def test_there_are_enough_hard_negatives() -> None:
    assert len(HARD_NEGATIVES) >= 40
