"""The call hub: the live side of the calls service, one per app process.

Per segment it screens the text (final customer turns), applies it to the call's state machine
and commits state and events to the bus at once; nothing on this path touches the database.
Calls are serialised per call id in this process (an asyncio lock) and across processes by the
bus's version check (a lost race reloads and applies again). A clock task every second prompts
the time limit and closes idle calls; an indexer follows every event, so any process knows
every call (the board, the clock) whichever process took its segments.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from sqlalchemy.orm import Session

from kasuhara import live
from kasuhara.calls_bus import HEARTBEAT, CallBus, Subscription
from kasuhara.errors import ConflictError, InputError, Message, NotFoundError, PermissionDeniedError
from kasuhara.live.loudness import WINDOW_SECONDS, pcm16_to_float, window_levels
from kasuhara.live.machine import ENDED
from kasuhara.live.model import CallInfo, CallState, Flag, Segment, field_problem
from kasuhara.live.policy import LivePolicy
from kasuhara.services import calls as calls_service
from kasuhara.store.models.users import User

Event = dict[str, Any]
POLICY_TTL_SECONDS = 30.0
HEARTBEAT_SECONDS = 15.0
MAX_BATCH = 500
UNKNOWN = Message("この通話は開始されていません (call.start を先に送ってください)",
                  "this call has not been started (send call.start first)")


def screen_flags(texts: Sequence[str]) -> list[list[Flag]]:
    """The screener's behaviours for each text, as flags (through the screener's public API)."""
    from kasuhara.screen import screen_texts

    return [[Flag(behaviour=b.id, score=b.score, reason=b.reason, evidence=tuple(e.text for e in b.evidence),
                  source=b.source)
             for b in result.behaviours] for result in screen_texts(list(texts))]


class ScreenBatcher:
    """Screens the final segments of every call in batches: no wait when the hub is idle (the first
    segment is screened at once), and under load the segments that arrived while one batch was being
    screened go together in the next (the screener is far cheaper per text in a batch)."""

    def __init__(self) -> None:
        self.pending: list[tuple[list[str], asyncio.Future[list[list[Flag]]]]] = []
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def screen(self, texts: list[str]) -> list[list[Flag]]:
        if not texts:
            return []
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        future: asyncio.Future[list[list[Flag]]] = asyncio.get_running_loop().create_future()
        self.pending.append((texts, future))
        self.wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            batch, self.pending = self.pending, []
            if not batch:
                continue
            texts = [t for group, _ in batch for t in group]
            try:
                flags = screen_flags(texts)
            except Exception as exc:  # never leave a segment waiting
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            at = 0
            for group, future in batch:
                if not future.done():
                    future.set_result(flags[at:at + len(group)])
                at += len(group)
            await asyncio.sleep(0)  # let the next segments in before the next batch

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()


@dataclass(frozen=True)
class Actor:
    """Who acts, detached from the request's session (the hub works in sessions of its own)."""

    id: int
    email: str
    role: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(id=user.id, email=user.email, role=user.role)

    def load(self, session: Session) -> User:
        user = session.get(User, self.id)
        if user is None or not user.is_active:
            raise PermissionDeniedError(Message("利用者が無効です", "this user is no longer active"))
        return user


@dataclass
class Known:
    """What this process knows of a call from the events it saw (enough for the clock and the board)."""

    summary: dict[str, Any]
    seen_at: float


