"""`kasuhara judge`: works on files and stdin; bad input exits 2 naming the field, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kasuhara.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "incident_tokyo_phone.json"
COMPANY = ROOT / "examples" / "company.yaml"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", str(EXAMPLE), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["determination"] == "customer_harassment"
    assert {"national_act", "ordinance:13"} == {r["id"] for r in out["applicable_rules"]}
    assert out["screening"]["status"] == "screened"
    assert not any(b["origin"] == "screened" for b in out["behaviours"])  # nobody confirmed them yet
    assert out["suggestions"] and all(s["origin"] == "screened" and s["confirmed"] is False for s in out["suggestions"])
    assert out["if_confirmed"]["confirm"] == [s["id"] for s in out["suggestions"]]


def test_text_output_japanese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", str(EXAMPLE)]) == 0
    assert "判定: カスタマーハラスメント" in capsys.readouterr().out
    assert main(["judge", str(EXAMPLE), "--lang", "en"]) == 0
    assert "Determination: customer harassment" in capsys.readouterr().out


def test_settings_file_changes_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = {"occurred_at": "2026-11-01", "channel": "phone", "demand": {"kind": "refund", "validity": "invalid"},
             "duration_minutes": 25}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    main(["judge", str(path), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["determination"] == "unjustified_demand"
    main(["judge", str(path), "--format", "json", "--settings", str(COMPANY)])
    out = json.loads(capsys.readouterr().out)
    assert out["determination"] == "customer_harassment" and out["thresholds"]["time_limit_minutes"] == 20


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kasuhara.cli.main", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, check=False)


def test_stdin_through_a_real_process() -> None:
    done = run(["judge", "-", "--format", "json"], stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["knowledge_base_version"]


@pytest.mark.parametrize(
    ("document", "lang", "needle"),
    [
        ("{not json", "ja", "JSONの形式が不正です"),
        ("{not json", "en", "malformed JSON"),
        ('{"channel": "phone", "mood": 1}', "en", "mood: unknown field"),
        ('{"channel": "phone", "behaviours": ["rudeness"]}', "en", "verbal_abuse"),
        ('{"channel": "phone", "duration_minutes": -3}', "ja", "duration_minutes"),
        ('{"channel": "phone", "occurred_at": "2025-02-30"}', "en", "impossible date"),
        ('{"channel": "fax"}', "ja", "使用できる値: in_person"),
        ("[1, 2]", "en", "must be a JSON object"),
    ],
)
def test_bad_input_exits_2_without_traceback(document: str, lang: str, needle: str) -> None:
    done = run(["judge", "-", "--lang", lang], stdin=document)
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", str(tmp_path / "nope.json"), "--lang", "en"]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_bad_settings_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("thresholds: {time_limit_minutes: -1}\n", encoding="utf-8")
    assert main(["judge", str(EXAMPLE), "--settings", str(bad)]) == 2
    assert "thresholds.time_limit_minutes" in capsys.readouterr().err


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("incident_*.json")), ids=lambda p: p.name)
def test_every_shipped_example_judges(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["judge", str(example), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["determination"] in {"customer_harassment", "unjustified_demand", "needs_fact_finding",
                                    "legitimate_complaint"}
    assert main(["judge", str(example), "--lang", "en"]) == 0
    assert "Determination:" in capsys.readouterr().out
