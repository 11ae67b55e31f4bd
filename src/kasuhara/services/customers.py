"""Known customers, their identifiers, and their history across reports.

Identifiers are normalised so that the same person written differently still matches:
NFKC (full-width → half-width), no spaces, case-folded, katakana as hiragana for names;
phone numbers as digits only with +81 turned into a leading 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from kasuhara.errors import ConflictError, Message
from kasuhara.services import access, audit
from kasuhara.services._util import choice, field_error, get_or_404, required_text
from kasuhara.store.models.customers import IDENTIFIER_KINDS, Customer, CustomerIdentifier
from kasuhara.store.models.decisions import Decision
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.users import User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _kana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def normalize(kind: str, value: str) -> str:
    """The form identifiers are compared in; raises an `InputError` naming `value` if unusable."""
    text = unicodedata.normalize("NFKC", value).strip()
    if kind == "phone":
        digits = re.sub(r"[^0-9+]", "", text)
        if digits.startswith("+81"):
            digits = "0" + digits[3:]
        digits = digits.replace("+", "")
        if not 6 <= len(digits) <= 15:
            raise field_error("value", "電話番号は6〜15桁の数字で入力してください",
                              "a phone number needs 6 to 15 digits")
        return digits
    if kind == "email":
        text = text.lower()
        if not _EMAIL.match(text):
            raise field_error("value", "メールアドレスの形式が正しくありません", "not a valid e-mail address")
        return text
    folded = _kana_to_hiragana(re.sub(r"\s+", "", text).casefold())
    if not folded:
        raise field_error("value", "入力してください", "must not be empty")
    return folded


def get(*, session: Session, customer_id: int) -> Customer:
    return get_or_404(session, Customer, customer_id, "顧客", "customer")


def read(*, session: Session, actor: User, customer_id: int) -> Customer:
    access.require_role(actor, access.CUSTOMER_READERS)
    customer = get(session=session, customer_id=customer_id)
    audit.record(session, actor=actor, action="customer.read", target_type="customer", target_id=customer.id)
    return customer


def create(
    *,
    session: Session,
    actor: User,
    display_name: str,
    note: str = "",
    identifiers: list[tuple[str, str]] | None = None,
) -> Customer:
    access.require_role(actor, access.CUSTOMER_WRITERS)
    customer = Customer(display_name=required_text("display_name", display_name), note=note, created_by=actor.id)
    session.add(customer)
    for index, (kind, value) in enumerate(identifiers or []):
        try:
            customer.identifiers.append(_identifier(kind, value))
        except Exception as exc:
            _prefix(exc, f"identifiers.{index}")
            raise
    _check_duplicates(customer)
    session.flush()
    audit.record(session, actor=actor, action="customer.create", target_type="customer", target_id=customer.id,
                 detail={"identifiers": len(customer.identifiers)})
    return customer


def _prefix(exc: Exception, prefix: str) -> None:
    from kasuhara.errors import InputError

    if isinstance(exc, InputError):
        exc.problems = [type(p)(f"{prefix}.{p.field}", p.message, p.allowed) for p in exc.problems]


def _identifier(kind: str, value: str) -> CustomerIdentifier:
    choice("kind", kind, IDENTIFIER_KINDS)
    return CustomerIdentifier(kind=kind, value=value.strip(), normalized=normalize(kind, value))


def _check_duplicates(customer: Customer) -> None:
    seen = set()
    for ident in customer.identifiers:
        key = (ident.kind, ident.normalized)
        if key in seen:
            raise field_error("identifiers", "同じ識別情報が重複しています", "duplicate identifier")
        seen.add(key)


def update(*, session: Session, actor: User, customer_id: int, display_name: str | None = None,
           note: str | None = None) -> Customer:
    access.require_role(actor, access.CUSTOMER_WRITERS)
    customer = get(session=session, customer_id=customer_id)
    changes: dict[str, object] = {}
    if display_name is not None:
        customer.display_name = required_text("display_name", display_name)
        changes["display_name"] = "changed"  # the audit log holds ids, not names
    if note is not None:
        customer.note = note
        changes["note"] = "changed"
    audit.record(session, actor=actor, action="customer.update", target_type="customer", target_id=customer.id,
                 detail=changes)
    return customer


def delete(*, session: Session, actor: User, customer_id: int) -> None:
    """Only a customer no report or decision points at; otherwise the history would break."""
    access.require_role(actor, frozenset({"admin"}))
    customer = get(session=session, customer_id=customer_id)
    linked = session.scalar(select(func.count()).select_from(Incident).where(Incident.customer_id == customer_id))
    decided = session.scalar(select(func.count()).select_from(Decision).where(Decision.customer_id == customer_id))
    if linked or decided:
        raise ConflictError(Message("事案や対応に紐づく顧客は削除できません",
                                    "a customer linked to incidents or decisions cannot be deleted"))
    session.delete(customer)
    audit.record(session, actor=actor, action="customer.delete", target_type="customer", target_id=customer_id)


def add_identifier(*, session: Session, actor: User, customer_id: int, kind: str, value: str) -> CustomerIdentifier:
    access.require_role(actor, access.CUSTOMER_WRITERS)
    customer = get(session=session, customer_id=customer_id)
    ident = _identifier(kind, value)
    if any(i.kind == ident.kind and i.normalized == ident.normalized for i in customer.identifiers):
        raise field_error("value", "同じ識別情報が登録済みです", "this identifier is already recorded")
    customer.identifiers.append(ident)
    session.flush()
    audit.record(session, actor=actor, action="customer.identifier_add", target_type="customer",
                 target_id=customer.id, detail={"kind": kind, "identifier_id": ident.id})
    return ident


def remove_identifier(*, session: Session, actor: User, customer_id: int, identifier_id: int) -> None:
    access.require_role(actor, access.CUSTOMER_WRITERS)
    customer = get(session=session, customer_id=customer_id)
    ident = next((i for i in customer.identifiers if i.id == identifier_id), None)
    if ident is None:
        get_or_404(session, CustomerIdentifier, -1, "識別情報", "identifier")
    customer.identifiers.remove(ident)  # type: ignore[arg-type]
    audit.record(session, actor=actor, action="customer.identifier_remove", target_type="customer",
                 target_id=customer.id, detail={"identifier_id": identifier_id})


def search(*, session: Session, actor: User, q: str | None = None, limit: int = 50,
           offset: int = 0) -> tuple[list[Customer], int]:
    """Customers whose name or any identifier matches `q` (normalised, as a prefix)."""
    access.require_role(actor, access.CUSTOMER_READERS)
    stmt = select(Customer)
    if q and q.strip():
        patterns = {normalize("name", q)}
        for kind in ("phone", "email"):
            try:
                patterns.add(normalize(kind, q))
            except Exception:  # q is not a phone number / e-mail: match it as a name only
                continue
        ident_match = select(CustomerIdentifier.customer_id).where(
            or_(*(CustomerIdentifier.normalized.startswith(p, autoescape=True) for p in patterns))
        )
        stmt = stmt.where(or_(Customer.id.in_(ident_match), Customer.display_name.contains(q.strip(), autoescape=True)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(selectinload(Customer.identifiers)).order_by(Customer.id.desc()).limit(limit).offset(offset)
    ).all()
    audit.record(session, actor=actor, action="customer.search", target_type="customer", target_id="*",
                 detail={"filtered": bool(q and q.strip()), "results": len(rows)})  # never the search term
    return list(rows), int(total)


@dataclass(frozen=True)
class History:
    customer: Customer
    incidents: list[Incident]
    decisions: list[Decision]


def history(*, session: Session, actor: User, customer_id: int) -> History:
    """Every report and decision about this customer, across sites: the repeat-offender view."""
    access.require_role(actor, access.CUSTOMER_READERS)
    customer = get(session=session, customer_id=customer_id)
    incidents = list(session.scalars(
        select(Incident).where(Incident.customer_id == customer_id).order_by(Incident.occurred_at.desc())
    ))
    decisions = list(session.scalars(
        select(Decision).where(Decision.customer_id == customer_id).order_by(Decision.decided_at.desc())
    ))
    audit.record(session, actor=actor, action="customer.history_read", target_type="customer",
                 target_id=customer_id, detail={"incidents": len(incidents)})
    return History(customer, incidents, decisions)
