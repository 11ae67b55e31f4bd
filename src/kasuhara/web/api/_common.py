"""Types shared by the API modules: strings without NUL, bounded ids, pages, error bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_ID = 2**31 - 1


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("not valid Unicode text (lone surrogate)") from exc
    return value


Text = Annotated[str, AfterValidator(_storable)]
"""Any user text: NUL and lone surrogates cannot be stored (PostgreSQL, UTF-8), so they are refused here."""


def _sane_moment(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError("year must be between 1900 and 2999")
    return value


Moment = Annotated[datetime, AfterValidator(_sane_moment)]
"""A date-time that converts to UTC without overflowing."""

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ErrorBody(BaseModel):
    detail: Any
    msg_ja: str = ""
    msg_en: str = ""


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "ログインが必要 / authentication required"},
    403: {"model": ErrorBody, "description": "権限なし(存在の有無は明かさない) / forbidden"},
    404: {"model": ErrorBody, "description": "見つからない / not found"},
    409: {"model": ErrorBody, "description": "競合 / conflict"},
}

Limit = Annotated[int, Field(ge=1, le=500)]
