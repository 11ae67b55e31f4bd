"""Message catalogues for the web pages: Japanese first, English second.

Every page text lives in `kasuhara/web/messages/<lang>/<area>.json`, one file per area so that
areas never edit the same file (docassemble's lesson: wording apart from logic). This module merges
all files of a language into one flat dictionary of dotted keys. Two areas defining the same key is
a loud error naming both files, and a key missing in one language is reported by `missing_keys`
(a test keeps the catalogues complete).

Language choice: `?lang=en|ja` on any page switches and is remembered in the `lang` cookie;
otherwise the cookie; otherwise Japanese.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kasuhara.errors import KnowledgeBaseError, Message

LANGS: tuple[str, ...] = ("ja", "en")
DEFAULT_LANG = "ja"
LANG_COOKIE = "lang"
MESSAGES_DIR = Path(str(resources.files("kasuhara.web") / "messages"))


class CatalogueError(KnowledgeBaseError):
    """A catalogue file is malformed or two files define the same key."""


def normalise_lang(value: str | None) -> str | None:
    """`ja`/`en` (also `ja-JP`, `en-US`) or None when not a language we have."""
    if not value:
        return None
    head = value.strip().lower().split("-", 1)[0].split("_", 1)[0]
    return head if head in LANGS else None


def _flatten(prefix: str, value: Any, out: dict[str, str], origin: dict[str, str], path: Path) -> None:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), sub, out, origin, path)
        return
    if not isinstance(value, str):
        raise CatalogueError(
            Message(
                f"{path}: {prefix} は文字列でなければなりません",
                f"{path}: {prefix} must be a string",
            )
        )
    if prefix in out:
        raise CatalogueError(
            Message(
                f"メッセージキー {prefix} が {origin[prefix]} と {path.name} で重複しています",
                f"message key {prefix} is defined in both {origin[prefix]} and {path.name}",
            )
        )
    out[prefix] = value
    origin[prefix] = path.name


def load_catalogue_from(directory: Path) -> dict[str, str]:
    """Merge every `*.json` in one language folder into a flat dict of dotted keys."""
    out: dict[str, str] = {}
    origin: dict[str, str] = {}
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CatalogueError(Message(f"{path}: JSON が不正です: {exc}", f"{path}: bad JSON: {exc}")) from exc
        if not isinstance(data, Mapping):
            raise CatalogueError(Message(f"{path}: オブジェクトが必要です", f"{path}: must be an object"))
        _flatten("", data, out, origin, path)
    return out


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The merged catalogue of one language (cached once per process)."""
    return load_catalogue_from(MESSAGES_DIR / lang)


def missing_keys() -> dict[str, list[str]]:
    """Keys present in one language but not in the other, per language lacking them."""
    cats = {lang: set(catalogue(lang)) for lang in LANGS}
    every = set().union(*cats.values())
    return {lang: sorted(every - keys) for lang, keys in cats.items() if every - keys}


class Translator:
    """`t("guide.title")` or `t("x", n=3)`: the text in the page's language.

    Falls back to Japanese, then to the key itself (so a missing key is visible on the page
    rather than crashing it; the catalogue test catches it before release).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self._cat = catalogue(self.lang)
        self._fallback = catalogue(DEFAULT_LANG)

    def has(self, key: str) -> bool:
        return key in self._cat or key in self._fallback

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._cat.get(key)
        if text is None:
            text = self._fallback.get(key, key)
        if params:
            try:
                return text.format(**params)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def message(self, message: Message | Mapping[str, str] | None) -> str:
        """Pick this language from a core `Message` or a `{ja, en}` mapping."""
        if message is None:
            return ""
        if isinstance(message, Message):
            return message.in_(self.lang)
        return str(message.get(self.lang) or message.get(DEFAULT_LANG) or "")


def choose_lang(query_lang: str | None, cookie_lang: str | None, accept_language: str | None = None) -> str:
    """Query beats cookie beats the browser's first language; Japanese by default."""
    del accept_language  # Japanese first for everyone: the staff's language, not the browser's, decides.
    return normalise_lang(query_lang) or normalise_lang(cookie_lang) or DEFAULT_LANG
