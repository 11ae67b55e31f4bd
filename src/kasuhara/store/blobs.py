"""Evidence content storage behind a small interface (`put`, `open`, `delete`).

The local implementation writes into `<root>/tmp/`, hashing as it goes, flushes to disk, and
only then renames the file into place, so a reader never sees half a file. The database row is
written in the same request; if that transaction fails the service deletes the file again, and
`sweep()` (run when the app starts) removes temporary files and files no row points at, left by a
process that was killed between the two steps. An object store can implement the same protocol.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024
HEAD_BYTES = 8192


class BlobTooLargeError(Exception):
    """The stream was longer than the limit; nothing was kept."""


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str
    head: bytes
    """The first bytes, for content-type sniffing."""


class EvidenceStore(Protocol):
    def put(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def sweep(self, known_keys: Iterable[str], *, older_than_seconds: float = 3600) -> list[str]: ...

    def settle(self, key: str) -> None: ...


IN_FLIGHT_MAX_SECONDS = 3600
"""A stored file whose row this process has not yet committed is never swept, up to this age."""


class LocalEvidenceStore:
    """Files under `root/<2 hex>/<key>`; keys are random, never derived from user input."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self._in_flight: dict[str, float] = {}
        self._lock = threading.Lock()

    def settle(self, key: str) -> None:
        """The row of `key` was committed or the upload abandoned: a normal sweep candidate again."""
        with self._lock:
            self._in_flight.pop(key, None)

    def in_flight(self) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {k for k, started in self._in_flight.items() if now - started < IN_FLIGHT_MAX_SECONDS}

    def _path(self, key: str) -> Path:
        if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key[:2] / key

    def put(self, stream: BinaryIO, *, max_bytes: int) -> StoredBlob:
        self.tmp.mkdir(parents=True, exist_ok=True)
        key = uuid.uuid4().hex
        with self._lock:
            self._in_flight[key] = time.monotonic()
        tmp_path = self.tmp / f"{key}.part"
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            with open(tmp_path, "xb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise BlobTooLargeError(f"more than {max_bytes} bytes")
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            final = self._path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_path, final)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            self.settle(key)
            raise
        return StoredBlob(key=key, size=size, sha256=digest.hexdigest(), head=head)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def path(self, key: str) -> Path:
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self.settle(key)

    def candidates(self, *, older_than_seconds: float) -> list[Path]:
        """Files old enough to sweep if no row names them (listed before the rows are read)."""
        if not self.root.exists():
            return []
        cutoff = time.time() - older_than_seconds
        busy = self.in_flight()
        found = []
        for path in self.root.glob("*/*"):
            name = path.name.removesuffix(".part")
            if path.is_file() and path.stat().st_mtime <= cutoff and name not in busy:
                found.append(path)
        return found

    def sweep(self, known_keys: Iterable[str], *, older_than_seconds: float = 3600,
              candidates: list[Path] | None = None) -> list[str]:
        """Delete leftovers older than the cut-off: temporary parts and files without a row.

        Never a file this process is still committing (`in_flight`). Pass `candidates` listed
        *before* `known_keys` were read, so a row committed in between still protects its file.
        """
        known = set(known_keys)
        removed: list[str] = []
        listed = candidates if candidates is not None else self.candidates(older_than_seconds=older_than_seconds)
        for path in listed:
            if path.parent == self.tmp or path.name not in known:
                path.unlink(missing_ok=True)
                removed.append(str(path.relative_to(self.root)))
        return removed
