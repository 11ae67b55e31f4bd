"""The contract of a call bus, and the per-process fan-out both buses share."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kasuhara.errors import ConflictError, Message
from kasuhara.live.model import CallState

Event = dict[str, Any]
QUEUE_LIMIT = 10_000
"""A subscriber this far behind is cut off (it reconnects and replays from its last event id)."""


class BusUnavailableError(ConflictError):
    """The broker did not answer in time: nothing was stored; the client sends the input again."""

    def __init__(self) -> None:
        super().__init__(Message("通話の中継サーバーが混み合っています。もう一度送ってください (何も保存していません)",
                                 "the call broker is busy; send it again (nothing was stored)"))


@dataclass
class Delivered:
    id: str
    event: Event
    _json: str | None = None

    def json(self) -> str:
        """The event as JSON, made once however many listeners send it."""
        if self._json is None:
            self._json = json.dumps(self.event, ensure_ascii=False)
        return self._json


class Subscription:
    """One listener's queue; `overflowed` means it fell behind and must reconnect."""

    def __init__(self, keep: Callable[[Event], bool] | None = None) -> None:
        self.keep = keep  # a listener's filter, applied before queueing (a board never queues segments)
        self.queue: asyncio.Queue[Delivered | None] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False
        self.prefix: list[Delivered] = []  # a replay, delivered before the queue
        self.seen = (-1, -1)

    def offer(self, item: Delivered) -> None:
        if self.overflowed or (self.keep is not None and not self.keep(item.event)):
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.end()

    def end(self) -> None:
        """Stop the listener (its stream ends; a client reconnects with its last event id)."""
        self.overflowed = True
        while not self.queue.empty():  # whatever is queued is replayed after the reconnect, in order
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    async def get(self) -> Delivered | None:
        """The next event (the replay first; one the replay already gave is skipped); None = ended."""
        if self.prefix:
            first = self.prefix.pop(0)
            self.seen = event_order(first.id)
            return first
        while True:
            item = await self.queue.get()
            if item is None or item is HEARTBEAT or event_order(item.id) > self.seen:
                return item

    async def events(self) -> AsyncIterator[Delivered]:
        while (item := await self.get()) is not None:
            if item is not HEARTBEAT:
                yield item


def event_order(event_id: str) -> tuple[int, int]:
    """Stream ids `<ms>-<n>` in the order they were added."""
    head, _, tail = event_id.partition("-")
    try:
        return int(head), int(tail or 0)
    except ValueError:
        return (-1, -1)


HEARTBEAT = Delivered("", {"type": "heartbeat"})
"""Offered to every listener now and then, so an idle stream can send a keep-alive without a timer of its own."""


class FanOut:
    """The local listeners of one process."""

    def __init__(self) -> None:
        self.listeners: set[Subscription] = set()

    def publish(self, item: Delivered) -> None:
        for listener in tuple(self.listeners):
            listener.offer(item)

    def heartbeat(self) -> None:
        for listener in tuple(self.listeners):
            if not listener.overflowed:
                with contextlib.suppress(asyncio.QueueFull):
                    listener.queue.put_nowait(HEARTBEAT)


class CallBus(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def load(self, call_id: str) -> CallState | None:
        """The call's state (final segments not included when `full` is false on a remote bus)."""

    async def load_full(self, call_id: str) -> CallState | None:
        """The call's state with every final segment (for the transcript and the incident)."""

    async def commit(self, state: CallState, *, expected_version: int, events: list[Event]) -> bool:
        """Store `state` and publish `events` at once; False (nothing stored) if the call moved on."""

    async def live_ids(self) -> list[str]: ...

    async def subscribe(self, *, after: str | None = None,
                        keep: Callable[[Event], bool] | None = None) -> Subscription:
        """Events after `after` (an event id), then every new one, until `unsubscribe`."""

    def unsubscribe(self, subscription: Subscription) -> None: ...

    fanout: FanOut
