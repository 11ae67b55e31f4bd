"""Input checks shared across the system: settings files and sections of whole-number limits."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.strict_yaml import strict_load


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


def read_mapping_file(path: Path, *, field: str, allow_empty: bool = False) -> dict[str, Any]:
    """A settings-like file as a mapping: `.json`, `.toml`, otherwise YAML.

    Every failure (unreadable, malformed, not a mapping) is one problem named after `field`;
    an empty file is `{}` when `allow_empty`, else not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [FieldProblem(field, Message(f"ファイルを読めません: {exc}", f"cannot read file: {exc}"))]
        ) from exc
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix == ".toml":
            data = tomllib.loads(text)
        else:
            data = strict_load(text)
    except (ValueError, yaml.YAMLError) as exc:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        raise InputError([FieldProblem(field, Message(f"形式が不正です: {exc}", f"malformed file: {exc}"))]) from exc
    if data is None and allow_empty:
        return {}
    if not isinstance(data, dict):
        raise InputError([FieldProblem(field, Message("オブジェクトが必要です", "must be a mapping"))])
    return data
