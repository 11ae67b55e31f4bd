"""Helpers shared by the desk's tests (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasuhara.store.models.customers import Customer, CustomerIdentifier
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

KEY = "test-encryption-key-with-enough-material"


@dataclass
class People:
    staff: User
    supervisor: User
    desk: User
    admin: User
    auditor: User
    other_supervisor: User
    site_a: Site
    site_b: Site


def make_user(session: Session, role: str, name: str, email: str) -> User:
    user = User(email=email, display_name=name, role=role, password_hash="x", is_active=True)
    session.add(user)
    session.flush()
    return user


def make_customer(session: Session, name: str, phone: str | None = None, email: str | None = None) -> Customer:
    customer = Customer(display_name=name, note="")
    session.add(customer)
    session.flush()
    for kind, value in (("phone", phone), ("email", email)):
        if value:
            digits = "".join(ch for ch in value if ch.isdigit()) if kind == "phone" else value.lower()
            session.add(CustomerIdentifier(customer_id=customer.id, kind=kind, value=value, normalized=digits))
    session.flush()
    return customer


def make_incident(
    session: Session, *, reporter: User, site: Site, customer: Customer | None, title: str, when: datetime | None = None,
    status: str = "reported", summary: str = "",
) -> Incident:
    incident = Incident(
        reporter_id=reporter.id,
        site_id=site.id,
        customer_id=customer.id if customer else None,
        occurred_at=when or datetime.now(UTC),
        channel="phone",
        title=title,
        summary=summary,
        facts={},
        status=status,
    )
    session.add(incident)
    session.flush()
    return incident
