"""Load benchmark of live calls: concurrent simulated calls over WebSockets, supervisors on SSE.

Starts the app in its own process(es) on 127.0.0.1 (`kasuhara serve`, fresh migrated SQLite),
then this process is the load generator: `--calls` concurrent calls, each a WebSocket that sends
`call.start` and then a final customer segment every `--interval` seconds (staggered), every
fifth segment a harmful one (threat, demand to kneel, sexual remark, ... in turn: each raises a
supervisor alert); `--supervisors` supervisors follow the board's server-sent events. Reports
segments/s acknowledged, the acknowledgement latency, and the segment-to-alert latency measured at
the supervisors' connections (send time of the segment in this process to the arrival of its
alert on each supervisor's stream), p50 and p99, plus the CPU seconds of each server process and
of this generator (which shares the machine's cores).

Modes: `embedded` (one app process, the in-process bus) and `broker` (two app processes behind
Redis; calls alternate between the processes and the supervisors are split between them, so half
the alerts cross processes).

    .venv/bin/python benchmarks/live_load.py --mode both --calls 1000 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from statistics import quantiles
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import cpu_seconds, serve

from kasuhara.services import auth, sites, users
from kasuhara.store.engine import make_engine, make_session_factory
from kasuhara.store.migrate import upgrade

SECRET = secrets.token_urlsafe(40)
REDIS = os.environ.get("KASUHARA_BENCH_REDIS", "redis://127.0.0.1:6379/0")
HARMFUL = ("殺すぞ、覚えてろよ", "今すぐ土下座しろ", "おっぱい触らせろよ", "外国人のくせに生意気だ")
"""Each raises one supervisor alert per call (threat, demand to kneel, sexual remark, discrimination)."""
ORDINARY = ("先週届いた商品の件で電話しました", "説明書どおりに使っています", "担当の方のお名前は",
            "いつ届くのか教えてください", "前にも同じことを聞きました", "わかりました、それで")


def seed(url: str) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        site = sites.create(session=session, actor=None, code="CC", name="コールセンター", prefecture_code="13")
        line = users.create(session=session, actor=None, email="line@example.jp", display_name="回線",
                            role="staff", password="benchmark-password", site_ids=[site.id])
        sup = users.create(session=session, actor=None, email="sup@example.jp", display_name="責任者",
                           role="supervisor", password="benchmark-password", site_ids=[site.id])
        _r, line_token = auth.create_api_token(session=session, user=line, name="bench", secret_key=SECRET)
        _r, sup_token = auth.create_api_token(session=session, user=sup, name="bench", secret_key=SECRET)
        session.commit()
        site_id = site.id
    engine.dispose()
    return {"line": line_token, "sup": sup_token, "site": site_id}


def start_server(url: str, workdir: Path, port: int, broker: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KASUHARA_DATABASE_URL": url, "KASUHARA_DATA_DIR": str(workdir),
           "KASUHARA_SECRET_KEY": SECRET, "KASUHARA_ENVIRONMENT": "production",
           "KASUHARA_ENCRYPTION_KEY": secrets.token_urlsafe(40),
           "KASUHARA_SESSION_COOKIE_SECURE": "false", "KASUHARA_LIVE_BROKER_URL": broker}
    return serve(env, port, wait_seconds=60)




class Recorder:
    def __init__(self) -> None:
        self.sent: dict[tuple[str, int], float] = {}
        self.acks: list[float] = []
        self.alerts: list[float] = []
        self.steady_acks: list[float] = []
        self.steady_alerts: list[float] = []
        self.steady_from = float("inf")  # segments sent after every call connected (the ramp is over)
        self.errors = 0
        self.alerts_expected = 0


async def one_call(base: str, token: str, site: int, call_id: str, interval: float, until: float,
                   rec: Recorder, offset: float) -> None:
    await asyncio.sleep(offset)
    async with websockets.connect(f"{base}/api/v1/calls/{call_id}/stream", max_queue=None,
                                  additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        await ws.send(json.dumps({"type": "call.start", "site_id": site, "operator": "line@example.jp"}))
        json.loads(await ws.recv())
        seq = 0
        next_at = time.monotonic()
        while time.monotonic() < until:
            harmful = seq % 5 == 3
            text = HARMFUL[(seq // 5) % len(HARMFUL)] if harmful else ORDINARY[seq % len(ORDINARY)]
            message = json.dumps({"type": "segment", "speaker": "customer", "text": text, "start": seq * interval,
                                  "end": seq * interval + 1.5, "is_final": True, "seq": seq}, ensure_ascii=False)
            sent = time.monotonic()
            rec.sent[(call_id, seq)] = sent
            if harmful and (seq // 5) < len(HARMFUL):
                rec.alerts_expected += 1
            await ws.send(message)
            reply = json.loads(await ws.recv())
            if reply.get("type") == "ack":
                rec.acks.append(time.monotonic() - sent)
                if sent >= rec.steady_from:
                    rec.steady_acks.append(rec.acks[-1])
            else:
                rec.errors += 1
            seq += 1
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        await ws.send(json.dumps({"type": "call.end"}))
        await ws.recv()


async def supervisor(base: str, token: str, rec: Recorder, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(timeout=None) as client, client.stream(
            "GET", f"{base}/api/v1/calls/events", headers={"Authorization": f"Bearer {token}"}) as response:
        async for line in response.aiter_lines():
            if stop.is_set():
                return
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event.get("type") != "alert":
                continue
            seg = event["alert"].get("detail", {}).get("segment")
            sent = rec.sent.get((event["call_id"], seg)) if seg is not None else None
            if sent is not None:
                rec.alerts.append(time.monotonic() - sent)
                if sent >= rec.steady_from:
                    rec.steady_alerts.append(rec.alerts[-1])


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def drive(bases: list[str], tokens: dict[str, Any], calls: int, interval: float, seconds: float,
                supervisors: int, ramp: float) -> dict[str, Any]:
    rec = Recorder()
    stop = asyncio.Event()
    sups = [asyncio.create_task(supervisor(bases[i % len(bases)].replace("ws", "http", 1), tokens["sup"], rec, stop))
            for i in range(supervisors)]
    await asyncio.sleep(1.0)
    began = time.monotonic()
    until = began + ramp + seconds
    rec.steady_from = began + ramp + 2 * interval
    run = uuid.uuid4().hex[:6]
    tasks = [asyncio.create_task(one_call(bases[i % len(bases)], tokens["line"], tokens["site"], f"b{run}-{i}",
                                          interval, until, rec, offset=ramp * i / calls)) for i in range(calls)]
    done = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [d for d in done if isinstance(d, BaseException)]
    elapsed = time.monotonic() - began
    await asyncio.sleep(1.0)
    stop.set()
    for task in sups:
        task.cancel()
    return {"calls": calls, "call_failures": len(failures), "first_failure": repr(failures[0]) if failures else "",
            "seconds": round(elapsed, 1), "segments": len(rec.acks),
            "segments_per_second": round(len(rec.acks) / elapsed, 1), "errors": rec.errors,
            "ack_p50_ms": round(pct(rec.acks, 50), 1), "ack_p99_ms": round(pct(rec.acks, 99), 1),
            "alerts_expected_per_supervisor": rec.alerts_expected, "alerts_received": len(rec.alerts),
            "alert_p50_ms": round(pct(rec.alerts, 50), 1), "alert_p99_ms": round(pct(rec.alerts, 99), 1),
            "steady": {"segments_per_second": round(len(rec.steady_acks) / max(1e-9, until - rec.steady_from), 1),
                       "ack_p50_ms": round(pct(rec.steady_acks, 50), 1),
                       "ack_p99_ms": round(pct(rec.steady_acks, 99), 1), "alerts_received": len(rec.steady_alerts),
                       "alert_p50_ms": round(pct(rec.steady_alerts, 50), 1),
                       "alert_p99_ms": round(pct(rec.steady_alerts, 99), 1)}}


def run_mode(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kasuhara-live-bench-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{(workdir / 'bench.db').as_posix()}"
        tokens = seed(url)
        broker = ""
        if mode == "broker":
            broker = f"{REDIS}?prefix=kasuhara-bench-{uuid.uuid4().hex[:8]}:"
        ports = [args.port] if mode == "embedded" else [args.port, args.port + 1]
        procs = [start_server(url, workdir, port, broker) for port in ports]
        try:
            cpu0 = [cpu_seconds(p.pid) for p in procs]
            own0 = time.process_time()
            bases = [f"ws://127.0.0.1:{port}" for port in ports]
            result = asyncio.run(drive(bases, tokens, args.calls, args.interval, args.seconds, args.supervisors,
                                       args.ramp))
            result["server_cpu_seconds"] = [round(cpu_seconds(p.pid) - c, 1) for p, c in zip(procs, cpu0, strict=True)]
            result["generator_cpu_seconds"] = round(time.process_time() - own0, 1)
            result["load_average"] = os.getloadavg()
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)
        if broker:
            import redis

            client = redis.Redis.from_url(REDIS)
            prefix = broker.split("prefix=")[1]
            keys = list(client.scan_iter(match=prefix + "*"))
            if keys:
                client.delete(*keys)
        result["mode"] = mode
        result["supervisors"] = args.supervisors
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("embedded", "broker", "both"), default="both")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0, help="steady load after the ramp")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which calls connect")
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--supervisors", type=int, default=4)
    parser.add_argument("--port", type=int, default=8650)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    modes = ("embedded", "broker") if args.mode == "both" else (args.mode,)
    for mode in modes:
        print(json.dumps(run_mode(mode, args), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
