"""ADAPTER. Where live-call state sits and how its events fan out: in this process, or Redis.

`make_bus(url)`: an empty URL gives the embedded `MemoryBus` (one process, nothing to start);
`redis://...` gives `RedisBus` (several app processes share call state and every event).
Both implement `CallBus`: `load`, `commit` (the new state and its events, atomically, only if
nobody changed the call since it was loaded), `live_ids`, and `subscribe(after=...)` which
replays events after an event id (a reconnecting board misses nothing) and then follows new ones.
"""

from kasuhara.calls_bus.base import HEARTBEAT, CallBus, Delivered, Subscription
from kasuhara.calls_bus.memory import MemoryBus


def make_bus(url: str) -> CallBus:
    if not url:
        return MemoryBus()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from kasuhara.calls_bus.redis import RedisBus

        return RedisBus(url)
    from kasuhara.errors import FieldProblem, InputError, Message

    raise InputError([FieldProblem("live_broker_url", Message(
        "redis:// で始まるURLか空にしてください", "must be empty (embedded) or a redis:// URL"))])


__all__ = ["HEARTBEAT", "CallBus", "Delivered", "MemoryBus", "Subscription", "make_bus"]
