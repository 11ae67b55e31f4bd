"""`kasuhara docs`: list, build in every format, selfcheck; bad input is exit 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docs_helpers import COMPANIES, INCIDENTS, docx_text, flat, pdf_text

from kasuhara.cli.main import main


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "list"]) == 0
    out = capsys.readouterr().out
    for kind in ("policy", "manual", "clauses-terms", "clauses-lease", "notice", "phone-script", "warning-letter",
                 "incident-report", "training-staff", "training-supervisor", "selfcheck"):
        assert kind in out
    assert main(["docs", "list", "--lang", "en"]) == 0
    assert "Basic policy on customer harassment" in capsys.readouterr().out


def test_build_manual_pdf_and_docx(tmp_path: Path) -> None:
    out = tmp_path / "manual.pdf"
    assert main(["docs", "build", "manual", "--company", str(COMPANIES["kuwana"]), "--format", "pdf", "--out", str(out),
                 "--date", "2026-11-23"]) == 0
    assert "桑名市" in flat(pdf_text(out.read_bytes()))
    docx = tmp_path / "policy.docx"
    assert main(["docs", "build", "policy", "--company", str(COMPANIES["tokyo"]), "--format", "docx", "--out", str(docx)]) == 0
    assert "株式会社さくらマート" in docx_text(docx.read_bytes())


def test_build_poster_a3_and_case_documents(tmp_path: Path) -> None:
    poster = tmp_path / "p.pdf"
    assert main(["docs", "build", "notice", "--company", str(COMPANIES["tokyo"]), "--size", "A3", "--out", str(poster)]) == 0
    report = tmp_path / "r.pdf"
    assert main(["docs", "build", "incident-report", "--company", str(COMPANIES["tokyo"]), "--incident",
                 str(INCIDENTS["tokyo"]), "--out", str(report)]) == 0
    assert "INC-2026-0042" in flat(pdf_text(report.read_bytes()))


def test_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.pdf")
    assert main(["docs", "build", "nope", "--company", str(COMPANIES["tokyo"]), "--out", out]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["docs", "build", "warning-letter", "--company", str(COMPANIES["tokyo"]), "--out", out]) == 2
    assert "incident" in capsys.readouterr().err
    assert main(["docs", "build", "manual", "--company", str(COMPANIES["tokyo"]), "--size", "A3", "--out", out]) == 2
    assert "size" in capsys.readouterr().err
    bad = tmp_path / "inc.json"
    bad.write_text('{"facts": {"occurred_at": "2026-11-20", "behaviours": ["made_up"]}}', encoding="utf-8")
    assert main(["docs", "build", "incident-report", "--company", str(COMPANIES["tokyo"]), "--incident", str(bad), "--out", out]) == 2
    assert "made_up" in capsys.readouterr().err
    assert not Path(out).exists()


def test_selfcheck_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("policy_defined: yes\nresponse_manual: partial\n", encoding="utf-8")
    assert main(["docs", "selfcheck", "--company", str(COMPANIES["tokyo"]), "--answers", str(answers),
                 "--format", "json", "--date", "2026-11-23"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["policy_defined"]["answer"] == "yes" and by_id["desk_set_up"]["origin"] == "system"
    assert 0 < data["score"] < 100 and any(g["id"] == "training_done" for g in data["gaps"])
    assert any(c["id"] == "tokyo" for c in data["categories"])
    answers.write_text("desk_set_up: sometimes\n", encoding="utf-8")
    assert main(["docs", "selfcheck", "--company", str(COMPANIES["tokyo"]), "--answers", str(answers)]) == 2


def test_case_api_shape_is_accepted(tmp_path: Path) -> None:
    """The case API's incident object (when and how outside `facts`) works as an export."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps({
        "id": 17, "title": "電話での暴言", "occurred_at": "2026-11-02T10:00:00+09:00", "channel": "phone",
        "facts": {"demand": {"kind": "refund", "validity": "invalid"}, "behaviours": ["verbal_abuse"]},
    }, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "r.pdf"
    assert main(["docs", "build", "incident-report", "--company", str(COMPANIES["tokyo"]), "--incident", str(case),
                 "--out", str(out)]) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert "電話での暴言" in text and "2026年11月2日の行為" in text and "電話" in text
