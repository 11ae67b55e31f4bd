"""Conversations: JSON Lines, WebVTT and SRT in; duration, repeated demands, escalation and facts out."""

from __future__ import annotations

import json

import pytest

from kasuhara.errors import InputError
from kasuhara.screen import Turn, parse_transcript, screen_conversation

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
<v 顧客>すみません、昨日買った商品が壊れていたんですが

2
00:00:06.000 --> 00:00:09.000
<v 店員>申し訳ございません。交換いたします

3
00:20:00.000 --> 00:20:04.000
<v 顧客>交換じゃなくて返金しろって言ってんだよ

4
00:40:00.000 --> 00:40:05.000
<v 顧客>ふざけんな、土下座しろ
"""

SRT = """1
00:00:01,000 --> 00:00:03,500
Customer: I'd like a refund please.

2
00:00:04,000 --> 00:00:06,000
Agent: I'm sorry, I can't refund that item.

3
00:12:00,000 --> 00:12:03,000
Customer: Shut up, you useless idiot.
"""


def test_webvtt_speakers_and_times() -> None:
    turns = parse_transcript(VTT)
    assert [t.speaker for t in turns] == ["顧客", "店員", "顧客", "顧客"]
    assert turns[2].start == 1200.0
    assert turns[1].is_staff and not turns[0].is_staff


def test_srt_with_speaker_prefixes() -> None:
    turns = parse_transcript(SRT)
    assert [t.speaker for t in turns] == ["Customer", "Agent", "Customer"]
    assert turns[0].text == "I'd like a refund please."


def test_summary_of_an_escalating_call() -> None:
    result = screen_conversation(parse_transcript(VTT))
    s = result.summary
    assert s["duration_minutes"] == pytest.approx(40.1, abs=0.1)
    assert s["customer_turns"] == 3
    assert s["customer_turns_flagged"] >= 1
    assert "forced_kneeling" in s["behaviours"]  # type: ignore[operator]
    escalation = s["escalation"]
    assert isinstance(escalation, dict) and escalation["escalated"] and escalation["polite_start"]
    facts = result.suggested_facts
    assert facts["duration_minutes"] == 40
    assert "ふざけんな、土下座しろ" in facts["utterances"]  # type: ignore[operator]
    assert "申し訳ございません。交換いたします" not in facts["utterances"]  # type: ignore[operator]


def test_the_same_demand_again_and_again() -> None:
    turns = [
        {"speaker": "customer", "text": "返金してください"},
        {"speaker": "agent", "text": "規定により返金はできかねます"},
        {"speaker": "customer", "text": "だから返金してください"},
        {"speaker": "agent", "text": "申し訳ございません"},
        {"speaker": "customer", "text": "返金してくださいって言ってるんです"},
    ]
    result = screen_conversation(turns)
    groups = result.summary["repeated_demands"]
    assert isinstance(groups, list) and groups and groups[0]["count"] == 3


def test_the_same_demand_in_other_words_is_still_repeated() -> None:
    turns = [
        Turn("床に手をついて謝ってほしいんだけど", "customer"),
        Turn("申し訳ございません", "staff"),
        Turn("だから土下座しろって", "customer"),
        Turn("それはいたしかねます", "staff"),
        Turn("ひざまずいて謝れよ", "customer"),
    ]
    groups = screen_conversation(turns).summary["repeated_demands"]
    assert isinstance(groups, list) and groups and groups[0]["demand"] == "kneeling"


def test_a_polite_complaint_does_not_escalate() -> None:
    turns = [
        Turn("お世話になります。注文した商品がまだ届いていません", "customer"),
        Turn("確認いたします", "staff"),
        Turn("ありがとうございます。いつ頃届くか教えていただけますか", "customer"),
        Turn("明日お届けの予定です", "staff"),
        Turn("承知しました。よろしくお願いします", "customer"),
    ]
    result = screen_conversation(turns)
    assert result.summary["customer_turns_flagged"] == 0
    escalation = result.summary["escalation"]
    assert isinstance(escalation, dict) and not escalation["escalated"]


def test_asked_to_leave_and_staying_suggests_refusal_to_leave() -> None:
    turns = [
        Turn("返金しろ", "customer"),
        Turn("これ以上の対応はできかねますので、お引き取りください", "staff"),
        Turn("まだ話は終わってない", "customer"),
        Turn("返金するまでここにいる", "customer"),
    ]
    result = screen_conversation(turns)
    assert result.suggested_facts["asked_to_leave"] == 1
    assert result.suggested_facts["behaviours"] == ["refusal_to_leave"]


def test_no_speakers_means_every_turn_is_the_customers() -> None:
    result = screen_conversation(["こんにちは", "土下座しろ"])
    assert result.summary["customer_turns"] == 2


def test_jsonl_turns_and_bad_lines_named() -> None:
    content = "\n".join(json.dumps(t, ensure_ascii=False) for t in [{"text": "a", "start": "00:00:01.5"}, {"text": "b", "start": 90}])
    turns = parse_transcript(content)
    assert [t.start for t in turns] == [1.5, 90.0]
    with pytest.raises(InputError, match="line 2"):
        parse_transcript('{"text": "a"}\n{"text": 3}')
    with pytest.raises(InputError, match="line 1"):
        parse_transcript('{"text": "a", "start": "yesterday"}')


def test_staff_found_by_how_they_talk_when_speakers_are_anonymous() -> None:
    turns = [
        Turn("お電話ありがとうございます。担当の佐藤でございます", "Speaker 1"),
        Turn("昨日届いた商品が壊れてたんだけど", "Speaker 2"),
        Turn("大変申し訳ございません。すぐに交換いたします", "Speaker 1"),
        Turn("ふざけんな、土下座しろ", "Speaker 2"),
    ]
    result = screen_conversation(turns)
    assert result.summary["staff_speakers"] == ["Speaker 1"]
    assert result.summary["customer_turns"] == 2
    assert [t["role"] for t in result.to_dict()["turns"]] == ["staff", "customer", "staff", "customer"]  # type: ignore[index]
