"""A background loop that rewrites anonymous consultation rows at random moments (PostgreSQL).

On PostgreSQL every row version carries the id of the transaction that wrote it (`xmin`). Those
ids grow with every transaction, so an anonymous row's `xmin` placed between two audited
transactions would date it within seconds. Every one to ten minutes (a random wait each time) this
loop rewrites all anonymous rows in one transaction and vacuums the two tables, so their `xmin` is
the loop's and says only "created before this rewrite". SQLite has no such ids (and its row order is
scattered when the row is written), so the loop does not run there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

MIN_WAIT_SECONDS = 60
MAX_WAIT_SECONDS = 600
_log = logging.getLogger(__name__)


def restamp_once(session_factory: Callable[[], Session], engine: Engine) -> None:
    from kasuhara.services.consultations import restamp_anonymous

    with session_factory() as session:
        restamp_anonymous(session)
        session.commit()
    # The old row versions still hold the old ids until vacuumed.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM consultations, consultation_messages"))


async def _loop(session_factory: Callable[[], Session], engine: Engine) -> None:
    while True:
        wait = MIN_WAIT_SECONDS + secrets.randbelow(MAX_WAIT_SECONDS - MIN_WAIT_SECONDS)
        await asyncio.sleep(wait)
        try:
            await asyncio.to_thread(restamp_once, session_factory, engine)
        except Exception:  # a busy or restarting database: try again at the next moment
            _log.warning("anonymous-row restamp failed; retrying later", exc_info=True)


def start(session_factory: Callable[[], Session], engine: Engine) -> asyncio.Task[None] | None:
    if engine.dialect.name != "postgresql":
        return None
    return asyncio.get_running_loop().create_task(_loop(session_factory, engine))


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
