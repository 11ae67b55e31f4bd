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


def release_writer(session: Session) -> None:
    """End a read-only SQLite transaction so the single writer lock is not held across a thread hop.

    A request's dependencies and its view may run on different thread-pool threads. If a dependency
    (authentication) left its transaction open, the writer lock would stay held while that request
    waits for a free thread, and with more waiting requests than threads every thread would sit
    waiting for the lock: a stall until the busy timeout. Committing here (nothing is pending: it
    only ends the transaction) lets the view take the lock in the thread that also commits it.
    Server databases need no such step and are left alone (it would cost a round trip).
    """
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (views return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
