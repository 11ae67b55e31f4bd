"""A server killed in the middle of an upload leaves neither an evidence row nor a file."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from kasuhara.services import auth, incidents, sites, users
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.evidence import Evidence

SECRET = "k" * 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp_path: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KASUHARA_DATABASE_URL": url, "KASUHARA_DATA_DIR": str(tmp_path),
           "KASUHARA_SECRET_KEY": SECRET, "KASUHARA_MAX_UPLOAD_BYTES": str(200 * 1024 * 1024)}
    proc = subprocess.Popen([sys.executable, "-m", "kasuhara", "serve", "--no-upgrade", "--port", str(port)], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/auth/me", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("server did not start")


@pytest.mark.slow
def test_kill_during_upload_leaves_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        site = sites.create(session=session, actor=None, code="A", name="店")
        user = users.create(session=session, actor=None, email="s@example.jp", display_name="s", role="staff",
                            password="a-long-password", site_ids=[site.id])
        incident = incidents.create(session=session, actor=user, site_id=site.id, channel="phone", title="t",
                                    occurred_at=datetime(2026, 10, 1, tzinfo=UTC))
        _row, token = auth.create_api_token(session=session, user=user, name="t", secret_key=SECRET)
        session.commit()
        incident_id = incident.id
    port = _free_port()
    proc = _start(tmp_path, url, port)
    sent = threading.Event()

    def body() -> Iterator[bytes]:
        yield (b"--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rec.txt\"\r\n"
               b"Content-Type: text/plain\r\n\r\n")
        for _ in range(400):
            yield b"a" * 65536
            sent.set()
            time.sleep(0.005)
        yield b"\r\n--xx--\r\n"

    def upload() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under us: that is the point
            httpx.post(f"http://127.0.0.1:{port}/api/v1/incidents/{incident_id}/evidence", content=body(),
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "multipart/form-data; boundary=xx"}, timeout=30)

    client = threading.Thread(target=upload)
    client.start()
    assert sent.wait(10)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    client.join(timeout=30)

    restarted = _start(tmp_path, url, port)  # start-up sweeps leftovers
    evidence_dir = tmp_path / "evidence"
    try:
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Evidence)) == 0
        assert not evidence_dir.exists() or [p for p in evidence_dir.rglob("*") if p.is_file()] == []
        # the control: the same request, not interrupted, does store a row and a file
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/incidents/{incident_id}/evidence",
                       files={"file": ("rec.txt", b"a" * 1000)}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        assert len([p for p in evidence_dir.rglob("*") if p.is_file()]) == 1
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
        engine.dispose()
