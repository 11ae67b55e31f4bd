"""Types shared by the API modules: strings without NUL, bounded ids, pages, error bodies."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_ID = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
"""Any user text: PostgreSQL cannot store NUL, so it is refused at the door."""

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