class CallHub:
    def __init__(self, *, bus: CallBus, session_factory: Callable[[], Session],
                 clock: Callable[[], float] = time.time, tick_seconds: float = 1.0) -> None:
        self.bus = bus
        self.session_factory = session_factory
        self.clock = clock
        self.tick_seconds = tick_seconds
        self.locks: dict[str, asyncio.Lock] = {}
        self.index: dict[str, Known] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self._policy: tuple[float, LivePolicy, dict[str, dict[str, str]]] | None = None
        self._started = False
        self._start_lock = asyncio.Lock()
        self.screener = ScreenBatcher()

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        """A session that always ends its transaction (on SQLite that releases the writer lock)."""
        session = self.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    # --- life cycle ------------------------------------------------------------------------

    async def ensure_started(self) -> None:
        if self._started:
            return
        async with self._start_lock:
            if self._started:
                return
            await to_thread.run_sync(screen_flags, ["起動"])  # load the screener's model once, off the loop
            # What is loaded by now (the app, the knowledge base, the screener) lives as long as the
            # process: freezing it keeps the collector's full passes, which stop the event loop, short
            # (they walked all of it: pauses of ~200 ms under a thousand calls).
            gc.collect()
            gc.freeze()
            await self.bus.open()
            sub = await self.bus.subscribe()
            for call_id in await self.bus.live_ids():
                state = await self.bus.load(call_id)
                if state is not None:
                    self.index[call_id] = Known(state.summary(self.clock()), self.clock())
            self.tasks.append(asyncio.create_task(self._follow(sub)))
            if self.tick_seconds > 0:
                self.tasks.append(asyncio.create_task(self._clock()))
            self._started = True

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        self.screener.close()
        await self.bus.close()
        self._started = False

    async def _follow(self, sub: Subscription) -> None:
        """Keep the index; if this listener ever falls behind, it resumes from the last event it saw."""
        last: str | None = None
        while True:
            while (item := await sub.get()) is not None:
                if item is HEARTBEAT:
                    continue
                last = item.id
                self._index(item.event)
            self.bus.unsubscribe(sub)
            sub = await self.bus.subscribe(after=last)

    def _index(self, event: Event) -> None:
        summary = event.get("summary")
        call_id = event.get("call_id")
        if not call_id:
            return
        if summary is not None:
            self.index[call_id] = Known(summary, self.clock())
        elif call_id in self.index:
            self.index[call_id].seen_at = self.clock()
        if event.get("type") == "call.end":
            self.index.pop(call_id, None)
            self.locks.pop(call_id, None)

    async def _clock(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(self.tick_seconds)
            beats += 1
            if beats * self.tick_seconds >= HEARTBEAT_SECONDS:
                beats = 0
                self.bus.fanout.heartbeat()  # the event feeds send a keep-alive
            with contextlib.suppress(Exception):
                await self.tick_all()

    async def tick_all(self) -> int:
        """Apply the clock to every call that may be due (time prompts, idle close)."""
        policy, _ = await self.policy()
        now = self.clock()
        due = 0
        for call_id, known in list(self.index.items()):
            s = known.summary
            elapsed = now - s["started_at"]
            limit = s["time_limit_seconds"]
            prompts = set(s.get("time_prompts", ()))
            idle = now - max(s.get("last_activity_at", 0.0), known.seen_at) >= policy.idle_close_seconds
            time_due = (elapsed >= limit * policy.time_warning_share and "time_warning" not in prompts) or (
                elapsed >= limit and "time_limit" not in prompts)
            if idle or time_due:
                due += 1
                with contextlib.suppress(NotFoundError, ConflictError):
                    await self._apply(call_id, lambda st, p: live.tick(st, now=self.clock(), policy=p))
        return due

    # --- policy and the operator's words ---------------------------------------------------

    async def policy(self) -> tuple[LivePolicy, dict[str, dict[str, str]]]:
        now = time.monotonic()
        if self._policy is None or now - self._policy[0] > POLICY_TTL_SECONDS:
            def load() -> tuple[LivePolicy, dict[str, dict[str, str]]]:
                with self._session() as session:
                    p = calls_service.policy(session=session)
                    lines = calls_service.script_lines(session=session, policy_=p)
                    session.rollback()
                    return p, lines

            p, lines = await to_thread.run_sync(load)
            self._policy = (now, p, lines)
        return self._policy[1], self._policy[2]

    def forget_policy(self) -> None:
        self._policy = None

    # --- applying inputs -------------------------------------------------------------------

    def _lock(self, call_id: str) -> asyncio.Lock:
        lock = self.locks.get(call_id)
        if lock is None:
            lock = self.locks[call_id] = asyncio.Lock()
        return lock

    async def _apply(self, call_id: str, step: Callable[[CallState, LivePolicy], list[Event]], *,
                     always: bool = False) -> tuple[CallState, list[Event]]:
        """Load, apply, commit; on a lost race with another process, load again and retry."""
        policy, lines = await self.policy()
        async with self._lock(call_id):
            for _attempt in range(20):
                state = await self.bus.load(call_id)
                if state is None:
                    raise NotFoundError(UNKNOWN)
                before = state.version
                work = state.clone()
                events = step(work, policy)
                if not events and not always:
                    return work, []
                self._finish(work, events, lines)
                if await self.bus.commit(work, expected_version=before, events=events):
                    if any(e["type"] == "call.end" for e in events):
                        await self._record_end(call_id)
                    return work, events
                await asyncio.sleep(0.005)
            raise ConflictError(Message("通話の更新が混み合っています。もう一度送ってください",
                                        "the call is busy; send it again"))

    def _finish(self, state: CallState, events: list[Event], lines: dict[str, dict[str, str]]) -> None:
        """Every event names its site (for the board's filter); alerts carry the words to say."""
        for event in events:
            event["site_id"] = state.site_id
            alert = event.get("alert")
            if alert is not None and alert.get("script") and "say" not in alert:
                alert["say"] = lines.get(alert["script"], {})

    async def _record_end(self, call_id: str) -> None:
        full = await self.bus.load_full(call_id)
        if full is None:
            return

        def write() -> None:
            with self._session() as session:
                calls_service.record_end(session=session, state=full)
                session.commit()

        await to_thread.run_sync(write)

    async def start(self, *, actor: Actor, call_id: str, info: CallInfo) -> tuple[CallState, bool]:
        """`call.start`: a new call, or the same call resumed after a reconnect (returns resumed=True)."""
        await self.ensure_started()
        live.check_call_id(call_id)
        existing = await self.bus.load(call_id)
        if existing is not None:
            if existing.status != "live":
                raise ConflictError(ENDED)
            if existing.site_id != info.site_id:
                raise InputError([field_problem("call.site_id", "再接続の拠点が最初と違います",
                                                  "a resumed call must keep its site")])
            return existing, True

        _, lines = await self.policy()
        async with self._lock(call_id):
            again = await self.bus.load(call_id)
            if again is not None:
                return again, True

            def open_call() -> tuple[CallState, list[Event]]:
                """The context, the new state and its row, in one transaction on one worker thread."""
                with self._session() as session:
                    user = actor.load(session)
                    ctx = calls_service.start_context(session=session, actor=user, info=info)
                    state, events = live.start(call_id, info, customer_status=ctx.customer_status,
                                               now=self.clock(), time_limit_seconds=ctx.time_limit_seconds,
                                               policy=ctx.policy)
                    calls_service.record_start(session=session, actor=user, state=state,
                                               customer_id=ctx.customer_id)
                    session.commit()
                    return state, events

            state, events = await to_thread.run_sync(open_call)
            self._finish(state, events, lines)
            if not await self.bus.commit(state, expected_version=0, events=events):
                raise ConflictError(Message("この通話IDはすでに使われています", "this call id was already used"))
            return state, False

    async def segments(self, *, call_id: str, segments: Sequence[Segment]) -> CallState:
        """Apply segments in order, all or none; final customer turns are screened first."""
        if not segments:
            return await self._require(call_id)
        if len(segments) > MAX_BATCH:
            raise InputError([field_problem("segments", f"一度に送れるのは{MAX_BATCH}件までです",
                                              f"at most {MAX_BATCH} segments at once")])
        texts = [s.text for s in segments if s.is_final and s.speaker == "customer" and s.text]
        flags = iter(await self.screener.screen(texts))
        per_segment = [next(flags) if (s.is_final and s.speaker == "customer" and s.text) else [] for s in segments]

        def step(state: CallState, policy: LivePolicy) -> list[Event]:
            events: list[Event] = []
            for seg, seg_flags in zip(segments, per_segment, strict=True):
                events += live.add_segment(state, seg, seg_flags, now=self.clock(), policy=policy)
            return events

        state, _ = await self._apply(call_id, step)
        return state

    async def audio(self, *, call_id: str, frame: bytes, at: float) -> CallState:
        """One 16 kHz mono 16-bit PCM frame starting `at` seconds into the call."""
        samples = pcm16_to_float(frame)
        levels = [float(x) for x in window_levels(samples)]
        state, _ = await self._apply(call_id, lambda st, p: live.add_levels(
            st, levels, window_seconds=WINDOW_SECONDS, at=at, now=self.clock(), policy=p), always=True)
        return state

    async def end(self, *, call_id: str) -> CallState:
        state, _ = await self._apply(call_id, lambda st, p: live.end(st, now=self.clock(), reason="ended"))
        return state

    async def call_supervisor(self, *, actor: Actor, call_id: str) -> CallState:
        await self._check(actor, call_id, calls_service.SCREEN_ROLES)
        state, _ = await self._apply(call_id, lambda st, p: live.call_supervisor(st, by=actor.email, now=self.clock()))
        return state

    async def decide(self, *, actor: Actor, call_id: str, action: str, alert_id: str | None = None,
                     note: str = "") -> CallState:
        """A supervisor's decision on a live call, recorded in the audit log with who and when."""
        await self._check(actor, call_id, calls_service.BOARD_ROLES)
        state, events = await self._apply(call_id, lambda st, p: live.decide(
            st, action=action, by=actor.email, now=self.clock(), alert_id=alert_id, note=note[:500]))
        decision = next(e["decision"] for e in events if e["type"] == "decision")

        def record() -> None:
            with self._session() as session:
                calls_service.record_decision(session=session, actor=actor.load(session), call_id=call_id, decision=decision)
                session.commit()

        await to_thread.run_sync(record)
        return state

    async def _require(self, call_id: str) -> CallState:
        state = await self.bus.load(call_id)
        if state is None:
            raise NotFoundError(UNKNOWN)
        return state

    async def _check(self, actor: Actor, call_id: str, roles: frozenset[str]) -> CallState:
        state = await self._require(call_id)

        def check() -> None:
            with self._session() as session:
                calls_service.check_site_access(session=session, actor=actor.load(session), site_id=state.site_id, roles=roles)
                session.rollback()

        await to_thread.run_sync(check)
        return state

    async def read(self, *, actor: Actor, call_id: str) -> CallState:
        """A live call with its whole transcript (the operator's screen)."""
        await self.ensure_started()
        await self._check(actor, call_id, calls_service.SCREEN_ROLES)
        state = await self.bus.load_full(call_id)
        if state is None:
            raise NotFoundError(UNKNOWN)
        return state

    async def board(self, *, sites: set[int] | None) -> list[dict[str, Any]]:
        """Live calls at these sites (None = all), riskiest first."""
        await self.ensure_started()
        now = self.clock()
        rows = []
        for known in self.index.values():
            s = dict(known.summary)
            if s.get("status") != "live" or (sites is not None and s["site_id"] not in sites):
                continue
            s["duration_seconds"] = round(now - s["started_at"], 1)
            rows.append(s)
        rows.sort(key=lambda s: (-s["risk"], -s["duration_seconds"]))
        return rows

