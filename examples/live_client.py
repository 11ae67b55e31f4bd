"""Replay a call transcript to kasuhara's live-call WebSocket, in real time (or faster).

    python examples/live_client.py transcript.vtt --url ws://127.0.0.1:8000 --token ksh_... \
        --site 1 --call demo-001 [--speed 2] [--speaker-map "A=customer,B=operator"]

Reads WebVTT (`<v Speaker>` voice tags or `Speaker: text`), SRT (`Speaker: text`) or JSON Lines
(`{"speaker", "text", "start", "end"}` per line). Sends `call.start`, each segment as a partial
(first half of its words, if `--partials`) and then final, waiting until the segment's end time,
and `call.end`. Every message is acknowledged; if the connection drops, the client reconnects,
sends `call.start` again, learns the last sequence number the server kept, and resends the rest,
so no segment is lost or counted twice.

Needs only the `websockets` package (a kasuhara dependency).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect


@dataclass(frozen=True)
class Line:
    speaker: str
    text: str
    start: float
    end: float


_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
_CUE = re.compile(rf"^\s*({_TIME.pattern})\s*-->\s*({_TIME.pattern})")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>)?$")
_LABEL = re.compile(r"^([^:：]{1,30})[:：]\s*(.+)$")


def _seconds(stamp: str) -> float:
    found = _TIME.match(stamp.strip())
    if not found:
        raise ValueError(f"not a time stamp: {stamp!r}")
    hours, minutes, seconds, fraction = found.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def parse_cues(text: str, speaker_map: dict[str, str]) -> list[Line]:
    """WebVTT or SRT cues: a time line, then text lines; the speaker from a voice tag or a label."""
    lines: list[Line] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").lstrip("\ufeff"))
    for block in blocks:
        rows = [r for r in block.split("\n") if r.strip()]
        for index, row in enumerate(rows):
            cue = _CUE.match(row)
            if not cue:
                continue
            start, end = _seconds(row.split("-->")[0]), _seconds(row.split("-->")[1].split()[0])
            body = " ".join(r.strip() for r in rows[index + 1:])
            speaker, words = "customer", body
            if voice := _VOICE.match(body):
                speaker, words = voice.group(1).strip(), voice.group(2).strip()
            elif label := _LABEL.match(body):
                speaker, words = label.group(1).strip(), label.group(2).strip()
            words = re.sub(r"<[^>]+>", "", words).strip()
            if words:
                lines.append(Line(speaker_map.get(speaker, speaker), words, start, end))
            break
    return lines


def parse_jsonl(text: str, speaker_map: dict[str, str]) -> list[Line]:
    out = []
    for number, row in enumerate(text.splitlines(), 1):
        if not row.strip():
            continue
        data = json.loads(row)
        try:
            out.append(Line(speaker_map.get(data["speaker"], data["speaker"]), data["text"],
                            float(data["start"]), float(data["end"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"line {number}: needs speaker, text, start, end ({exc})") from exc
    return out


def load_transcript(path: Path, speaker_map: dict[str, str] | None = None) -> list[Line]:
    text = path.read_text(encoding="utf-8")
    mapping = speaker_map or {}
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return parse_jsonl(text, mapping)
    return parse_cues(text, mapping)


class LiveClient:
    """One call on the live-call WebSocket, with acknowledgements and reconnection."""

    def __init__(self, base_url: str, token: str, call_id: str, call: dict[str, Any]) -> None:
        self.url = f"{base_url.rstrip('/')}/api/v1/calls/{call_id}/stream"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.call = {"type": "call.start", **call}
        self.socket: ClientConnection | None = None
        self.sent: list[dict[str, Any]] = []
        self.last_seq = -1

    def _connect(self) -> ClientConnection:
        for attempt in range(20):
            try:
                sock = connect(self.url, additional_headers=self.headers, open_timeout=10)
                sock.send(json.dumps(self.call, ensure_ascii=False))
                reply = json.loads(sock.recv(timeout=30))
                if reply.get("type") != "started":
                    raise RuntimeError(f"call.start refused: {reply}")
                self.last_seq = int(reply["last_seq"])
                self.socket = sock
                return sock
            except (OSError, ConnectionClosed, TimeoutError):
                time.sleep(min(5.0, 0.2 * (attempt + 1)))
        raise RuntimeError("could not connect")

    def start(self) -> dict[str, Any]:
        self._connect()
        return {"last_seq": self.last_seq}

    def _exchange(self, message: dict[str, Any]) -> dict[str, Any]:
        while True:
            sock = self.socket or self._connect()
            try:
                sock.send(json.dumps(message, ensure_ascii=False))
                reply: dict[str, Any] = json.loads(sock.recv(timeout=30))
                return reply
            except (OSError, ConnectionClosed, TimeoutError):
                self.socket = None
                sock = self._connect()
                # Resend what the server did not keep, then the message itself.
                for earlier in self.sent:
                    if earlier.get("is_final", True) and earlier["seq"] > self.last_seq and earlier is not message:
                        sock.send(json.dumps(earlier, ensure_ascii=False))
                        json.loads(sock.recv(timeout=30))
                if message.get("seq", -1) <= self.last_seq and message.get("type") == "segment":
                    return {"type": "ack", "seq": message["seq"], "resent": False}

    def segment(self, line: Line, *, final: bool = True) -> dict[str, Any]:
        message = {"type": "segment", "speaker": line.speaker, "text": line.text, "start": line.start,
                   "end": line.end, "is_final": final, "seq": len(self.sent)}
        self.sent.append(message)
        reply = self._exchange(message)
        for attempt in range(10):  # 503: the server's broker was busy and stored nothing; send it again
            if reply.get("type") != "error" or reply.get("status") != 503:
                break
            time.sleep(0.2 * (attempt + 1))
            reply = self._exchange(message)
        if reply.get("type") == "error":
            raise RuntimeError(f"segment {message['seq']} refused: {reply}")
        return reply

    def end(self) -> dict[str, Any]:
        reply = self._exchange({"type": "call.end"})
        if self.socket is not None:
            self.socket.close()
        return reply


def replay(client: LiveClient, lines: Iterable[Line], *, speed: float = 1.0, partials: bool = False,
           out: Any = sys.stdout) -> None:
    """Send each line when its end time comes (divided by `speed`), then end the call."""
    client.start()
    began = time.monotonic()
    for line in lines:
        if partials and len(line.text) > 4:
            half = Line(line.speaker, line.text[: len(line.text) // 2], line.start, (line.start + line.end) / 2)
            _wait(began, half.end / speed)
            client.segment(half, final=False)
        _wait(began, line.end / speed)
        reply = client.segment(line)
        print(f"{line.end:8.2f}s {line.speaker:>9}: {line.text}  -> {reply.get('type')} {reply.get('seq', '')}",
              file=out)
    print(json.dumps(client.end(), ensure_ascii=False), file=out)


def _wait(began: float, at: float) -> None:
    delay = began + at - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("transcript", type=Path)
    parser.add_argument("--url", default="ws://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--call", required=True, help="call id (1-64 of A-Z a-z 0-9 - _ . :)")
    parser.add_argument("--site", type=int, required=True)
    parser.add_argument("--operator", default="")
    parser.add_argument("--customer", default="", help="caller's number or e-mail, if known")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--partials", action="store_true")
    parser.add_argument("--speaker-map", default="", help='e.g. "客=customer,担当=operator"')
    args = parser.parse_args(argv)
    mapping = dict(pair.split("=", 1) for pair in args.speaker_map.split(",") if "=" in pair)
    lines = load_transcript(args.transcript, mapping)
    client = LiveClient(args.url, args.token, args.call, {"site_id": args.site, "operator": args.operator,
                                                          "customer_identifier": args.customer})
    replay(client, lines, speed=args.speed, partials=args.partials)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
