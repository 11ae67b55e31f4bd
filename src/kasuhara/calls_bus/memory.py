"""The embedded bus: state in a dict, events to this process's listeners, a replay window.

Nothing to start and nothing shared: one app process. Calls are lost when the process stops
(the database keeps each call's row and, once it ended, its transcript). Final segments are kept
apart from the state as JSON text, as the Redis bus keeps them: a thousand long calls would
otherwise be hundreds of thousands of small objects for the garbage collector to walk (pauses of
hundreds of milliseconds); a string is not even tracked by it.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable

from kasuhara.calls_bus.base import Delivered, Event, FanOut, Subscription, event_order
from kasuhara.live.model import CallState

REPLAY = 20_000


class MemoryBus:
    def __init__(self) -> None:
        self.states: dict[str, CallState] = {}
        self.segments: dict[str, list[str]] = {}
        self.fanout = FanOut()
        # The replay window as (id, JSON) pairs: strings, not thousands of nested dicts for the collector.
        self.recent: deque[tuple[str, str]] = deque(maxlen=REPLAY)
        self.counter = 0

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        for listener in tuple(self.fanout.listeners):
            listener.end()
        self.fanout.listeners.clear()

    async def load(self, call_id: str) -> CallState | None:
        return self.states.get(call_id)

    async def load_full(self, call_id: str) -> CallState | None:
        state = self.states.get(call_id)
        if state is None:
            return None
        full = state.clone()
        full.segments = [json.loads(s) for s in self.segments.get(call_id, ())]
        return full

    async def commit(self, state: CallState, *, expected_version: int, events: list[Event]) -> bool:
        current = self.states.get(state.call_id)
        if current is not None and current is not state and current.version != expected_version:
            return False
        if state.segments:
            self.segments.setdefault(state.call_id, []).extend(
                json.dumps(seg, ensure_ascii=False) for seg in state.segments)
            state.segments = []
        self.states[state.call_id] = state
        for event in events:
            self.counter += 1
            item = Delivered(f"0-{self.counter}", event)
            self.recent.append((item.id, item.json()))
            self.fanout.publish(item)
        return True

    async def live_ids(self) -> list[str]:
        return [k for k, s in self.states.items() if s.status == "live"]

    async def forget(self, call_id: str) -> None:
        self.states.pop(call_id, None)
        self.segments.pop(call_id, None)

    async def subscribe(self, *, after: str | None = None,
                        keep: Callable[[Event], bool] | None = None) -> Subscription:
        sub = Subscription(keep)
        if after:
            since = event_order(after)
            for event_id, text in self.recent:
                if event_order(event_id) > since:
                    item = Delivered(event_id, json.loads(text), text)
                    if keep is None or keep(item.event):
                        sub.prefix.append(item)
        self.fanout.listeners.add(sub)
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        self.fanout.listeners.discard(subscription)
