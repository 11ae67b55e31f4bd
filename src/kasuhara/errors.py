"""One error hierarchy for the whole system.

The core raises these; adapters map them once (the CLI to exit code 2 and a message,
the web app to HTTP 4xx in a single handler). Every message exists in Japanese first
and English second, and names the field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """A user-facing text in Japanese (first) and English."""

    ja: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class KasuharaError(Exception):
    """Base of every error the system raises on purpose."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message

    def text(self, lang: str = "ja") -> str:
        return self.message.in_(lang)


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field; `field` is a dotted path such as `demand.validity`."""

    field: str
    message: Message
    allowed: tuple[str, ...] = ()

    def text(self, lang: str = "ja") -> str:
        base = f"{self.field}: {self.message.in_(lang)}"
        if self.allowed:
            label = "使用できる値" if lang != "en" else "allowed values"
            base += f" ({label}: {', '.join(self.allowed)})"
        return base


class InputError(KasuharaError):
    """Bad input: one or more fields are wrong. Nothing has been stored."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = problems
        super().__init__(
            Message(
                ja="入力に誤りがあります: " + "; ".join(p.text("ja") for p in problems),
                en="Invalid input: " + "; ".join(p.text("en") for p in problems),
            )
        )


class KnowledgeBaseError(KasuharaError):
    """The knowledge-base data files are inconsistent or malformed (names the file and entry)."""


class NotInForceError(KasuharaError):
    """A rule was asked for on a date outside its validity: a loud error, never a silent default."""


class NotFoundError(KasuharaError):
    """An id that does not exist."""


class PermissionDeniedError(KasuharaError):
    """The user may not do this; never says whether the record exists."""


class ConflictError(KasuharaError):
    """The record changed since the caller read it (stale version), or the request clashes with its state."""
