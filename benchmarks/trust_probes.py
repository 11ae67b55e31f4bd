"""The probes of issue 14 against a real `kasuhara serve` (its own process, loopback), rerun.

Each probe starts a fresh server on a fresh database (SQLite file or a new PostgreSQL database)
with the production settings and the default argon2 costs, and prints one JSON line:

- `login-flood`: incident creation latency (p50/p95 of 60 creations, 5 a second) alone, then while
  10 logins a second with random e-mail addresses arrive. The per-source refusal is switched off
  for this probe (`KASUHARA_LOGIN_SOURCE_MAX_FAILURES`), so every login is hashed, as a flood
  from many addresses would be;
- `concurrent`: 300 requests at once (half `GET /api/v1/sites`, half incident creations);
- `big-json`: a 200 MB JSON body to the login route: status, seconds to the answer, bytes the
  server took, and the server's resident memory before and after;
- `anon-upload`: a 1 GB chunked upload to an evidence endpoint without credentials: status and
  how many bytes the server read before answering;
- `uploads`: other writes' latency (p50 of 40 incident creations) alone and during two 45 MB
  evidence uploads.

    .venv/bin/python benchmarks/trust_probes.py --db sqlite --probe all
    .venv/bin/python benchmarks/trust_probes.py --db postgresql --probe concurrent
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import SECRET, database, serve

from kasuhara.services import auth, sites, users
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.migrate import upgrade

ENCRYPTION = secrets.token_urlsafe(40)
MB = 1024 * 1024


def _seed(url: str) -> tuple[str, int]:
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        site = sites.create(session=session, actor=None, code="S1", name="店舗")
        admin = users.create(session=session, actor=None, email="admin@example.jp", display_name="管理者",
                             role="admin", password="benchmark-password-7")
        _row, token = auth.create_api_token(session=session, user=admin, name="probe", secret_key=SECRET)
        session.commit()
        site_id = site.id
    engine.dispose()
    return token, site_id


def _start(url: str, workdir: Path, port: int, keep_limits: bool = False) -> Any:
    import os

    env = {**os.environ, "KASUHARA_DATABASE_URL": url, "KASUHARA_DATA_DIR": str(workdir),
           "KASUHARA_SECRET_KEY": SECRET, "KASUHARA_ENVIRONMENT": "production",
           "KASUHARA_ENCRYPTION_KEY": ENCRYPTION, "KASUHARA_SESSION_COOKIE_SECURE": "false",
           "KASUHARA_LOGIN_SOURCE_MAX_FAILURES": "1000000", "KASUHARA_LOGIN_POW_AFTER_FAILURES": "1000000"}
    if keep_limits:  # the shipped per-source limits: a one-source flood is refused without hashing
        env.pop("KASUHARA_LOGIN_SOURCE_MAX_FAILURES")
        env.pop("KASUHARA_LOGIN_POW_AFTER_FAILURES")
    return serve(env, port)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _incident(site_id: int) -> dict[str, Any]:
    return {"site_id": site_id, "occurred_at": "2026-11-20T10:00:00+09:00", "channel": "phone", "title": "計測"}


def _creation_latencies(base: str, token: str, site_id: int, n: int, pause: float = 0.0) -> list[float]:
    out = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for _ in range(n):
            started = time.perf_counter()
            r = client.post("/api/v1/incidents", json=_incident(site_id))
            assert r.status_code == 201, r.text
            out.append((time.perf_counter() - started) * 1000)
            time.sleep(pause)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[int(len(ordered) * 0.95)], 1)}


def probe_login_flood(base: str, token: str, site_id: int, _pid: int) -> dict[str, Any]:
    quiet = _summary(_creation_latencies(base, token, site_id, 60, pause=0.2))
    stop = threading.Event()
    sent = [0]

    def flood(offset: float) -> None:
        """One of four senders, each starting a login every 0.4 s: 10 a second together."""
        next_at = time.monotonic() + offset
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += 0.4
                client.post("/api/v1/auth/login", json={"email": f"{secrets.token_hex(6)}@example.jp",
                                                        "password": "wrong-password-guess"})
                sent[0] += 1

    threads = [threading.Thread(target=flood, args=(i * 0.1,), daemon=True) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    loaded = _summary(_creation_latencies(base, token, site_id, 60, pause=0.2))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return {"probe": "login-flood", "alone": quiet, "during_flood": loaded, "logins_sent": sent[0]}


def probe_concurrent(base: str, token: str, site_id: int, _pid: int) -> dict[str, Any]:
    async def burst() -> tuple[list[int], float]:
        limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120,
                                     limits=limits) as client:
            async def one(i: int) -> int:
                if i % 2:
                    return (await client.get("/api/v1/sites")).status_code
                return (await client.post("/api/v1/incidents", json=_incident(site_id))).status_code

            started = time.monotonic()
            codes = await asyncio.gather(*(one(i) for i in range(300)))
            return list(codes), time.monotonic() - started

    codes, seconds = asyncio.run(burst())
    return {"probe": "concurrent", "requests": len(codes), "statuses": {str(c): codes.count(c) for c in set(codes)},
            "seconds": round(seconds, 2)}


def probe_big_json(base: str, _token: str, _site_id: int, pid: int) -> dict[str, Any]:
    before = _rss_mb(pid)
    sent = [0]

    def body() -> Any:
        yield b'{"email": "a@example.jp", "password": "'
        for _ in range(200):
            sent[0] += MB
            yield b"x" * MB
        yield b'"}'

    started = time.monotonic()
    try:
        r = httpx.post(f"{base}/api/v1/auth/login", content=body(), headers={"Content-Type": "application/json"},
                       timeout=120)
        status: int | str = r.status_code
    except httpx.HTTPError as exc:  # the server closes the connection after its 413
        status = f"closed ({exc.__class__.__name__})"
    seconds = time.monotonic() - started
    announced = httpx.post(f"{base}/api/v1/auth/login", content=b"{" + b" " * (200 * MB) + b"}",
                           headers={"Content-Type": "application/json"}, timeout=120)
    return {"probe": "big-json", "chunked_status": status, "chunked_seconds": round(seconds, 2),
            "client_sent_mb_at_most": sent[0] // MB, "announced_status": announced.status_code,
            "rss_mb_before": round(before, 1), "rss_mb_after": round(_rss_mb(pid), 1)}


def probe_anon_upload(base: str, _token: str, _site_id: int, pid: int) -> dict[str, Any]:
    sent = [0]

    def body() -> Any:
        yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
        for _ in range(1024):
            sent[0] += MB
            yield b"a" * MB
        yield b"\r\n--xx--\r\n"

    before = _rss_mb(pid)
    started = time.monotonic()
    try:
        r = httpx.post(f"{base}/api/v1/incidents/1/evidence", content=body(),
                       headers={"Content-Type": "multipart/form-data; boundary=xx"}, timeout=300)
        status: int | str = r.status_code
    except httpx.HTTPError as exc:
        status = f"closed ({exc.__class__.__name__})"
    return {"probe": "anon-upload", "status": status, "seconds": round(time.monotonic() - started, 2),
            "client_sent_mb_at_most": sent[0] // MB, "rss_mb_before": round(before, 1),
            "rss_mb_after": round(_rss_mb(pid), 1)}


def probe_uploads(base: str, token: str, site_id: int, _pid: int) -> dict[str, Any]:
    quiet = _summary(_creation_latencies(base, token, site_id, 40))
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        incident_id = client.post("/api/v1/incidents", json=_incident(site_id)).json()["id"]
    payload = b"transcript line\n" * (45 * MB // 16)
    stop = threading.Event()
    done = [0]

    def uploader() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            while not stop.is_set():
                r = client.post(f"/api/v1/incidents/{incident_id}/evidence",
                                files={"file": ("call.txt", payload, "text/plain")}, data={"kind": "transcript"})
                assert r.status_code == 201, r.text
                done[0] += 1

    threads = [threading.Thread(target=uploader, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    loaded = _summary(_creation_latencies(base, token, site_id, 40))
    stop.set()
    for t in threads:
        t.join(timeout=120)
    return {"probe": "uploads", "alone": quiet, "during_two_45mb_uploads": loaded, "uploads_done": done[0]}


PROBES = {"login-flood": probe_login_flood, "concurrent": probe_concurrent, "big-json": probe_big_json,
          "anon-upload": probe_anon_upload, "uploads": probe_uploads}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--probe", choices=(*PROBES, "all"), default="all")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep-login-limits", action="store_true",
                        help="keep the per-source login limit (the flood probe switches it off by default)")
    args = parser.parse_args()
    names = list(PROBES) if args.probe == "all" else [args.probe]
    with tempfile.TemporaryDirectory() as tmp, database(args.db, Path(tmp)) as url:
        token, site_id = _seed(url)
        proc = _start(url, Path(tmp), args.port, keep_limits=args.keep_login_limits)
        try:
            for name in names:
                result = PROBES[name](f"http://127.0.0.1:{args.port}", token, site_id, proc.pid)
                print(json.dumps({"db": args.db, "login_limits": args.keep_login_limits, **result},
                                 ensure_ascii=False), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
