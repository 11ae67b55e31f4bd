"""Local evidence storage: write-then-rename, size limit, nothing left behind on failure."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from kasuhara.store.blobs import BlobTooLargeError, LocalEvidenceStore


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_put_open_delete(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path)
    data = "録音データ".encode() * 1000
    blob = store.put(io.BytesIO(data), max_bytes=len(data))
    assert blob.size == len(data) and blob.sha256 == hashlib.sha256(data).hexdigest()
    with store.open(blob.key) as handle:
        assert handle.read() == data
    assert _files(tmp_path / "tmp") == []
    store.delete(blob.key)
    assert _files(tmp_path) == []


def test_too_large_keeps_nothing(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path)
    with pytest.raises(BlobTooLargeError):
        store.put(io.BytesIO(b"x" * 101), max_bytes=100)
    assert _files(tmp_path) == []


def test_keys_cannot_escape_the_root(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path)
    with pytest.raises(ValueError):
        store.open("../../etc/passwd")
