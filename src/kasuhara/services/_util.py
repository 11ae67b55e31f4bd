"""Small helpers shared by the services: field errors and lookups."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from kasuhara.errors import FieldProblem, InputError, Message, NotFoundError
from kasuhara.store.base import Base

M = TypeVar("M", bound=Base)


def field_error(field: str, ja: str, en: str, allowed: tuple[str, ...] = ()) -> InputError:
    return InputError([FieldProblem(field, Message(ja, en), allowed)])


def choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise field_error(field, "使用できない値です", "value not allowed", allowed)
    return value


def required_text(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise field_error(field, "入力してください", "must not be empty")
    return value


def get_or_404(session: Session, model: type[M], ident: int, what_ja: str, what_en: str) -> M:
    row = session.get(model, ident)
    if row is None:
        raise NotFoundError(Message(f"{what_ja}が見つかりません (id {ident})", f"{what_en} {ident} not found"))
    return row
