"""Whole-number settings sections: every bad key or value is named, good ones come back as ints."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasuhara.company import Thresholds
from kasuhara.errors import InputError
from kasuhara.validation import positive_int_fields, read_mapping_file


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


def test_settings_files_read_as_mappings_with_named_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("thresholds:\n  time_limit_minutes: 45\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text('[kasuhara]\nport = 8080\n', encoding="utf-8")
    (tmp_path / "c.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "d.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    assert read_mapping_file(tmp_path / "a.yaml", field="settings") == {"thresholds": {"time_limit_minutes": 45}}
    assert read_mapping_file(tmp_path / "b.toml", field="settings") == {"kasuhara": {"port": 8080}}
    assert read_mapping_file(tmp_path / "e.yaml", field="answers", allow_empty=True) == {}
    for name, words in [("c.json", "must be a mapping"), ("d.json", "malformed file"),
                        ("e.yaml", "must be a mapping"), ("missing.yaml", "cannot read file")]:
        with pytest.raises(InputError) as caught:
            read_mapping_file(tmp_path / name, field="company")
        assert caught.value.problems[0].field == "company"
        assert words in caught.value.text("en")
        assert caught.value.text("ja").startswith("入力に誤りがあります")
