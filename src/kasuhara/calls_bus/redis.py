"""The shared bus for several app processes: Redis (redis-py's asyncio client).

Per call a hash `kasuhara:call:<id>` holds `version` and the state without its final segments;
the segments are a list `kasuhara:call:<id>:segments`. Every event goes to one stream,
`kasuhara:calls:events`. `commit` is one Lua script: it checks the version, writes the state,
appends the new segments and adds the events, so a process that dies mid-segment leaves either
all of it or none (and the client, which got no acknowledgement, sends the segment again). Each
process reads the stream with a blocking XREAD and hands events to its own listeners; a
listener that reconnects with its last event id replays the stream from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from kasuhara.calls_bus.base import BusUnavailableError, Delivered, Event, FanOut, Subscription
from kasuhara.live.model import CallState

PREFIX = "kasuhara:"
STREAM_MAXLEN = 200_000
MAX_CONNECTIONS = 32
ENDED_TTL_SECONDS = 6 * 3600

_COMMIT = """
local current = redis.call('HGET', KEYS[1], 'version') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
local nseg = tonumber(ARGV[5])
for i = 1, nseg do redis.call('RPUSH', KEYS[2], ARGV[5 + i]) end
if ARGV[4] == 'live' then
  redis.call('SADD', KEYS[3], ARGV[6 + nseg])
else
  redis.call('SREM', KEYS[3], ARGV[6 + nseg])
  redis.call('EXPIRE', KEYS[1], ARGV[7 + nseg])
  redis.call('EXPIRE', KEYS[2], ARGV[7 + nseg])
end
for i = 8 + nseg, #ARGV do
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '{maxlen}', '*', 'e', ARGV[i])
end
return 1
""".replace("{maxlen}", str(STREAM_MAXLEN))


def split_url(url: str) -> tuple[str, str]:
    """`redis://host:port/db?prefix=name:` -> the URL for redis-py and the key prefix."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "prefix"]
    prefix = dict(parse_qsl(parts.query)).get("prefix", PREFIX)
    return urlunsplit(parts._replace(query=urlencode(query))), prefix


class RedisBus:
    def __init__(self, url: str) -> None:
        url, self.prefix = split_url(url)
        self.stream = self.prefix + "calls:events"
        self.live = self.prefix + "calls:live"
        self.url = url
        # redis-py's return types are unions of every reply shape: typed as Any at this edge.
        # A blocking pool: a burst of segments waits for a connection instead of failing.
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=10,
                                                        decode_responses=True)
        self.client: Any = aioredis.Redis(connection_pool=pool)
        self.reader: Any = aioredis.Redis.from_url(url, decode_responses=True)
        self.fanout = FanOut()
        # The states this process committed last. A cached state may be stale (another process moved
        # the call on): the commit's version check refuses it, the entry is dropped, the next load reads
        # Redis. Events from other processes drop the entries they make stale, so that is rare.
        self.cache: dict[str, CallState] = {}
        self.task: asyncio.Task[None] | None = None
        self.last_id = "$"
        self.script: Any = None

    def _key(self, call_id: str) -> str:
        return f"{self.prefix}call:{call_id}"

    async def open(self) -> None:
        if self.task is not None:
            return
        self.script = self.client.register_script(_COMMIT)
        # Start reading where the stream is now: earlier events are for replays only.
        info = await self.client.xinfo_stream(self.stream) if await self.client.exists(self.stream) else None
        self.last_id = info["last-generated-id"] if info else "0-0"
        self.task = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
            self.task = None
        for listener in tuple(self.fanout.listeners):
            listener.end()
        self.fanout.listeners.clear()
        await self.client.aclose()
        await self.client.connection_pool.disconnect()
        await self.reader.aclose()

    async def _read(self) -> None:
        while True:
            try:
                found = await self.reader.xread({self.stream: self.last_id}, count=1000, block=1000)
            except asyncio.CancelledError:
                raise
            except Exception:  # the server went away: retry (listeners replay from their last id)
                await asyncio.sleep(0.5)
                continue
            for _stream, entries in found or ():
                for entry_id, fields in entries:
                    self.last_id = entry_id
                    event = json.loads(fields["e"])
                    cached = self.cache.get(event.get("call_id", ""))
                    if cached is not None and (cached.version < event.get("version", 0) or event["type"] == "call.end"):
                        self.cache.pop(event["call_id"], None)
                    self.fanout.publish(Delivered(entry_id, event))

    async def load(self, call_id: str) -> CallState | None:
        cached = self.cache.get(call_id)
        if cached is not None:
            return cached
        try:
            raw = await self.client.hget(self._key(call_id), "state")
        except RedisError as exc:
            raise BusUnavailableError() from exc
        if raw is None:
            return None
        return CallState.from_dict(json.loads(raw))

    async def load_full(self, call_id: str) -> CallState | None:
        raw = await self.client.hget(self._key(call_id), "state")
        if raw is None:
            return None
        state = CallState.from_dict(json.loads(raw))
        state.segments = [json.loads(s) for s in await self.client.lrange(self._key(call_id) + ":segments", 0, -1)]
        return state

    async def commit(self, state: CallState, *, expected_version: int, events: list[Event]) -> bool:
        data = state.to_dict()
        segments = [json.dumps(s, ensure_ascii=False) for s in data.pop("segments")]
        argv: list[Any] = [str(expected_version), str(state.version), json.dumps(data, ensure_ascii=False),
                           state.status, len(segments), *segments, state.call_id, ENDED_TTL_SECONDS,
                           *(json.dumps(e, ensure_ascii=False) for e in events)]
        keys = [self._key(state.call_id), self._key(state.call_id) + ":segments", self.live, self.stream]
        try:
            ok = await self.script(keys=keys, args=argv)
        except RedisError as exc:
            # Unknown whether it ran: the next load reads Redis, and a resent segment is idempotent.
            self.cache.pop(state.call_id, None)
            raise BusUnavailableError() from exc
        if not ok:
            self.cache.pop(state.call_id, None)
            return False
        state.segments = []  # stored; the in-memory state carries only what is new
        if state.status == "live":
            self.cache[state.call_id] = state
        else:
            self.cache.pop(state.call_id, None)
        return True

    async def live_ids(self) -> list[str]:
        return sorted(await self.client.smembers(self.live))

    async def subscribe(self, *, after: str | None = None,
                        keep: Callable[[Event], bool] | None = None) -> Subscription:
        sub = Subscription(keep)
        self.fanout.listeners.add(sub)  # first: nothing published from now on is missed
        if after:
            cursor = after
            while True:
                batch = await self.client.xrange(self.stream, min=f"({cursor}", max="+", count=1000)
                replay = (Delivered(entry_id, json.loads(fields["e"])) for entry_id, fields in batch)
                sub.prefix.extend(d for d in replay if keep is None or keep(d.event))
                if len(batch) < 1000:
                    break
                cursor = batch[-1][0]
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        self.fanout.listeners.discard(subscription)

    async def reset(self) -> None:
        """Delete every key of the live calls (tests and the benchmark start clean)."""
        keys = [k async for k in self.client.scan_iter(match=self.prefix + "call*")]
        if keys:
            await self.client.delete(*keys)
