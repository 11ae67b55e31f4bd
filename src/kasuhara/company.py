"""Company thresholds (会社の基準) the judgment uses.

The MHLW manual sets no number (「一定時間」 only); 30 minutes per call or visit is common
company practice (e.g. a supermarket chain's published rule), and 10 contacts in 7 days is
our default for repeated contact. A company sets its own in a settings file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.validation import positive_int_fields, read_mapping_file


@dataclass(frozen=True)
class Thresholds:
    """Limits past which the judgment infers prolonged restraint or repeated contact."""

    time_limit_minutes: int = 30
    repeat_contacts: int = 10
    repeat_days: int = 7

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, prefix: str = "thresholds") -> Thresholds:
        allowed = ("time_limit_minutes", "repeat_contacts", "repeat_days")
        return cls(**positive_int_fields(data, allowed=allowed, prefix=prefix))

    def to_dict(self) -> dict[str, int]:
        return {
            "time_limit_minutes": self.time_limit_minutes,
            "repeat_contacts": self.repeat_contacts,
            "repeat_days": self.repeat_days,
        }


def load_thresholds(path: Path) -> Thresholds:
    """Read thresholds from a YAML or JSON company settings file (a `thresholds:` section)."""
    data = read_mapping_file(path, field="settings")
    section = data.get("thresholds", {})
    if not isinstance(section, dict):
        raise InputError(
            [FieldProblem("thresholds", Message("オブジェクトが必要です", "must be a mapping"))]
        )
    return Thresholds.from_mapping(section)
