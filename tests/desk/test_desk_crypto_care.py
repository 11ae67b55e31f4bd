from __future__ import annotations

from datetime import date

import pytest

from kasuhara.desk.care import follow_up_state
from kasuhara.desk.crypto import DecryptionError, FieldCipher


def test_round_trip_and_field_binding() -> None:
    cipher = FieldCipher("a-test-key-with-enough-material")
    stored = cipher.encrypt("怒鳴られて眠れない", field="consultations.content")
    assert "眠れない" not in stored and stored.startswith("v1:")
    assert cipher.decrypt(stored, field="consultations.content") == "怒鳴られて眠れない"
    assert cipher.encrypt("x", field="f") != cipher.encrypt("x", field="f")
    with pytest.raises(DecryptionError):
        cipher.decrypt(stored, field="care_notes.body")
    with pytest.raises(DecryptionError):
        FieldCipher("another-key-with-enough-material").decrypt(stored, field="consultations.content")


def test_short_key_refused() -> None:
    with pytest.raises(ValueError):
        FieldCipher("short")


def test_follow_up_due() -> None:
    assert not follow_up_state(date(2026, 10, 10), date(2026, 10, 9)).is_due
    state = follow_up_state(date(2026, 10, 10), date(2026, 10, 12))
    assert state.is_due and state.days_overdue == 2
    assert not follow_up_state(date(2026, 10, 10), date(2026, 10, 12), closed=True).is_due
