"""Load benchmark of the case-file API over loopback, on SQLite and PostgreSQL.

For each database: a fresh database with 100,000 incidents (bulk inserts), `kasuhara serve` in its
own process on 127.0.0.1, then this process drives it over keep-alive HTTP/1.1 connections: incident
creation and filtered list pages, a bounded number of requests (and seconds) at a fixed concurrency.
Prints requests/s, latency percentiles and the CPU per request of the server and of this load
generator, which shares the machine's cores (a minimal client by default; `--client httpx` costs
about 1.3 ms of CPU per request more). Targets (2-core machine): creation >= 300/s with p99 < 100 ms;
list p99 < 200 ms.

    .venv/bin/python benchmarks/api_load.py --db both
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import sqlalchemy as sa

from kasuhara.services import auth, sites, users
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.incidents import Incident, IncidentBehaviour

PG_ADMIN_URL = os.environ.get("KASUHARA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = secrets.token_urlsafe(40)
STATUSES = ("reported", "assessing", "responding", "closed")
DETERMINATIONS = ("customer_harassment", "unjustified_demand", "needs_fact_finding", "legitimate_complaint")
BEHAVIOURS = ("verbal_abuse", "threat", "refusal_to_leave", "repeated_contact", "forced_kneeling")
CHANNELS = ("phone", "in_person", "email")


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{(workdir / 'bench.db').as_posix()}"
        return
    name = f"kasuhara_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def seed(url: str, count: int) -> dict[str, Any]:
    """Schema, five sites, an admin and a supervisor with tokens, `count` incidents in bulk."""
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(7)
    with factory() as session:
        site_ids = [sites.create(session=session, actor=None, code=f"S{i}", name=f"店舗{i}").id for i in range(5)]
        admin = users.create(session=session, actor=None, email="admin@example.jp", display_name="管理者",
                             role="admin", password="benchmark-password")
        sup = users.create(session=session, actor=None, email="sup@example.jp", display_name="店長",
                           role="supervisor", password="benchmark-password", site_ids=site_ids[:3])
        _r, admin_token = auth.create_api_token(session=session, user=admin, name="bench", secret_key=SECRET)
        _r, sup_token = auth.create_api_token(session=session, user=sup, name="bench", secret_key=SECRET)
        session.commit()
        admin_id = admin.id
    started = time.monotonic()
    now = datetime.now(UTC)
    batch = 5000
    with engine.begin() as conn:
        for start in range(0, count, batch):
            rows, behaviours = [], []
            for i in range(start, min(count, start + batch)):
                status = rng.choice(STATUSES)
                judged = status != "reported"
                rows.append({
                    "id": i + 1, "reporter_id": admin_id, "site_id": rng.choice(site_ids), "customer_id": None,
                    "occurred_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 730)),
                    "channel": rng.choice(CHANNELS), "title": f"負荷試験の事案 {i}", "summary": "大声での罵倒",
                    "facts": {}, "status": status,
                    "determination": rng.choice(DETERMINATIONS) if judged else None,
                    "created_at": now, "updated_at": now, "version": 1,
                })
                if judged:
                    behaviours.append({"incident_id": i + 1, "behaviour_id": rng.choice(BEHAVIOURS),
                                       "site_id": rows[-1]["site_id"]})
            conn.execute(sa.insert(Incident), rows)
            if behaviours:
                conn.execute(sa.insert(IncidentBehaviour), behaviours)
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('incidents', 'id'), :n)"), {"n": count})
            conn.execute(sa.text("ANALYZE"))
        else:
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return {"admin": admin_token, "sup": sup_token, "sites": site_ids, "seed_seconds": time.monotonic() - started}


def start_server(url: str, workdir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KASUHARA_DATABASE_URL": url, "KASUHARA_DATA_DIR": str(workdir),
           "KASUHARA_SECRET_KEY": SECRET, "KASUHARA_ENVIRONMENT": "production",
           "KASUHARA_ENCRYPTION_KEY": secrets.token_urlsafe(40),
           "KASUHARA_SESSION_COOKIE_SECURE": "false"}
    return serve(env, port, workers=workers)


def serve(env: dict[str, str], port: int, *, workers: int = 1, wait_seconds: float = 30) -> subprocess.Popen[bytes]:
    """`kasuhara serve` in a process of its own on 127.0.0.1:`port`, returned once it answers (the
    benchmarks and probes all start the server this way)."""
    cmd = [sys.executable, "-m", "kasuhara", "serve", "--no-upgrade", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/auth/me", timeout=1).status_code == 401:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


async def drive(base: str, requests: list[tuple[str, str, dict[str, Any]]], token: str, concurrency: int,
                max_seconds: float, client: str = "raw") -> dict[str, float]:
    """`concurrency` keep-alive connections, each sending its next request when the previous answer is in."""
    if client == "httpx":
        return await drive_httpx(base, requests, token, concurrency, max_seconds)
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(requests))
    parsed = urlsplit(base)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    stop = time.monotonic() + max_seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while queue and time.monotonic() < stop:
                method, path, kwargs = queue.pop()
                payload = encode_request(method, path, kwargs, host=f"{host}:{port}", token=token)
                t0 = time.perf_counter()
                writer.write(payload)
                status, body, close = await read_response(reader)
                latencies.append(time.perf_counter() - t0)
                if status >= 400 or not isinstance(json.loads(body), dict):
                    errors += 1
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(latencies, errors, time.perf_counter() - started)


def encode_request(method: str, path: str, kwargs: dict[str, Any], *, host: str, token: str) -> bytes:
    """One HTTP/1.1 request; the body is JSON (`json=`), the query string from `params=`."""
    if kwargs.get("params"):
        path = f"{path}?{urlencode(kwargs['params'])}"
    body = json.dumps(kwargs["json"], ensure_ascii=False).encode() if "json" in kwargs else b""
    head = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Accept: application/json\r\n")
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server closes the connection (Content-Length or chunked bodies)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *lines = head.split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunks.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(c[:-2] for c in chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() == "close"


def summarise(latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99)}


async def drive_httpx(base: str, requests: list[tuple[str, str, dict[str, Any]]], token: str, concurrency: int,
                      max_seconds: float) -> dict[str, float]:
    """The same with httpx (heavier: on a 2-core machine it takes CPU the server would use)."""
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(requests))
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        stop = time.monotonic() + max_seconds

        async def worker() -> None:
            nonlocal errors
            while queue and time.monotonic() < stop:
                method, path, kwargs = queue.pop()
                t0 = time.perf_counter()
                response = await client.request(method, path, **kwargs)
                latencies.append(time.perf_counter() - t0)
                if response.status_code >= 400:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return summarise(latencies, errors, elapsed)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its worker processes (Linux /proc): the cost per request
    that does not depend on how busy the shared machine is."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(c) for c in children.read_text().split())] if children.exists() else [pid]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_async(coro: Any) -> Any:
    """The load generator's event loop: uvloop when installed (less of the shared CPU for the client)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def measured(pid: int, coro: Any) -> dict[str, float]:
    before, client_before = cpu_seconds(pid), time.process_time()
    result: dict[str, float] = run_async(coro)
    count = max(1, result["requests"])
    result["server_cpu_ms_per_request"] = (cpu_seconds(pid) - before) * 1000 / count
    result["client_cpu_ms_per_request"] = (time.process_time() - client_before) * 1000 / count
    return result


