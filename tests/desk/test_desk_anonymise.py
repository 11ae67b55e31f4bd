from __future__ import annotations

from kasuhara.desk.anonymise import anonymise


def test_removes_personal_data_but_keeps_the_story() -> None:
    text = (
        "山田太郎様（090-1234-5678、taro@example.jp）が東京都新宿区西新宿2丁目の店舗で、"
        "担当の佐藤さんに土下座を要求した。〒160-0023。@yamada_x にも投稿すると脅した。"
    )
    result = anonymise(text, known_names=["山田 太郎", "佐藤 花子"])
    for secret in ("山田", "太郎", "佐藤", "090-1234-5678", "taro@example.jp", "新宿区", "160-0023", "yamada_x"):
        assert secret not in result.text, secret
    assert "土下座を要求した" in result.text
    assert result.removed["name"] >= 2
    assert {"phone", "email", "address", "postcode", "handle"} <= set(result.removed)


def test_english_labels_and_titles() -> None:
    result = anonymise("Mr. John Smith called from +81 3 1234 5678.", lang="en")
    assert "Smith" not in result.text and "1234" not in result.text
    assert "[name]" in result.text and "[phone]" in result.text
