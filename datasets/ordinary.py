"""Ordinary Japanese speech from the shared corpora, split into fixed parts by dialogue / document id.

The split is a rule, committed here, not a list: a dialogue (RealPersonaChat `dialogue_id`) or a
document (ASDC `doc_id`) goes to a part by the first 8 hex digits of SHA-1 of `"<corpus>:<id>"`:

    value % 100 <  10   -> "report"     held out: scored by evaluation/screen_eval.py, never tuned on
    value % 100 <  20   -> "calibrate"  Platt scaling and thresholds (false alarms on ordinary speech)
    otherwise           -> "train"      negatives for fitting the model

Every utterance of one dialogue lands in the same part, so a dialogue's topic cannot leak from
training into the report. The corpora live beside the repository (`../shared/data/screening`,
read-only); nothing here is shipped. Standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path


def find_shared() -> Path:
    """`$KASUHARA_SHARED_DATA`, else `shared/data/screening` beside the clone or beside any folder above it
    (a git worktree sits one level deeper than the clone CI makes)."""
    env = os.environ.get("KASUHARA_SHARED_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[1]
    for folder in here.parents:
        candidate = folder / "shared" / "data" / "screening"
        if candidate.is_dir():
            return candidate
    return here.parent / "shared" / "data" / "screening"


SHARED = find_shared()
CORPORA: dict[str, tuple[str, str]] = {
    # name -> (folder, id column)
    "realpersonachat": ("ja_realpersonachat", "dialogue_id"),
    "asdc": ("ja_asdc", "doc_id"),
}
PARTS = ("train", "calibrate", "report")


def part_of(corpus: str, group_id: str) -> str:
    """The fixed part of one dialogue or document."""
    value = int(hashlib.sha1(f"{corpus}:{group_id}".encode()).hexdigest()[:8], 16) % 100
    if value < 10:
        return "report"
    if value < 20:
        return "calibrate"
    return "train"


def load(corpus: str, part: str, shared: Path = SHARED) -> list[str]:
    """The utterances of one corpus in one part, in file order."""
    if corpus not in CORPORA or part not in PARTS:
        raise ValueError(f"unknown corpus/part {corpus!r}/{part!r}")
    folder, column = CORPORA[corpus]
    with (shared / folder / "data.csv").open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh) if row["text"].strip() and part_of(corpus, row[column]) == part]


def available(shared: Path = SHARED) -> bool:
    """True when both corpora are beside the repository."""
    return all((shared / folder / "data.csv").exists() for folder, _ in CORPORA.values())
