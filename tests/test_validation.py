"""Whole-number settings sections: every bad key or value is named, good ones come back as ints."""

from __future__ import annotations

import pytest

from kasuhara.company import Thresholds
from kasuhara.errors import InputError
from kasuhara.validation import positive_int_fields


def test_known_positive_integers_are_returned() -> None:
    assert positive_int_fields({"a": 3}, allowed=("a", "b"), prefix="limits") == {"a": 3}


def test_every_problem_is_named_with_its_path() -> None:
    with pytest.raises(InputError) as caught:
        positive_int_fields({"a": 0, "b": True, "c": 1, "d": "5"}, allowed=("a", "b", "d"), prefix="limits")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["limits.a", "limits.b", "limits.c", "limits.d"]
    unknown = caught.value.problems[2]
    assert unknown.allowed == ("a", "b", "d")
    assert "不明な項目" in unknown.text("ja") and "unknown field" in unknown.text("en")


def test_thresholds_use_the_same_checks() -> None:
    assert Thresholds.from_mapping({"time_limit_minutes": 45}).time_limit_minutes == 45
    with pytest.raises(InputError, match=r"thresholds\.repeat_days"):
        Thresholds.from_mapping({"repeat_days": -1})
