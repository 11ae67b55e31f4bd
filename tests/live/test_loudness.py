"""Loudness against the call's own baseline, on real synthetic speech: Debian's espeak-ng speaks,
sox levels it at different gains (as different handsets and lines would), the meter decides.

Skipped with the reason when espeak-ng or sox is missing, unless CI is set (then they fail).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kasuhara.live import default_policy
from kasuhara.live.loudness import SAMPLE_RATE, timeline, update_loudness, window_levels

from .conftest import levelled

SHOUTING = default_policy().shouting
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


def test_shouting_on_a_calls_audio_frames_becomes_an_intimidation_suggestion(speech: Path, tmp_path: Path) -> None:
    import asyncio

    from kasuhara.calls_bus import MemoryBus
    from kasuhara.live import CallInfo, start
    from kasuhara.services.call_hub import CallHub

    calm, loud = levelled(speech, -26.0, tmp_path), levelled(speech, -4.0, tmp_path)
    pcm = (np.concatenate([calm, loud[: SAMPLE_RATE * 6]]) * 32767).astype("<i2").tobytes()

    async def scenario() -> list[dict[str, object]]:
        bus = MemoryBus()
        hub = CallHub(bus=bus, session_factory=lambda: None, tick_seconds=0)  # type: ignore[arg-type,return-value]
        hub._policy = (1e18, SHOUTING_POLICY, {})  # no database needed for audio
        state, events = start("a-1", CallInfo(site_id=1), customer_status="unknown", now=0.0,
                              time_limit_seconds=1800, policy=SHOUTING_POLICY)
        await bus.commit(state, expected_version=0, events=events)
        second = SAMPLE_RATE * 2  # bytes of one second (two bytes a sample): one-second frames
        for index, at in enumerate(range(0, len(pcm), second)):
            await hub.audio(call_id="a-1", frame=pcm[at:at + second], at=float(index))
        final = await bus.load_full("a-1")
        assert final is not None
        return [final.to_dict()["alerts"], final.suggested_behaviours()]  # type: ignore[list-item]

    alerts, suggested = asyncio.run(scenario())
    assert [a["rule"] for a in alerts] == ["shouting"]  # type: ignore[index]
    [item] = suggested  # type: ignore[misc]
    assert item["behaviour"] == "intimidation" and item["reason"]["ja"] == "大声" and item["origin"] == "loudness"


SHOUTING_POLICY = default_policy()
