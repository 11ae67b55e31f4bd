"""The statistical model: linear weights over hashed character n-grams, scored with numpy alone.

Weights are int8 with one scale per output, stored in `data/model.npz` (written by
`scripts/train_screen.py`), loaded lazily once per process. Outputs are `flag` (any harassment)
and one per behaviour, each a probability calibrated (Platt scaling, folded into scale and bias)
on development data mixed with ordinary Japanese speech. The decision thresholds are one table,
`data/thresholds.json`, per language: see docs/screen.md for how they were chosen.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from kasuhara.screen.features import Hashed, hash_batch
from kasuhara.screen.rules import BEHAVIOURS

_CHUNK = 512
_LOCK = threading.Lock()
_MODEL: Model | None = None
_THRESHOLDS: dict[tuple[int, str, str], float] = {}


@dataclass(frozen=True)
class NGrams:
    """The n-grams of one text: hash bucket and [start, end) in the text as scored."""

    buckets: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]


@dataclass(frozen=True)
class BatchNGrams:
    """The n-grams of a scored batch, kept whole; `batch[i]` cuts out those of text i."""

    chunks: tuple[tuple[Hashed, list[int]], ...]  # per chunk of `_CHUNK` texts: n-grams, per-text bounds
    size: int

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> NGrams:
        if not 0 <= index < self.size:
            raise IndexError(index)
        chunk, i = divmod(index, _CHUNK)
        hashed, bounds = self.chunks[chunk]
        a, b = bounds[i], bounds[i + 1]
        return NGrams(hashed.buckets[a:b], hashed.starts[a:b], hashed.ends[a:b])


@dataclass(frozen=True)
class Model:
    """Loaded weights and what they mean."""

    weights: npt.NDArray[np.int8]  # (n_buckets, n_outputs)
    scales: npt.NDArray[np.float32]  # (n_outputs,)
    bias: npt.NDArray[np.float32]  # (n_outputs,)
    outputs: tuple[str, ...]
    orders: tuple[int, ...]
    thresholds: dict[str, npt.NDArray[np.float32]]  # lang -> (n_outputs,)
    version: str

    @property
    def n_buckets(self) -> int:
        return int(self.weights.shape[0])

    def threshold(self, lang: str, output: str) -> float:
        """The decision threshold of one output for one language (English's for any other)."""
        key = (lang if lang in self.thresholds else "en", output)
        cached = _THRESHOLDS.get((id(self), *key))
        if cached is None:
            cached = float(self.thresholds[key[0]][self.outputs.index(output)])
            _THRESHOLDS[(id(self), *key)] = cached
        return cached

    def predict(self, folded_texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities, shape (len(texts), n_outputs)."""
        return self.predict_with_ngrams(folded_texts)[0]

    def predict_with_ngrams(self, folded_texts: Sequence[str]) -> tuple[npt.NDArray[np.float32], list[NGrams]]:
        """Probabilities and, per text, its n-grams (bucket, start, end) for explaining a score."""
        probs, batch = self.predict_lazy(folded_texts)
        return probs, [batch[i] for i in range(len(batch))]

    def predict_lazy(self, folded_texts: Sequence[str]) -> tuple[npt.NDArray[np.float32], BatchNGrams]:
        """`predict_with_ngrams`, with each text's n-grams cut out only when asked for (few ever are)."""
        out = np.zeros((len(folded_texts), len(self.outputs)), dtype=np.float32)
        chunks: list[tuple[Hashed, list[int]]] = []
        for lo in range(0, len(folded_texts), _CHUNK):
            chunk = folded_texts[lo : lo + _CHUNK]
            hashed = hash_batch(chunk, self.n_buckets, self.orders)
            out[lo : lo + len(chunk)] = self._predict_chunk(hashed, len(chunk))
            chunks.append((hashed, np.concatenate(([0], np.cumsum(hashed.counts))).tolist()))
        return out, BatchNGrams(tuple(chunks), len(folded_texts))

    def _predict_chunk(self, hashed: Hashed, n_texts: int) -> npt.NDArray[np.float32]:
        n = n_texts
        sums = np.zeros((n, len(self.outputs)), dtype=np.float32)
        if len(hashed.buckets):
            rows = self.weights[hashed.buckets].astype(np.float32)
            starts = np.concatenate(([0], np.cumsum(hashed.counts)[:-1]))
            nonempty = hashed.counts > 0
            reduced = np.add.reduceat(rows, starts[nonempty], axis=0)
            sums[nonempty] = reduced
        norm = np.sqrt(np.maximum(hashed.counts, 1)).astype(np.float32)[:, None]
        logits = sums * self.scales[None, :] / norm + self.bias[None, :]
        probs: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)
        return probs


def load_thresholds(outputs: Sequence[str]) -> tuple[dict[str, npt.NDArray[np.float32]], str]:
    """The threshold table (`data/thresholds.json`): per language, one threshold per output."""
    path = resources.files("kasuhara.screen").joinpath("data", "thresholds.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, npt.NDArray[np.float32]] = {}
    for lang, values in data["thresholds"].items():
        missing = [o for o in outputs if o not in values]
        if missing:
            raise RuntimeError(f"thresholds.json: language {lang!r} has no threshold for {missing}")
        table[str(lang)] = np.array([float(values[o]) for o in outputs], dtype=np.float32)
    if "en" not in table:
        raise RuntimeError("thresholds.json: an `en` table is needed (used for every language without its own)")
    return table, str(data.get("model_version", ""))


def _load() -> Model:
    path = resources.files("kasuhara.screen").joinpath("data", "model.npz")
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        outputs = tuple(str(x) for x in data["outputs"])
        if outputs != ("flag", *BEHAVIOURS):
            raise RuntimeError(f"model.npz outputs {outputs} do not match the behaviour ids; retrain the model")
        version = str(data["version"])
        thresholds, for_version = load_thresholds(outputs)
        if for_version and for_version != version:
            raise RuntimeError(f"thresholds.json is for model {for_version}, model.npz is {version}; retrain the model")
        return Model(
            weights=np.ascontiguousarray(data["weights"]).astype(np.int8),
            scales=data["scales"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            outputs=outputs,
            orders=tuple(int(x) for x in data["orders"]),
            thresholds=thresholds,
            version=version,
        )


def get_model() -> Model:
    """The packaged model, loaded on first use and shared by every thread."""
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _load()
    return _MODEL
