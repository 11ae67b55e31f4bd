"""The audit log's seal: a key outside the database and signed checkpoints of the chain's head.

A hash chain alone proves nothing to someone who can write the database: they can delete the
last rows, or edit a row and recompute every later hash with the published formula. So:

- rows are chained with HMAC-SHA256 under a key that is not in the database (the setting
  `audit_key` / `KASUHARA_AUDIT_KEY`, or `<data_dir>/audit.key`, created with mode 0600 on first
  start), so a rewritten row cannot be given a valid hash without the key;
- after every commit that adds rows, a checkpoint `{seq, hash}` of the new head, signed with the
  same key, is appended to a file outside the database (`audit_checkpoint_file`, by default
  `<data_dir>/audit-checkpoints.jsonl`; point it at an append-only mount or another host), so
  deleting the newest rows shows as a head older than the last checkpoint.

Upgrade path: a database whose chain predates the key keeps its old rows under the old
formula; every row from the first keyed one on must be keyed (an unkeyed row after a keyed one is
tampering), and the first checkpoint, written when the key is first used, seals the old head so
the old rows cannot be rewritten either. Each checkpoint names its database (a digest of the
URL without password), so one data directory's file can serve a test run's many databases.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from kasuhara.errors import FieldProblem, InputError, Message

KEY_FILE = "audit.key"
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    db: str
    at: str
    mac: str

    def body(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash, "db": self.db, "at": self.at},
                          sort_keys=True, separators=(",", ":"))


class CheckpointStore(Protocol):
    """Somewhere append-only outside the database."""

    def append(self, line: str) -> None: ...

    def lines(self) -> list[str]: ...


class FileCheckpointStore:
    """One JSON line per checkpoint; each append is a single write to a file opened for appending."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = (line + "\n").encode("utf-8")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def lines(self) -> list[str]:
        if not self.path.exists():
            return []
        return [line for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]


def database_id(url: str) -> str:
    """Which database a checkpoint belongs to: a digest of its URL without the password."""
    from sqlalchemy.engine import make_url

    return hashlib.sha256(make_url(url).render_as_string(hide_password=True).encode()).hexdigest()[:16]


@dataclass
class Seal:
    key: bytes
    store: CheckpointStore
    db: str

    def sign(self, body: str) -> str:
        return hmac.new(self.key, body.encode("utf-8"), hashlib.sha256).hexdigest()

    def checkpoint(self, *, seq: int, digest: str, at: str) -> None:
        body = Checkpoint(seq, digest, self.db, at, "").body()
        self.store.append(json.dumps({**json.loads(body), "mac": self.sign(body)}, sort_keys=True))

    def read(self) -> list[Checkpoint | int]:
        """This database's checkpoints in file order; an int is the line number of a line that is
        not validly signed (an edited or forged checkpoint)."""
        found: list[Checkpoint | int] = []
        for number, line in enumerate(self.store.lines(), start=1):
            try:
                data = json.loads(line)
                cp = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["db"]), str(data["at"]),
                                str(data["mac"]))
            except (ValueError, KeyError, TypeError):
                found.append(number)
                continue
            if cp.db != self.db:
                continue
            found.append(cp if hmac.compare_digest(cp.mac, self.sign(cp.body())) else number)
        return found


_SEALS: weakref.WeakKeyDictionary[Engine, Seal] = weakref.WeakKeyDictionary()


def seal_for(engine: Engine) -> Seal | None:
    return _SEALS.get(engine)


def register(engine: Engine, seal: Seal) -> None:
    _SEALS[engine] = seal


def load_key(*, configured: str | None, data_dir: Path, create: bool) -> bytes | None:
    """The setting if given, else `<data_dir>/audit.key` (created 0600 when `create`)."""
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise InputError([FieldProblem("audit_key", Message(
                f"KASUHARA_AUDIT_KEY は{MIN_KEY_LENGTH}文字以上にしてください",
                f"KASUHARA_AUDIT_KEY must be at least {MIN_KEY_LENGTH} characters"))])
        return configured.encode("utf-8")
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    if not create:
        return None
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # a sibling worker made it first
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key.encode("utf-8")


def keyed_hash(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
