"""Evidence uploads hold no database lock while the file is written, and orphans are swept safely."""

from __future__ import annotations

import io
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from casefile_db import Db
from sqlalchemy.orm import Session

from kasuhara.services import audit, evidence, incidents
from kasuhara.store.blobs import LocalEvidenceStore
from kasuhara.store.models.users import User


class WatchingStream(io.BytesIO):
    """A file body that, when first read, checks that another writer can commit meanwhile."""

    def __init__(self, db: Db, upload_session: Session, data: bytes) -> None:
        super().__init__(data)
        self.db, self.upload_session = db, upload_session
        self.in_transaction: bool | None = None
        self.other_write_seconds: float | None = None

    def read(self, size: int | None = -1) -> bytes:
        if self.in_transaction is None:
            self.in_transaction = self.upload_session.in_transaction()
            done = threading.Event()

            def other_write() -> None:
                started = time.monotonic()
                with self.db.sessions() as session:
                    audit.record(session, actor=None, action="test.other_write", target_type="thing", target_id=1)
                    session.commit()
                self.other_write_seconds = time.monotonic() - started
                done.set()

            threading.Thread(target=other_write, daemon=True).start()
            done.wait(timeout=3)
        return super().read(size)


def test_the_file_is_written_with_no_transaction_open(db: Db, tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path / "evidence")
    with db.sessions() as session:
        staff = session.get(User, db.user_ids["staff"])
        assert staff is not None
        incident = incidents.create(session=session, actor=staff, site_id=db.site_id, channel="phone", title="t",
                                    occurred_at=datetime(2026, 10, 1, tzinfo=UTC))
        session.commit()
        stream = WatchingStream(db, session, b"transcript of the call\n" * 1000)
        row = evidence.upload(session=session, store=store, actor=staff, incident_id=incident.id, stream=stream,
                              filename="call.txt", kind="transcript", max_bytes=10**6)
        evidence.commit_or_discard(session=session, store=store, row=row)
    assert stream.in_transaction is False
    assert stream.other_write_seconds is not None and stream.other_write_seconds < 2
    assert store.in_flight() == set()


def test_the_sweep_keeps_files_being_committed_and_files_with_rows(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path / "evidence")
    committing = store.put(io.BytesIO(b"being committed"), max_bytes=100)
    kept = store.put(io.BytesIO(b"has a row"), max_bytes=100)
    store.settle(kept.key)
    orphan = LocalEvidenceStore(store.root).put(io.BytesIO(b"from a killed process"), max_bytes=100)
    young = LocalEvidenceStore(store.root).put(io.BytesIO(b"killed a moment ago"), max_bytes=100)
    old = time.time() - 600
    for key in (committing.key, kept.key, orphan.key):
        os.utime(store.path(key), (old, old))
    removed = store.sweep({kept.key}, older_than_seconds=120)
    assert removed == [f"{orphan.key[:2]}/{orphan.key}"]
    assert store.path(committing.key).exists() and store.path(kept.key).exists() and store.path(young.key).exists()
