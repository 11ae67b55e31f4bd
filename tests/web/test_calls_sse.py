"""The board's and the operator's server-sent events, through a real server on loopback.

Starlette's test client buffers a streamed response, so these run the app under uvicorn in a
thread and read the stream with httpx, as a browser's EventSource would.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from casefile_world import World

from kasuhara.web.app import create_app


@pytest.fixture
def server(world: World) -> Iterator[str]:
    app = create_app(world.settings)  # its own hub and event loop, the world's database
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def listen(url: str, headers: dict[str, str], out: queue.Queue[tuple[float, str, dict[str, Any]]],
           stop: threading.Event) -> None:
    with httpx.Client(timeout=None) as client, client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        event_id, kind = "", ""
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                out.put((time.monotonic(), kind, {**json.loads(line[6:]), "_id": event_id}))


def wait_for(out: queue.Queue[tuple[float, str, dict[str, Any]]], kind: str, timeout: float = 5.0) -> tuple[float, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        at, got, data = out.get(timeout=max(0.01, deadline - time.monotonic()))
        if got == kind:
            return at, data


def follow(url: str, headers: dict[str, str]) -> tuple[queue.Queue[tuple[float, str, dict[str, Any]]], threading.Event]:
    out: queue.Queue[tuple[float, str, dict[str, Any]]] = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=listen, args=(url, headers, out, stop), daemon=True).start()
    time.sleep(0.3)  # connected and subscribed
    return out, stop


def test_the_supervisor_sees_the_alert_within_a_second_and_can_resume(world: World, server: str) -> None:
    sup = world.headers("supervisor")
    board, stop = follow(f"{server}/api/v1/calls/events", sup)
    other, stop_other = follow(f"{server}/api/v1/calls/events", world.headers("supervisor_b"))
    staff = world.headers("staff")
    start = {"type": "call.start", "site_id": world.site_a, "operator": "staff@example.jp"}
    assert httpx.post(f"{server}/api/v1/calls/sse-1/events", headers=staff, json={"events": [start]}).status_code == 200
    wait_for(board, "call.start")
    operator, stop_op = follow(f"{server}/api/v1/calls/sse-1/events", staff)
    sent = time.monotonic()
    segment = {"type": "segment", "speaker": "customer", "text": "殺すぞ", "start": 1.0, "end": 2.0}
    assert httpx.post(f"{server}/api/v1/calls/sse-1/events", headers=staff, json={"events": [segment]}).status_code == 200
    at, alert = wait_for(board, "alert")
    assert at - sent < 1.0
    assert alert["alert"]["rule"] == "harmful_speech" and alert["call_id"] == "sse-1"
    _, shown = wait_for(operator, "segment")
    assert shown["segment"]["flags"][0]["behaviour"] == "threat"
    _, prompt = wait_for(operator, "alert")
    assert prompt["alert"]["say"]["ja"]
    # A supervisor of another site sees nothing of this call.
    with pytest.raises(queue.Empty):
        wait_for(other, "alert", timeout=0.5)
    # Reconnecting with Last-Event-ID replays what came after it.
    replay, stop_replay = follow(f"{server}/api/v1/calls/events", {**sup, "Last-Event-ID": alert["_id"]})
    httpx.post(f"{server}/api/v1/calls/sse-1/decisions", headers=sup, json={"action": "take_over"})
    _, decision = wait_for(replay, "decision")
    assert decision["decision"]["action"] == "take_over"
    _, op_decision = wait_for(operator, "decision")
    assert op_decision["decision"]["by"] == "supervisor@example.jp"
    for flag in (stop, stop_other, stop_op, stop_replay):
        flag.set()


def test_the_feeds_need_the_right_role(world: World, server: str) -> None:
    assert httpx.get(f"{server}/api/v1/calls/events", headers=world.headers("staff")).status_code == 403
    assert httpx.get(f"{server}/api/v1/calls/events").status_code == 401
    assert httpx.get(f"{server}/api/v1/calls/nope/events", headers=world.headers("staff")).status_code == 404