def create_requests(n: int, site_ids: list[int]) -> list[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(11)
    return [("POST", "/api/v1/incidents", {"json": {
        "site_id": rng.choice(site_ids), "occurred_at": "2026-11-01T10:00:00+09:00", "channel": "phone",
        "title": f"電話での暴言 {i}", "summary": "30分以上にわたり大声で罵倒された",
        "facts": {"demand": {"kind": "refund", "validity": "invalid"}, "behaviours": ["verbal_abuse"]},
    }}) for i in range(n)]


def list_requests(n: int, site_ids: list[int]) -> list[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(13)
    out = []
    for _ in range(n):
        params: dict[str, Any] = {"site_id": rng.choice(site_ids[:3]), "limit": 50}
        choice = rng.randrange(3)
        if choice == 0:
            params["status"] = rng.choice(STATUSES)
        elif choice == 1:
            params["behaviour"] = rng.choice(BEHAVIOURS)
        else:
            params["determination"] = rng.choice(DETERMINATIONS)
            params["occurred_from"] = "2026-01-01T00:00:00+09:00"
        out.append(("GET", "/api/v1/incidents", {"params": params}))
    return out


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kasuhara-bench-") as tmp, database(kind, Path(tmp)) as url:
        seeded = seed(url, args.incidents)
        proc = start_server(url, Path(tmp), args.port, args.workers)
        try:
            base = f"http://127.0.0.1:{args.port}"
            run_async(drive(base, list_requests(50, seeded["sites"]), seeded["sup"], 4, 30, args.client))  # warm-up
            create = measured(proc.pid, drive(base, create_requests(args.creates, seeded["sites"]), seeded["admin"],
                                              args.concurrency, args.max_seconds, args.client))
            listing = measured(proc.pid, drive(base, list_requests(args.lists, seeded["sites"]), seeded["sup"],
                                               args.concurrency, args.max_seconds, args.client))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"db": kind, "seed_seconds": seeded["seed_seconds"], "create": create, "list": listing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=3000)
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: minimal HTTP/1.1 over asyncio (default) or httpx")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        result = run(kind, args)
        print(f"[{kind}] seeded {args.incidents} incidents in {result['seed_seconds']:.1f}s")
        for name in ("create", "list"):
            r = result[name]
            print(f"[{kind}] {name:6} {r['requests']:5d} req  {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                  f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}  "
                  f"server CPU {r['server_cpu_ms_per_request']:.1f} ms/req  "
                  f"client CPU {r['client_cpu_ms_per_request']:.1f} ms/req")
    print(f"load average after the run: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
