from __future__ import annotations

import pytest

from kasuhara.desk import reportkey
from kasuhara.errors import InputError


def test_keys_are_unique_and_normalise_from_hand_typing() -> None:
    keys = {reportkey.new_report_key() for _ in range(200)}
    assert len(keys) == 200
    key = next(iter(keys))
    assert len(key) == 24 and key.count("-") == 4
    typed = key.lower().replace("-", " ")
    typed = typed.replace("1", "l").replace("0", "o")
    assert reportkey.key_lookup_hash(typed) == reportkey.key_lookup_hash(key)


def test_bad_key_format_is_an_input_error() -> None:
    with pytest.raises(InputError):
        reportkey.key_lookup_hash("ABCD")


def test_passphrase_hash_verifies_and_rejects() -> None:
    stored = reportkey.hash_passphrase("あおぞらの合言葉です")
    assert "あおぞら" not in stored
    assert reportkey.verify_passphrase(stored, "あおぞらの合言葉です")
    assert not reportkey.verify_passphrase(stored, "ちがう合言葉ですよね")
    assert not reportkey.verify_passphrase(None, "あおぞらの合言葉です")


def test_short_passphrase_refused() -> None:
    with pytest.raises(InputError):
        reportkey.hash_passphrase("short")
