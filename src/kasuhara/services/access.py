"""Who may see and work which case: the role rules in one place.

- staff: report at their own sites, see only their own reports
- supervisor: see and work every case at their sites, decide
- desk: read every case (the consultations area gives the desk more)
- admin: everything, including users, sites and settings
- auditor: read everything, including the audit log; write nothing
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from kasuhara.errors import Message, PermissionDeniedError
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User, user_sites

READ_ALL = frozenset({"desk", "admin", "auditor"})
WORKERS = frozenset({"supervisor", "admin"})
REPORTERS = frozenset({"staff", "supervisor", "admin"})
CUSTOMER_READERS = frozenset({"supervisor", "desk", "admin", "auditor"})
CUSTOMER_WRITERS = frozenset({"supervisor", "admin"})

DENIED = Message(
    "この操作の権限がないか、対象が存在しません",
    "you may not do this, or the record does not exist",
)


def deny() -> PermissionDeniedError:
    return PermissionDeniedError(DENIED)


def site_ids(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(user_sites.c.site_id).where(user_sites.c.user_id == user.id)))


def token_site(user: User) -> int | None:
    """The one site an API token is limited to (set by the web layer for bearer requests), or None."""
    site = getattr(user, "token_site_id", None)
    return site if isinstance(site, int) else None


def _in_token_site(user: User, incident: Incident) -> bool:
    site = token_site(user)
    return site is None or incident.site_id == site


def require_role(user: User, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise deny()


def visible_clause(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting incidents to those the user may read."""
    clause = _role_clause(session, user)
    site = token_site(user)
    return clause if site is None else and_(clause, Incident.site_id == site)


def _role_clause(session: Session, user: User) -> ColumnElement[bool]:
    if user.role in READ_ALL:
        return true()
    if user.role == "supervisor":
        return Incident.site_id.in_(site_ids(session, user))
    return Incident.reporter_id == user.id


def can_read(session: Session, user: User, incident: Incident) -> bool:
    if not _in_token_site(user, incident):
        return False
    if user.role in READ_ALL:
        return True
    if user.role == "supervisor":
        return incident.site_id in site_ids(session, user)
    return incident.reporter_id == user.id


def can_work(session: Session, user: User, incident: Incident) -> bool:
    """Move, judge, decide: supervisors at the case's site and admins."""
    if not _in_token_site(user, incident):
        return False
    if user.role == "admin":
        return True
    return user.role == "supervisor" and incident.site_id in site_ids(session, user)


def can_attach(session: Session, user: User, incident: Incident) -> bool:
    """Add evidence and notes: whoever works the case, and the reporter on their own report."""
    return can_work(session, user, incident) or (
        user.role == "staff" and incident.reporter_id == user.id and _in_token_site(user, incident))
