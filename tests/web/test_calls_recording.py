"""An uploaded recording (WAV or FLAC) gets a loudness timeline: espeak-ng speaks, sox levels it
calm and then shouting, the case's evidence is analysed through the API and shown on a page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from casefile_world import PASSWORD, World


def recording(folder: Path, suffix: str) -> bytes:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {', '.join(missing)} missing")
        pytest.skip(f"{', '.join(missing)} not installed (scripts/install_system.sh --dev)")
    said = folder / "said.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(said),
                    "I bought this last week and it broke after two days. I want to know what you will do "
                    "about it, and I have the receipt here with me."], check=True)
    calm, loud, out = folder / "calm.wav", folder / "loud.wav", folder / f"call{suffix}"
    subprocess.run(["sox", str(said), "-r", "16000", "-c", "1", "-b", "16", str(calm), "gain", "-n", "-26"], check=True)
    subprocess.run(["sox", str(said), "-r", "16000", "-c", "1", "-b", "16", str(loud), "gain", "-n", "-3"], check=True)
    subprocess.run(["sox", str(calm), str(loud), str(out)], check=True)
    return out.read_bytes()


def signed_in(world: World, email: str) -> None:
    page = world.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = world.client.post("/api/v1/auth/session", data={
        "email": email, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    assert response.status_code == 303 and "error" not in response.headers["location"]


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_a_recording_on_a_case_gets_its_loudness_timeline(world: World, tmp_path: Path, suffix: str) -> None:
    content = recording(tmp_path, suffix)
    uploaded = world.call("staff", "POST", f"/api/v1/incidents/{world.incident_a}/evidence",
                          files={"file": (f"call{suffix}", content)}, data={"kind": "recording"})
    assert uploaded.status_code == 201, uploaded.text
    evidence_id = uploaded.json()["id"]
    result = world.call("staff", "GET", f"/api/v1/calls/recordings/{evidence_id}/loudness")
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["sample_rate"] == 16000 and body["baseline_dbfs"] is not None
    assert len(body["shouting"]) == 1 and body["suggestion"]["reason"]["ja"] == "大声"
    start = body["shouting"][0][0]
    assert body["duration_seconds"] / 2 - 1 <= start <= body["duration_seconds"] / 2 + 3
    assert world.call("supervisor_b", "GET", f"/api/v1/calls/recordings/{evidence_id}/loudness").status_code == 403
    # pages are for a signed-in browser (API tokens open API routes only)
    signed_in(world, "staff@example.jp")
    page = world.client.get(f"/live/recordings/{evidence_id}")
    assert page.status_code == 200 and "<polyline" in page.text and "live-chart__shout" in page.text
    case = world.client.get(f"/cases/{world.incident_a}")
    assert f'href="/live/recordings/{evidence_id}"' in case.text


def test_other_evidence_is_not_a_recording(world: World) -> None:
    uploaded = world.call("staff", "POST", f"/api/v1/incidents/{world.incident_a}/evidence",
                          files={"file": ("note.txt", "メモです".encode())}, data={"kind": "note"})
    result = world.call("staff", "GET", f"/api/v1/calls/recordings/{uploaded.json()['id']}/loudness")
    assert result.status_code == 422 and result.json()["detail"][0]["loc"] == ["evidence_id"]
