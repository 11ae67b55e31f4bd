"""Engine and session factory, built on demand (never at import).

SQLite is the embedded default: foreign keys on, WAL journal, a busy timeout, and every
transaction opened with `BEGIN IMMEDIATE`. Almost every request writes (reads of a case are
audited), and a deferred SQLite transaction that later upgrades to a writer fails at once
instead of waiting; taking the write lock up front makes writers queue instead of erroring.
Within one process the queue is a `threading.Lock` taken before `BEGIN`: SQLite's own busy
handler polls with sleeps of up to 100 ms, which would dominate the latency under load.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_SECONDS = 30
PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled server connection is pinged before reuse only when it sat idle at least this long."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; for a SQLite file the parent folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        engine = create_engine(url, **kwargs)
        _ping_idle_connections(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:  # an in-memory database has one connection per thread: no pool to size
        kwargs.pop("pool_size", None)
        kwargs.pop("max_overflow", None)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        **kwargs,
    )
    _configure_sqlite(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Pessimistic disconnect handling without a round trip on every checkout.

    `pool_pre_ping` sends a query each time a request takes a connection, one of the nine round
    trips of an incident report. A connection handed back a moment ago is alive as far as any ping
    could tell; one that sat idle (where a database restart or a dropped socket shows up) is pinged,
    and a dead one is replaced before the request uses it.
    """
    returned = "kasuhara.returned_at"

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi: Any, record: Any) -> None:
        record.info[returned] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(returned)
        if last is None or time.monotonic() - last < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected) or just handed back
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # the pool discards this connection and checks out another
            raise exc.DisconnectionError() from error


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    writer = threading.Lock()
    held = "kasuhara.sqlite_writer"

    def _release(info: dict[str, Any]) -> None:
        if info.pop(held, False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not conn.info.get(held):
            if not writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_SECONDS):
                raise TimeoutError(
                    "SQLiteの書き込み待ちが時間切れになりました / timed out waiting for the SQLite writer"
                )
            conn.info[held] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    # The events fire before SQLAlchemy's own commit/rollback: end the transaction here, then let
    # the next writer in (the driver's commit/rollback that follows is a no-op outside a transaction).
    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        try:
            conn.connection.dbapi_connection.execute("COMMIT")
        finally:
            _release(conn.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        try:
            dbapi = conn.connection.dbapi_connection
            if dbapi.in_transaction:
                dbapi.execute("ROLLBACK")
        finally:
            _release(conn.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi: Any, record: Any) -> None:
        _release(record.info)


_FLUSHED = "kasuhara.flushed"
PENDING_INFO_KEYS = ("kasuhara.audit.pending",)
"""`session.info` keys of work queued for the next commit (audit entries): such a session is rolled back."""


@event.listens_for(Session, "after_flush")
def _mark_flushed(session: Session, _context: Any) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _clear_flushed(session: Session, *_args: Any) -> None:
    session.info.pop(_FLUSHED, None)


def release_connection(session: Session) -> None:
    """End the session's transaction so no lock or connection is held across a thread hop.

    A request's dependencies, its view and its response serialisation may run on different
    thread-pool threads. If a step left its transaction open, the request would keep the SQLite
    writer lock or a pooled PostgreSQL connection while it waits for a free thread; with more
    waiting requests than threads every thread then waits for a lock or a connection that only a
    waiting request can give back: a stall until the busy or pool timeout (PostgreSQL answered
    500 under 70 requests). A clean transaction is committed (it only ends it; loaded objects stay
    usable); one with unflushed, flushed-but-uncommitted or queued work is rolled back, which is
    what the request's clean-up would have done anyway.
    """
    if not session.in_transaction():
        return
    pending = session.new or session.dirty or session.deleted or session.info.get(_FLUSHED)
    if pending or any(session.info.get(key) for key in PENDING_INFO_KEYS):
        session.rollback()
    else:
        session.commit()


def end_if_clean(session: Session) -> bool:
    """Commit a transaction that holds nothing to write (ending it, and its lock); False if it has work.

    For a long step between two parts of a request (storing an upload): a clean transaction is
    ended so no lock is held during it; one with pending or flushed work is left alone.
    """
    if not session.in_transaction():
        return True
    pending = session.new or session.dirty or session.deleted or session.info.get(_FLUSHED)
    if pending or any(session.info.get(key) for key in PENDING_INFO_KEYS):
        return False
    session.commit()
    return True


release_writer = release_connection
"""The former name (SQLite only needed it first)."""


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
