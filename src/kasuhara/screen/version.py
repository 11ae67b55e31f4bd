"""Which screener produced a result: a short digest of the packaged model, rules and anchors.

Recorded on every stored judgment, so a finding on a case can be traced to the exact model and
threshold table that made it, and two pages can be checked to have used the same one.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from kasuhara import __version__


@cache
def screener_version() -> str:
    """`<package version>+<12 hex digits>` over the sorted files of `kasuhara/screen/data/` (computed once)."""
    digest = hashlib.sha256()
    data = resources.files("kasuhara.screen").joinpath("data")
    for item in sorted(data.iterdir(), key=lambda entry: entry.name):
        if not item.is_file() or item.name.startswith("."):
            continue
        digest.update(item.name.encode("utf-8") + b"\0")
        digest.update(item.read_bytes())
        digest.update(b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"
