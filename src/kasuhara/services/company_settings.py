"""Company settings: the judgment thresholds and the profile the documents print. One row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasuhara.company import Thresholds
from kasuhara.services import audit
from kasuhara.services.sites import _check_codes
from kasuhara.store.models.company import CompanySettings
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

SETTINGS_ID = 1
PROFILE_FIELDS = (
    "company_name",
    "industry",
    "prefecture_code",
    "municipality_code",
    "desk_name",
    "desk_phone",
    "desk_email",
    "desk_hours",
    "desk_note",
    "representative",
    "address",
    "customer_contact_name",
    "customer_contact_phone",
    "customer_contact_email",
    "customer_contact_hours",
)
THRESHOLD_FIELDS = ("time_limit_minutes", "repeat_contacts", "repeat_days")


def get(*, session: Session) -> CompanySettings:
    """The settings row, created with the defaults the first time it is asked for."""
    row = session.get(CompanySettings, SETTINGS_ID)
    if row is None:
        defaults = Thresholds()
        row = CompanySettings(
            id=SETTINGS_ID,
            time_limit_minutes=defaults.time_limit_minutes,
            repeat_contacts=defaults.repeat_contacts,
            repeat_days=defaults.repeat_days,
        )
        session.add(row)
        session.flush()
    return row


def thresholds(*, session: Session) -> Thresholds:
    row = get(session=session)
    return Thresholds(row.time_limit_minutes, row.repeat_contacts, row.repeat_days)


def update(*, session: Session, actor: User | None, changes: Mapping[str, Any]) -> CompanySettings:
    """Apply profile fields and thresholds; thresholds are validated by the core's own rules."""
    row = get(session=session)
    limits = {k: v for k, v in changes.items() if k in THRESHOLD_FIELDS and v is not None}
    if limits:
        Thresholds.from_mapping(limits, prefix="thresholds")
    profile = {k: v for k, v in changes.items() if k in PROFILE_FIELDS and v is not None}
    _check_codes(profile.get("prefecture_code"), profile.get("municipality_code"))
    for key, value in {**profile, **limits}.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    row.updated_by = actor.id if actor is not None else None
    audit.record(session, actor=actor, action="settings.update", target_type="company_settings",
                 target_id=SETTINGS_ID, detail={**limits, "fields": sorted(profile)})  # contact names stay out
    return row
