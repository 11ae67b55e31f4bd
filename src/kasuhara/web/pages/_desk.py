"""Helpers for the consultation desk, care and repeat-offender pages (issue 7)."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData

from kasuhara.errors import FieldProblem, InputError, Message


def text(form: FormData, name: str, limit: int = 20_000) -> str:
    value = form.get(name)
    return str(value).replace("\x00", "")[:limit].strip() if isinstance(value, str) else ""


def optional_int(form: FormData, name: str) -> int | None:
    raw = text(form, name, 20)
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise InputError([FieldProblem(name, Message("番号を入力してください", "enter a number"))])
    return int(raw)


def optional_date(form: FormData, name: str) -> date | None:
    raw = text(form, name, 20)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError([FieldProblem(name, Message("日付を正しく入力してください", "enter a valid date"))]) from None


NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
"""Pages that show a report key or a consultation are never cached and send no referrer."""
