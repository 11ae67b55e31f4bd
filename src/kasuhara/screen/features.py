"""Hashed character n-gram features, computed for a whole batch at once in numpy.

The same function feeds training (`scripts/train_screen.py`) and inference, so the two cannot
drift apart. Character n-grams need no tokenizer, work the same for Japanese and English, and
survive the spelling games normalisation does not catch. The hash is a fixed polynomial (not
Python's salted `hash`), so a model trained once scores the same in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

NGRAM_ORDERS: tuple[int, ...] = (1, 2, 3, 4)
_BOUNDARY = 0x02
_SEPARATOR = 0x03
_MULT = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Hashed:
    """For a batch: the bucket of every n-gram occurrence, the document it belongs to, and counts."""

    buckets: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]  # n-gram occurrences per document (for length normalisation)
    starts: npt.NDArray[np.int64]  # where each n-gram starts in its text (-1: on the leading mark)
    ends: npt.NDArray[np.int64]  # where it ends (len(text) + 1: on the trailing mark)


def hash_batch(texts: Sequence[str], n_buckets: int, orders: Sequence[int] = NGRAM_ORDERS) -> Hashed:
    """Hash the character n-grams of every text; `n_buckets` must be a power of two."""
    n_docs = len(texts)
    if n_docs == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Hashed(empty, empty, empty, empty, empty)
    joined = "".join(f"\x02{t}\x02\x03" for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 3 for t in texts), dtype=np.int64, count=n_docs)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    doc_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pos_in_doc = np.arange(len(doc_of), dtype=np.int64) - doc_start[doc_of] - 1
    is_sep = codes == _SEPARATOR
    mask = np.uint64(n_buckets - 1)
    all_buckets: list[npt.NDArray[np.int64]] = []
    all_docs: list[npt.NDArray[np.int64]] = []
    all_starts: list[npt.NDArray[np.int64]] = []
    all_ns: list[npt.NDArray[np.int64]] = []
    total = len(codes)
    with np.errstate(over="ignore"):
        for n in orders:
            if total < n:
                continue
            h = np.full(total - n + 1, np.uint64(n) * _MIX, dtype=np.uint64)
            bad = np.zeros(total - n + 1, dtype=bool)
            for k in range(n):
                part = codes[k : total - n + 1 + k]
                h = (h ^ part) * _MULT
                bad |= is_sep[k : total - n + 1 + k]
            if n == 1:  # a lone boundary mark says nothing
                bad |= codes[: total] == _BOUNDARY
            h ^= h >> np.uint64(29)
            h *= _MIX
            h ^= h >> np.uint64(32)
            keep = ~bad
            all_buckets.append((h[keep] & mask).astype(np.int64))
            all_docs.append(doc_of[: total - n + 1][keep])
            starts = pos_in_doc[: total - n + 1][keep]
            all_starts.append(starts)
            all_ns.append(np.full(len(starts), n, dtype=np.int64))
    if not all_buckets:
        empty = np.zeros(0, dtype=np.int64)
        return Hashed(empty, empty, np.zeros(n_docs, dtype=np.int64), empty, empty)
    buckets = np.concatenate(all_buckets)
    docs = np.concatenate(all_docs)
    order = np.argsort(docs, kind="stable")
    buckets, docs = buckets[order], docs[order]
    starts = np.concatenate(all_starts)[order]
    ends = starts + np.concatenate(all_ns)[order]
    counts = np.bincount(docs, minlength=n_docs).astype(np.int64)
    return Hashed(buckets=buckets, docs=docs, counts=counts, starts=starts, ends=ends)



def ngram_spans(
    text: str, n_buckets: int, orders: Sequence[int] = NGRAM_ORDERS
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Bucket, start and end (in `text`) of each n-gram of one text: to show which words drove a score.

    Uses the same hashing as `hash_batch`; n-grams touching the boundary marks are left out, since
    they cannot be shown as words of the text.
    """
    codes = np.frombuffer(f"\x02{text}\x02".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    total = len(codes)
    mask = np.uint64(n_buckets - 1)
    buckets: list[npt.NDArray[np.int64]] = []
    starts: list[npt.NDArray[np.int64]] = []
    ends: list[npt.NDArray[np.int64]] = []
    with np.errstate(over="ignore"):
        for n in orders:
            if total < n:
                continue
            h = np.full(total - n + 1, np.uint64(n) * _MIX, dtype=np.uint64)
            for k in range(n):
                h = (h ^ codes[k : total - n + 1 + k]) * _MULT
            h ^= h >> np.uint64(29)
            h *= _MIX
            h ^= h >> np.uint64(32)
            first = np.arange(total - n + 1, dtype=np.int64)
            inside = (first >= 1) & (first + n <= total - 1)
            buckets.append((h[inside] & mask).astype(np.int64))
            starts.append(first[inside] - 1)
            ends.append(first[inside] - 1 + n)
    if not buckets:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(buckets), np.concatenate(starts), np.concatenate(ends)
