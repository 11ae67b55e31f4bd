"""Loudness from 16 kHz mono PCM: levels per window, a baseline of the call's own speech, shouting.

Level is RMS in dBFS over 100 ms windows. A window is speech when it is above the silence floor;
the first `baseline_seconds` of speech set the call's baseline (the median level, so a single
loud word does not move it). Shouting is a run of speech windows louder than baseline + margin
lasting `sustained_seconds`; gaps shorter than `GAP_SECONDS` (syllables, breaths) do not break it. Relative to the call's own voice, so a quiet line, a
loud handset or a level set by the telephony system do not matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.live.policy import Shouting

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 0.1
SILENCE_DBFS = -60.0
GAP_SECONDS = 0.6
"""Quieter stretches shorter than this (between syllables, a breath) do not end a run of shouting."""
MAX_FRAME_BYTES = 64_000
"""One audio frame is at most 2 s of 16-bit 16 kHz mono; larger frames are refused."""


def pcm16_to_float(frame: bytes) -> npt.NDArray[np.float32]:
    """Little-endian signed 16-bit PCM to floats in [-1, 1]; an odd or oversized frame is refused."""
    if len(frame) > MAX_FRAME_BYTES:
        raise InputError([FieldProblem("audio", Message(
            f"音声フレームが大きすぎます (上限 {MAX_FRAME_BYTES} バイト)",
            f"audio frame too large (limit {MAX_FRAME_BYTES} bytes)"))])
    if len(frame) % 2:
        raise InputError([FieldProblem("audio", Message(
            "16ビットPCMのバイト数は偶数です", "16-bit PCM needs an even number of bytes"))])
    return np.frombuffer(frame, dtype="<i2").astype(np.float32) / 32768.0


def window_levels(samples: npt.NDArray[np.floating[Any]], *, sample_rate: int = SAMPLE_RATE,
                  window_seconds: float = WINDOW_SECONDS) -> npt.NDArray[np.float64]:
    """RMS level in dBFS of each whole window (a trailing part window is dropped)."""
    size = max(1, round(sample_rate * window_seconds))
    count = len(samples) // size
    if count == 0:
        return np.zeros(0)
    frames = np.asarray(samples[: count * size], dtype=np.float64).reshape(count, size)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-10)))


def update_loudness(tracker: dict[str, Any], levels: Sequence[float], *, window_seconds: float, at: float,
                    policy: Shouting) -> tuple[float, float] | None:
    """Feed windows into a call's tracker (a JSON-able dict); returns a shouting span when one completes.

    A run of loud windows may have gaps (syllables, breaths) shorter than `GAP_SECONDS`; it is
    shouting once it spans `sustained_seconds` with at least half of its windows loud.
    """
    tracker.setdefault("baseline_levels", [])
    tracker.setdefault("baseline", None)
    tracker.setdefault("run_start", None)
    tracker.setdefault("run_last", None)
    tracker.setdefault("run_loud", 0)
    tracker.setdefault("in_span", False)
    needed = max(1, int(policy.baseline_seconds / window_seconds))
    found: tuple[float, float] | None = None
    for index, level in enumerate(levels):
        moment = at + index * window_seconds
        voiced = level >= SILENCE_DBFS
        if tracker["baseline"] is None:
            if voiced:
                tracker["baseline_levels"].append(round(float(level), 2))
                if len(tracker["baseline_levels"]) >= needed:
                    tracker["baseline"] = float(np.median(tracker["baseline_levels"]))
                    tracker["baseline_levels"] = []
            continue
        if voiced and level >= tracker["baseline"] + policy.margin_db:
            if tracker["run_start"] is None or moment - tracker["run_last"] > GAP_SECONDS:
                tracker["run_start"], tracker["run_loud"], tracker["in_span"] = moment, 0, False
            tracker["run_last"] = moment
            tracker["run_loud"] += 1
            span = moment + window_seconds - tracker["run_start"]
            if (span >= policy.sustained_seconds and not tracker["in_span"]
                    and tracker["run_loud"] * window_seconds >= span / 2):
                tracker["in_span"] = True
                found = (float(tracker["run_start"]), moment + window_seconds)
        elif tracker["run_start"] is not None and moment - tracker["run_last"] > GAP_SECONDS:
            tracker["run_start"], tracker["run_last"], tracker["run_loud"], tracker["in_span"] = None, None, 0, False
    return found


def timeline(samples: npt.NDArray[np.floating[Any]], *, sample_rate: int, policy: Shouting,
             step_seconds: float = 1.0) -> dict[str, Any]:
    """A recording's loudness per `step_seconds` and its shouting spans (for the case page)."""
    levels = window_levels(samples, sample_rate=sample_rate)
    tracker: dict[str, Any] = {}
    spans: list[list[float]] = []
    per_step = max(1, round(step_seconds / WINDOW_SECONDS))
    for start in range(0, len(levels), per_step):
        span = update_loudness(tracker, [float(x) for x in levels[start:start + per_step]],
                               window_seconds=WINDOW_SECONDS, at=start * WINDOW_SECONDS, policy=policy)
        if span is not None:
            spans.append([round(span[0], 1), round(span[1], 1)])
    points = []
    for start in range(0, len(levels), per_step):
        chunk = levels[start:start + per_step]
        points.append({"t": round(start * WINDOW_SECONDS, 1), "dbfs": round(float(chunk.max()), 1)})
    baseline = tracker.get("baseline")
    return {"duration_seconds": round(len(samples) / sample_rate, 2), "baseline_dbfs":
            None if baseline is None else round(float(baseline), 1), "points": points, "shouting": spans}
