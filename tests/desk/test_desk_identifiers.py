from __future__ import annotations

import pytest

from kasuhara.desk.identifiers import guess_kind, normalise
from kasuhara.errors import InputError


@pytest.mark.parametrize(
    "typed",
    ["090-1234-5678", "０９０－１２３４－５６７８", "+81 90 1234 5678", "090(1234)5678", "81-90-1234-5678"],
)
def test_same_phone_however_typed(typed: str) -> None:
    assert normalise("phone", typed) == "09012345678"


def test_email_case_and_width() -> None:
    assert normalise("email", " Taro.Yamada@Example.JP ") == "taro.yamada@example.jp"
    assert normalise("email", "ｔａｒｏ@example.jp") == "taro@example.jp"


def test_bad_values() -> None:
    with pytest.raises(InputError):
        normalise("phone", "12")
    with pytest.raises(InputError):
        normalise("email", "no-at-sign")
    with pytest.raises(InputError):
        normalise("name", "田中")


def test_guess_kind() -> None:
    assert guess_kind("ａ＠b.jp") == "email"
    assert guess_kind("03-1234-5678") == "phone"
