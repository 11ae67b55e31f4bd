"""`kasuhara screen` end to end, through the real entry point, including bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kasuhara.cli.main import main


def _run(tmp_path: Path, data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    return subprocess.run(
        [sys.executable, "-m", "kasuhara", "screen", str(path), *args], capture_output=True, timeout=120, check=False
    )


def test_one_output_per_input_line_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_text("土下座しろ\n\nありがとうございます\nyou are an idiot\n", encoding="utf-8")
    assert main(["screen", str(path)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows] == ["土下座しろ", "", "ありがとうございます", "you are an idiot"]
    assert [r["flagged"] for r in rows] == [True, False, False, True]


def test_jsonl_input_keeps_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a1", "speaker": "customer", "text": "誠意を見せろ"}\n\n{"id": "a2", "text": "どうも"}\n', encoding="utf-8")
    assert main(["screen", str(path)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r.get("id") for r in rows] == ["a1", None, "a2"]
    assert rows[0]["behaviours"][0]["id"] == "excessive_demand"


def test_text_format_is_japanese_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_text("土下座しろ\n", encoding="utf-8")
    assert main(["screen", str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.index("強要") < out.index("coercion")


def test_conversation_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "call.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nCustomer: fire that idiot cashier\n", encoding="utf-8")
    assert main(["screen", "--conversation", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["customer_turns_flagged"] == 1
    assert "utterances" in result["suggested_facts"]


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    proc = _run(tmp_path, b"ok\n" + b"\xff\xfe\xfa broken\n")
    assert proc.returncode == 2
    assert "line 2" in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert proc.stdout == b""


def test_binary_junk_is_an_error_not_a_crash(tmp_path: Path) -> None:
    proc = _run(tmp_path, bytes(range(256)) * 50)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr


def test_json_line_without_text_is_named(tmp_path: Path) -> None:
    proc = _run(tmp_path, b'{"text": "ok"}\n{"id": 3}\n', "--lang", "en")
    assert proc.returncode == 2
    assert "line 2" in proc.stderr.decode()


def test_a_100000_character_line_finishes_in_bounded_time(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _run(tmp_path, ("バカ" * 50_000 + "\n").encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert time.monotonic() - started < 60
    rows = proc.stdout.decode().splitlines()
    assert len(rows) == 1 and json.loads(rows[0])["flagged"] is True


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    proc = _run(tmp_path, "ありがとう\n".encode() * 3000)
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert len(proc.stdout.decode().splitlines()) == 3000


def test_progress_bar_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    import os
    import pty

    path = tmp_path / "many.txt"
    path.write_text("ありがとう\n" * 3000, encoding="utf-8")
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kasuhara", "screen", str(path)],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
            check=False,
        )
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"3000/3000" in seen
    assert len(proc.stdout.decode().splitlines()) == 3000


def test_unpaired_surrogate_in_json_is_named(tmp_path: Path) -> None:
    proc = _run(tmp_path, b'{"text": "ok"}\n{"text": "\\ud800"}\n')
    assert proc.returncode == 2
    assert "line 2" in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_conversation_facts_feed_the_judgment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "call.jsonl"
    rows = [
        {"speaker": "customer", "text": "返金しろ", "start": 0, "end": 5},
        {"speaker": "staff", "text": "規定によりいたしかねます", "start": 6, "end": 9},
        {"speaker": "customer", "text": "ふざけんな、土下座しろ", "start": 2400, "end": 2405},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert main(["screen", "--conversation", str(path), "--channel", "phone"]) == 0
    facts = json.loads(capsys.readouterr().out)["suggested_facts"]
    assert facts["channel"] == "phone" and facts["duration_minutes"] == 40
    facts_path = tmp_path / "facts.json"
    facts_path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    assert main(["judge", str(facts_path), "--format", "json"]) == 0
    judged = json.loads(capsys.readouterr().out)
    # screened behaviours are suggestions until a person confirms them (issue 11, point 4)
    suggested = {s["id"] for s in judged["suggestions"] if s["origin"] == "screened" and not s["confirmed"]}
    assert "forced_kneeling" in suggested
    assert judged["if_confirmed"]["determination"] == "customer_harassment"
