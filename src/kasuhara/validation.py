"""Checks shared by every settings section that is a set of whole-number limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message


def positive_int_fields(data: Mapping[str, Any], *, allowed: tuple[str, ...], prefix: str) -> dict[str, int]:
    """The known keys of `data` as integers ≥ 1; every unknown key or bad value is one named problem."""
    problems: list[FieldProblem] = []
    values: dict[str, int] = {}
    for key, value in data.items():
        if key not in allowed:
            problems.append(FieldProblem(f"{prefix}.{key}", Message("不明な項目です", "unknown field"), allowed))
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(
                FieldProblem(
                    f"{prefix}.{key}", Message("1以上の整数を指定してください", "must be an integer of at least 1")
                )
            )
        else:
            values[key] = value
    if problems:
        raise InputError(problems)
    return values
