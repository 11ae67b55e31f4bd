"""Loudness against the call's own baseline, on real synthetic speech: Debian's espeak-ng speaks,
sox levels it at different gains (as different handsets and lines would), the meter decides.

Skipped with the reason when espeak-ng or sox is missing, unless CI is set (then they fail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from kasuhara.live import default_policy
from kasuhara.live.loudness import SAMPLE_RATE, timeline, update_loudness, window_levels

SHOUTING = default_policy().shouting
SENTENCES = (
    "Hello, I am calling about the rice cooker I bought last week.",
    "It stopped working after two days and I would like to know what you can do.",
    "I have the receipt here and the box as well.",
)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About fifteen seconds of speech, 16 kHz mono (espeak-ng's voice, resampled by sox)."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {', '.join(missing)} missing (scripts/install_system.sh --dev)")
        pytest.skip(f"{', '.join(missing)} not installed (scripts/install_system.sh --dev)")
    folder = tmp_path_factory.mktemp("speech")
    parts = []
    for index, sentence in enumerate(SENTENCES):
        raw = folder / f"raw{index}.wav"
        subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(raw), sentence], check=True)
        parts.append(str(raw))
    joined = folder / "speech.wav"
    subprocess.run(["sox", *parts, "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(joined)], check=True)
    return joined


def levelled(source: Path, gain_db: float, folder: Path) -> np.ndarray:
    """The speech normalised by sox to `gain_db` dBFS peak."""
    out = folder / f"level{gain_db}.wav"
    subprocess.run(["sox", str(source), str(out), "gain", "-n", str(gain_db)], check=True)
    samples, rate = sf.read(out, dtype="float32")
    assert rate == SAMPLE_RATE
    return np.asarray(samples)


def spans(samples: np.ndarray) -> list[tuple[float, float]]:
    tracker: dict[str, object] = {}
    levels = [float(x) for x in window_levels(samples)]
    found = []
    for start in range(0, len(levels), 10):  # frames of one second, as a stream would send them
        span = update_loudness(tracker, levels[start:start + 10], window_seconds=0.1, at=start / 10, policy=SHOUTING)
        if span:
            found.append(span)
    return found


@pytest.mark.parametrize("gain", [-36.0, -20.0, -3.0])
def test_speech_at_one_level_is_never_shouting_however_loud_the_line(speech: Path, tmp_path: Path, gain: float) -> None:
    calm = levelled(speech, gain, tmp_path)
    assert spans(np.concatenate([calm, calm])) == []


def test_sustained_speech_far_above_the_calls_own_baseline_is_shouting(speech: Path, tmp_path: Path) -> None:
    calm, loud = levelled(speech, -26.0, tmp_path), levelled(speech, -4.0, tmp_path)
    call = np.concatenate([calm, loud[: SAMPLE_RATE * 6]])
    found = spans(call)
    assert len(found) == 1
    start, end = found[0]
    boundary = len(calm) / SAMPLE_RATE
    assert boundary - 0.5 <= start <= boundary + 3.0 and end - start >= SHOUTING.sustained_seconds


def test_a_short_loud_burst_is_not_sustained_shouting(speech: Path, tmp_path: Path) -> None:
    calm, loud = levelled(speech, -26.0, tmp_path), levelled(speech, -4.0, tmp_path)
    call = np.concatenate([calm, loud[: SAMPLE_RATE // 2], calm])
    assert spans(call) == []


def test_a_recording_gets_a_timeline_with_its_loud_part(speech: Path, tmp_path: Path) -> None:
    calm, loud = levelled(speech, -26.0, tmp_path), levelled(speech, -4.0, tmp_path)
    result = timeline(np.concatenate([calm, loud[: SAMPLE_RATE * 6]]), sample_rate=SAMPLE_RATE, policy=SHOUTING)
    assert result["baseline_dbfs"] is not None and len(result["shouting"]) == 1
    assert len(result["points"]) == int(result["duration_seconds"]) or len(result["points"]) == int(result["duration_seconds"]) + 1
