"""`kasuhara kb check` and `kasuhara kb show`."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from kasuhara.cli.main import main
from kasuhara.knowledge.loader import DATA_FILES


def test_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("OK version")


def copy_data(tmp_path: Path) -> Path:
    src = resources.files("kasuhara.knowledge").joinpath("data")
    for name in DATA_FILES:
        (tmp_path / name).write_text(src.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_check_fails_on_broken_data_naming_file_and_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    text = (data / "offences.yaml").read_text(encoding="utf-8")
    (data / "offences.yaml").write_text(text.replace("      - from: 2025-06-01\n", "      - from: 2020-06-01\n", 1),
                                        encoding="utf-8")
    assert main(["kb", "check", "--data", str(data)]) != 0
    assert "offences.yaml: 95.penalties[1]: date ranges are unsorted or overlapping" in capsys.readouterr().err


def test_check_fails_when_a_scenario_no_longer_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    text = (data / "rules.yaml").read_text(encoding="utf-8")
    (data / "rules.yaml").write_text(text.replace("from: 2025-04-01\n    from_status: V1", "from: 2025-04-02\n    from_status: V1"),
                                     encoding="utf-8")
    assert main(["kb", "check", "--data", str(data), "--lang", "en"]) == 1
    assert "tokyo_ordinance_2025_04_01" in capsys.readouterr().err
    shutil.rmtree(data)


def test_show_offence_on_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "offence", "231", "--on", "2022-07-06", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["penalty"]["ja"] == "拘留又は科料"


def test_show_offence_outside_coverage_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "offence", "231", "--on", "2010-01-01"]) == 2
    assert "2020-06-01" in capsys.readouterr().err


def test_show_rule_not_in_force_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "rule", "national_act", "--on", "2026-09-30", "--lang", "en"]) == 2
    assert "not in force" in capsys.readouterr().err


def test_show_rules_for_a_place(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "rules", "--on", "2025-04-01", "--prefecture", "三重県", "--municipality", "桑名市",
                 "--format", "json"]) == 0
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)["rules"]]
    assert ids == ["national_guideline:2020", "ordinance:24205"]


def test_show_text_and_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "behaviour", "forced_kneeling"]) == 0
    assert "土下座の要求" in capsys.readouterr().out
    assert main(["kb", "show", "behaviour", "rudeness", "--lang", "en"]) == 2
    assert "no behaviour 'rudeness'" in capsys.readouterr().err
