"""Evidence over the API: sniffed type, size limit, verified download, tampering, interrupted uploads."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from casefile_world import World, build_world
from sqlalchemy import func, select

from kasuhara.services import evidence
from kasuhara.store.models.evidence import Evidence
from kasuhara.store.models.users import User

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _url(world: World) -> str:
    return f"/api/v1/incidents/{world.incident_a}/evidence"


def _files_on_disk(world: World) -> list[Path]:
    root = world.settings.evidence_path
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _rows(world: World) -> int:
    with world.app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Evidence)) or 0)


def test_upload_sniffs_content_and_download_checks_the_hash(world: World) -> None:
    r = world.call("staff", "POST", _url(world), files={"file": ("photo.txt", PNG, "text/plain")},
                   data={"kind": "photo", "description": "レジ前の写真"})
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["content_type"] == "image/png"  # by content, not by name or claim
    assert row["sha256"] == hashlib.sha256(PNG).hexdigest() and row["size_bytes"] == len(PNG)

    r = world.call("auditor", "GET", f"/api/v1/evidence/{row['id']}/content")
    assert r.status_code == 200 and r.content == PNG
    assert r.headers["x-content-sha256"] == row["sha256"]

    stored = _files_on_disk(world)
    assert len(stored) == 1
    stored[0].write_bytes(PNG + b"tampered")
    r = world.call("auditor", "GET", f"/api/v1/evidence/{row['id']}/content")
    assert r.status_code == 409 and "ハッシュ" in r.json()["msg_ja"]
    log = world.call("auditor", "GET", "/api/v1/audit", params={"action": "evidence.integrity_failure"}).json()
    assert log["total"] == 1 and log["items"][0]["target_id"] == str(row["id"])


def test_unknown_binary_is_refused_and_leaves_nothing(world: World) -> None:
    r = world.call("staff", "POST", _url(world), files={"file": ("x.png", b"\x00\x01\x02\x03binary", "image/png")})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["file"]
    assert _rows(world) == 0 and _files_on_disk(world) == []


def test_size_limit(db_url: str, tmp_path: Path) -> None:
    for small in build_world(db_url, tmp_path, max_upload_bytes=1000):
        r = small.call("staff", "POST", _url(small), files={"file": ("a.txt", b"a" * 1001, "text/plain")})
        assert r.status_code == 413 and r.json()["msg_en"].startswith("file too large")
        r = small.call("staff", "POST", _url(small), headers={"content-length": str(50 * 1024 * 1024)},
                       content=b"x")
        assert r.status_code == 413
        assert _rows(small) == 0 and _files_on_disk(small) == []
        assert small.call("staff", "POST", _url(small), files={"file": ("a.txt", b"a" * 1000)}).status_code == 201


class _Broken(io.RawIOBase):
    """A client stream that dies halfway through."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.sent > 3 * 1024 * 1024:
            raise ConnectionResetError("client went away")
        chunk = b"a" * len(buffer)
        buffer[: len(chunk)] = chunk
        self.sent += len(chunk)
        return len(chunk)


def test_interrupted_upload_leaves_neither_row_nor_file(world: World) -> None:
    with world.app.state.session_factory() as session:
        staff = session.get(User, world.user_ids["staff"])
        assert staff is not None
        with pytest.raises(ConnectionResetError):
            evidence.upload(session=session, store=world.app.state.evidence_store, actor=staff,
                            incident_id=world.incident_a, stream=io.BufferedReader(_Broken()), filename="rec.mp3",
                            kind="recording", max_bytes=100 * 1024 * 1024)
        session.rollback()
    assert _rows(world) == 0 and _files_on_disk(world) == []


def test_failed_commit_removes_the_stored_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row and the file go together: a commit that fails takes the file with it."""
    from sqlalchemy.orm import Session

    def failing_commit(self: Session) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        world.call("staff", "POST", _url(world), files={"file": ("a.txt", "録音の書き起こし".encode())})
    monkeypatch.undo()
    assert _rows(world) == 0 and _files_on_disk(world) == []


def test_killed_process_leftovers_are_swept(world: World) -> None:
    store = world.app.state.evidence_store
    blob = store.put(io.BytesIO(b"orphan"), max_bytes=100)  # as if killed before the commit
    store.tmp.mkdir(parents=True, exist_ok=True)
    (store.tmp / "dead.part").write_bytes(b"half")
    assert len(_files_on_disk(world)) == 2
    restarted = type(store)(store.root)  # the process that stored it is gone
    removed = restarted.sweep(set(), older_than_seconds=0)
    assert len(removed) == 2 and blob.key in " ".join(removed)
    assert _files_on_disk(world) == []


def test_orphans_are_swept_on_a_schedule_not_only_at_start(db_url: str, tmp_path: Path) -> None:
    import os
    import time

    from casefile_world import build_world

    from kasuhara.store.blobs import LocalEvidenceStore

    evidence_dir = tmp_path / "evidence"
    killed = LocalEvidenceStore(evidence_dir).put(io.BytesIO(b"left by a killed server"), max_bytes=100)
    worlds = build_world(db_url, tmp_path, evidence_orphan_grace_seconds=30, evidence_sweep_interval_seconds=1)
    world = next(worlds)  # started within the grace period: the start-up sweep keeps the young file
    try:
        path = world.app.state.evidence_store.path(killed.key)
        assert path.exists()
        old = time.time() - 60
        os.utime(path, (old, old))
        deadline = time.monotonic() + 10
        while path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not path.exists(), "the scheduled sweep did not remove the orphan"
        r = world.call("staff", "POST", f"/api/v1/incidents/{world.incident_a}/evidence",
                       files={"file": ("a.txt", b"kept evidence\n", "text/plain")})
        assert r.status_code == 201
        time.sleep(2.5)
        assert world.call("staff", "GET", f"/api/v1/evidence/{r.json()['id']}/content").status_code == 200
    finally:
        worlds.close()
