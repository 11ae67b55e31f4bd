"""Speech for the loudness tests: Debian's espeak-ng speaks, sox levels it (generated at test time).

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

from kasuhara.live.loudness import SAMPLE_RATE

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


