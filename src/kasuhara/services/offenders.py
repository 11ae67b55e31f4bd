"""Repeat offenders: linking customer records, alerting at the company's threshold, deterrence.

Linking is automatic: whenever an incident, an identifier or a consultation about a customer is
committed, a session hook links customer records that share a normalised phone or e-mail (across
sites) and checks the threshold, so no caller has to remember to. A supervisor can confirm a match
the identifiers cannot show. The system proposes deterrence steps; only a supervisor or admin
decides, with a reason, and the decision is recorded and audited.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Session

from kasuhara.desk import identifiers
from kasuhara.desk.deterrence import STEP_LABELS, History, check_scope, propose, reaches_threshold
from kasuhara.desk.letters import render_warning
from kasuhara.errors import FieldProblem, InputError, Message, NotFoundError, PermissionDeniedError
from kasuhara.services import audit
from kasuhara.services.access import CUSTOMER_READERS, DENIED
from kasuhara.store.models.company import CompanySettings
from kasuhara.store.models.consultation import Consultation
from kasuhara.store.models.customers import Customer, CustomerIdentifier
from kasuhara.store.models.incidents import Incident, IncidentBehaviour
from kasuhara.store.models.offender import CustomerLink, DeterrenceDecision, OffenderAlert
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User
from kasuhara.store.types import utcnow

DECIDERS = frozenset({"supervisor", "admin"})
_DIRTY = "kasuhara.offenders.dirty"


def candidate_forms(kind: str, value: str) -> set[str]:
    """Every stored form the same identifier may have (ours, and digits-only with country code)."""
    norm = identifiers.normalise(kind, value)
    forms = {norm}
    if kind == "phone" and norm.startswith("0"):
        forms.add("81" + norm[1:])
    return forms


def find_customers(session: Session, *, kind: str, value: str) -> list[Customer]:
    """Customers having this phone or e-mail, however it was typed."""
    forms = candidate_forms(kind, value)
    stmt = (
        select(Customer)
        .join(CustomerIdentifier, CustomerIdentifier.customer_id == Customer.id)
        .where(CustomerIdentifier.kind == kind, CustomerIdentifier.normalized.in_(forms))
        .distinct()
        .order_by(Customer.id)
    )
    return list(session.scalars(stmt))


def linked_group(session: Session, customer_id: int) -> set[int]:
    """The customer and every record linked to it, directly or through others."""
    seen = {customer_id}
    queue = deque([customer_id])
    while queue:
        current = queue.popleft()
        rows = session.execute(
            select(CustomerLink.customer_id, CustomerLink.other_id).where(
                or_(CustomerLink.customer_id == current, CustomerLink.other_id == current)
            )
        ).all()
        for a, b in rows:
            for nxt in (a, b):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return seen


def _add_link(session: Session, a: int, b: int, basis: str, by: int | None) -> bool:
    low, high = sorted((a, b))
    exists = session.scalar(
        select(CustomerLink.id).where(CustomerLink.customer_id == low, CustomerLink.other_id == high)
    )
    if exists is not None:
        return False
    session.add(CustomerLink(customer_id=low, other_id=high, basis=basis, confirmed_by=by))
    session.flush()
    return True


def auto_link(session: Session, customer_id: int) -> list[int]:
    """Link this customer to every other record with the same phone or e-mail; returns new partners."""
    added: list[int] = []
    own = session.scalars(
        select(CustomerIdentifier).where(
            CustomerIdentifier.customer_id == customer_id, CustomerIdentifier.kind.in_(identifiers.KINDS)
        )
    ).all()
    for ident in own:
        try:
            others = find_customers(session, kind=ident.kind, value=ident.value)
        except InputError:
            continue
        for other in others:
            if other.id != customer_id and _add_link(session, customer_id, other.id, ident.kind, None):
                added.append(other.id)
    return added


def confirm_match(session: Session, *, user: User, customer_id: int, other_id: int, reason: str) -> None:
    """A supervisor's confirmed match (e.g. the same person, seen on camera at two sites)."""
    if user.role not in DECIDERS:
        raise PermissionDeniedError(DENIED)
    if customer_id == other_id:
        raise InputError([FieldProblem("other_id", Message("同じ顧客です", "same customer"))])
    for cid in (customer_id, other_id):
        if session.get(Customer, cid) is None:
            raise NotFoundError(Message("顧客が見つかりません", "customer not found"))
    if not reason.strip():
        raise InputError([FieldProblem("reason", Message("理由を入力してください", "give the reason"))])
    _add_link(session, customer_id, other_id, "confirmed", user.id)
    audit.record(session, actor=user, action="customer.link", target_type="customer", target_id=customer_id,
                 detail={"other_id": other_id, "reason": reason.strip()})
    evaluate(session, customer_id=customer_id, today=_japan_today())


def _japan_today() -> date:
    from kasuhara.services.consultations import japan_today

    return japan_today()


def _window_start(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=UTC)


def _policy(session: Session) -> Any:
    from kasuhara.services.consultations import desk_settings, offender_policy

    return offender_policy(desk_settings(session))


def history_facts(session: Session, group: set[int], today: date) -> History:
    policy = _policy(session)
    since = _window_start(today, policy.window_days)
    incidents = session.scalars(
        select(Incident.id).where(Incident.customer_id.in_(group), Incident.occurred_at >= since)
    ).all()
    consultations = session.scalars(
        select(Consultation.id).where(
            Consultation.customer_id.in_(group),
            Consultation.received_on >= today - timedelta(days=policy.window_days),
            Consultation.incident_id.is_(None),  # one linked to an incident is that incident
        )
    ).all()
    all_incidents = session.scalars(select(Incident.id).where(Incident.customer_id.in_(group))).all()
    behaviours = frozenset(
        session.scalars(
            select(IncidentBehaviour.behaviour_id).where(IncidentBehaviour.incident_id.in_(all_incidents))
        ).all()
    )
    decisions = session.scalars(
        select(DeterrenceDecision).where(DeterrenceDecision.customer_id.in_(group), DeterrenceDecision.active)
    ).all()
    return History(
        events_in_window=len(incidents) + len(consultations),
        behaviours=behaviours,
        steps_taken=frozenset(d.step for d in decisions),
        active_ban=any(d.step == "ban" for d in decisions),
    )


def evaluate(session: Session, *, customer_id: int, today: date) -> OffenderAlert | None:
    """Raise an alert the first time the customer's group reaches the threshold within the window."""
    group = linked_group(session, customer_id)
    policy = _policy(session)
    facts = history_facts(session, group, today)
    if not reaches_threshold(facts, policy):
        return None
    since = _window_start(today, policy.window_days)
    existing = session.scalar(
        select(OffenderAlert).where(OffenderAlert.customer_id.in_(group), OffenderAlert.created_at >= since)
    )
    if existing is not None:
        existing.events_count = max(existing.events_count, facts.events_in_window)
        return None
    alert = OffenderAlert(customer_id=min(group), events_count=facts.events_in_window, threshold=policy.alert_count)
    session.add(alert)
    session.flush()
    audit.record(session, actor=None, action="offender.alert", target_type="customer", target_id=alert.customer_id,
                 detail={"events": facts.events_in_window, "threshold": policy.alert_count})
    return alert


def _collect_dirty(session: Session, _context: Any) -> None:
    dirty: set[int] = session.info.setdefault(_DIRTY, set())
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Consultation) and obj.kind == "anonymous":
            # An alert stamped at the moment an anonymous consultation is committed would date it
            # to the second; these count at the next evaluation (a desk action or an incident).
            continue
        if isinstance(obj, Incident | Consultation | CustomerIdentifier):
            customer_id: int | None = obj.customer_id
            if customer_id is not None:
                dirty.add(customer_id)


def _process_dirty(session: Session) -> None:
    session.flush()
    dirty: set[int] = session.info.pop(_DIRTY, set())
    if not dirty:
        return
    if not inspect(session.connection()).has_table("customer_links"):
        return  # a database migrated without the desk branch: nothing to link into
    from kasuhara.services.consultations import japan_today

    today = japan_today()
    for customer_id in sorted(dirty):
        if session.get(Customer, customer_id) is None:
            continue
        auto_link(session, customer_id)
        evaluate(session, customer_id=customer_id, today=today)
    session.info.pop(_DIRTY, None)


def _discard(session: Session) -> None:
    session.info.pop(_DIRTY, None)


def install_hooks() -> None:
    """Link and alert automatically on every commit (runs before the audit chain is written)."""
    if not event.contains(Session, "before_commit", _process_dirty):
        event.listen(Session, "after_flush", _collect_dirty)
        event.listen(Session, "before_commit", _process_dirty, insert=True)
        event.listen(Session, "after_rollback", _discard)


install_hooks()


def _require_reader(user: User) -> None:
    if user.role not in CUSTOMER_READERS:
        raise PermissionDeniedError(DENIED)


def alerts(session: Session, *, user: User, open_only: bool = True) -> list[dict[str, Any]]:
    """Alerts for supervisors (and the desk, admins): customers who reached the threshold."""
    _require_reader(user)
    stmt = select(OffenderAlert).order_by(OffenderAlert.created_at.desc())
    if open_only:
        stmt = stmt.where(OffenderAlert.acknowledged_at.is_(None))
    result = []
    for a in session.scalars(stmt):
        customer = session.get(Customer, a.customer_id)
        result.append(
            {
                "id": a.id,
                "customer_id": a.customer_id,
                "customer_name": customer.display_name if customer else "",
                "events": a.events_count,
                "threshold": a.threshold,
                "created_at": a.created_at.isoformat(),
                "acknowledged": a.acknowledged_at is not None,
            }
        )
    return result


def acknowledge(session: Session, *, user: User, alert_id: int) -> None:
    if user.role not in DECIDERS:
        raise PermissionDeniedError(DENIED)
    alert = session.get(OffenderAlert, alert_id)
    if alert is None:
        raise NotFoundError(Message("通知が見つかりません", "alert not found"))
    alert.acknowledged_by = user.id
    alert.acknowledged_at = utcnow()
    audit.record(session, actor=user, action="offender.acknowledge", target_type="customer",
                 target_id=alert.customer_id, detail={"alert_id": alert_id})


def decision_dict(d: DeterrenceDecision, session: Session) -> dict[str, Any]:
    decider = session.get(User, d.decided_by)
    label = STEP_LABELS[d.step]
    return {
        "id": d.id,
        "customer_id": d.customer_id,
        "step": d.step,
        "label_ja": label.ja,
        "label_en": label.en,
        "channels": list(d.channels or []),
        "site_ids": d.site_ids,
        "reason": d.reason,
        "decided_by": decider.display_name if decider else "",
        "decided_at": d.decided_at.isoformat(),
        "review_on": d.review_on.isoformat() if d.review_on else None,
        "contact_user_id": d.contact_user_id,
        "letter_text": d.letter_text,
        "police_reference": d.police_reference,
        "active": d.active,
        "proposed_rule": d.proposed_rule,
    }


def customer_history(session: Session, *, user: User, customer_id: int, today: date) -> dict[str, Any]:
    """The customer's whole history across sites and linked records, with proposals. Audited."""
    _require_reader(user)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(Message("顧客が見つかりません", "customer not found"))
    group = linked_group(session, customer_id)
    incidents = session.scalars(
        select(Incident).where(Incident.customer_id.in_(group)).order_by(Incident.occurred_at)
    ).all()
    site_names = {s.id: s.name for s in session.scalars(select(Site))}
    consultations = session.scalars(select(Consultation).where(Consultation.customer_id.in_(group))).all()
    decisions = session.scalars(
        select(DeterrenceDecision).where(DeterrenceDecision.customer_id.in_(group)).order_by(DeterrenceDecision.id)
    ).all()
    policy = _policy(session)
    facts = history_facts(session, group, today)
    members = [session.get(Customer, cid) for cid in sorted(group)]
    audit.record(session, actor=user, action="customer.history", target_type="customer", target_id=customer_id)
    return {
        "customer": {"id": customer.id, "name": customer.display_name},
        "linked": [
            {
                "id": m.id,
                "name": m.display_name,
                "identifiers": [{"kind": i.kind, "value": i.value} for i in m.identifiers],
            }
            for m in members
            if m is not None
        ],
        "incidents": [
            {
                "id": i.id,
                "occurred_at": i.occurred_at.isoformat(),
                "site": site_names.get(i.site_id, ""),
                "site_id": i.site_id,
                "channel": i.channel,
                "title": i.title,
                "status": i.status,
            }
            for i in incidents
        ],
        # Consultations: the desk sees which; everyone else only how many (the content is the desk's).
        "consultations": (
            [{"id": c.id, "received_on": c.received_on.isoformat()} for c in consultations]
            if user.role == "desk"
            else []
        ),
        "consultation_count": len(consultations),
        "events_in_window": facts.events_in_window,
        "threshold": policy.alert_count,
        "window_days": policy.window_days,
        "reached": reaches_threshold(facts, policy),
        "proposals": [p.to_dict() for p in propose(facts, policy)],
        "decisions": [decision_dict(d, session) for d in decisions],
    }


def decide(
    session: Session,
    *,
    user: User,
    customer_id: int,
    step: str,
    reason: str,
    today: date,
    channels: list[str] | None = None,
    site_ids: list[int] | None = None,
    review_on: date | None = None,
    contact_user_id: int | None = None,
    proposed_rule: str | None = None,
    police_reference: str = "",
    conduct: str = "",
    lang: str = "ja",
) -> DeterrenceDecision:
    """Record a deterrence decision by a person with authority (never by the system)."""
    if user.role not in DECIDERS:
        raise PermissionDeniedError(DENIED)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError(Message("顧客が見つかりません", "customer not found"))
    chans = list(channels or [])
    check_scope(step, chans, site_ids)
    problems: list[FieldProblem] = []
    if not reason.strip():
        problems.append(FieldProblem("reason", Message("決定の理由を入力してください", "give the reason")))
    if site_ids:
        known = set(session.scalars(select(Site.id).where(Site.id.in_(site_ids))))
        if known != set(site_ids):
            problems.append(FieldProblem("scope.sites", Message("存在しない拠点があります", "unknown site")))
    if step == "single_contact" and contact_user_id is None:
        problems.append(
            FieldProblem("contact_user_id", Message("担当者を選んでください", "choose the single contact"))
        )
    if contact_user_id is not None and session.get(User, contact_user_id) is None:
        problems.append(FieldProblem("contact_user_id", Message("存在しない利用者です", "unknown user")))
    if review_on is not None and review_on <= today:
        problems.append(FieldProblem("review_on", Message("見直し日は将来の日付にしてください", "must be in the future")))
    if problems:
        raise InputError(problems)
    if step in ("ban", "end_of_service") and review_on is None:
        review_on = today + timedelta(days=_policy(session).ban_review_days)
    letter = ""
    if step == "warning":
        company = session.get(CompanySettings, 1)
        contact = session.get(User, contact_user_id) if contact_user_id else None
        letter = render_warning(
            lang=lang,
            issued_on=today,
            customer_name=customer.display_name,
            company_name=(company.company_name if company else "") or "",
            conduct=conduct.strip() or reason.strip(),
            contact_person=(contact.display_name if contact else (company.desk_name if company else "")) or "",
            contact_line=(company.desk_phone if company else "") or "",
        )
    decision = DeterrenceDecision(
        customer_id=customer_id,
        step=step,
        channels=chans,
        site_ids=sorted(site_ids) if site_ids else None,
        reason=reason.strip(),
        proposed_rule=proposed_rule,
        decided_by=user.id,
        review_on=review_on,
        contact_user_id=contact_user_id,
        letter_text=letter,
        police_reference=police_reference.strip(),
        active=True,
        detail={},
    )
    session.add(decision)
    session.flush()
    audit.record(session, actor=user, action=f"deterrence.{step}", target_type="customer", target_id=customer_id,
                 detail={"decision_id": decision.id, "reason": decision.reason, "channels": chans,
                         "site_ids": decision.site_ids, "review_on": review_on})
    return decision


def lift(session: Session, *, user: User, decision_id: int, reason: str) -> None:
    """End a decision at its review (or earlier), with the reason."""
    if user.role not in DECIDERS:
        raise PermissionDeniedError(DENIED)
    decision = session.get(DeterrenceDecision, decision_id)
    if decision is None:
        raise NotFoundError(Message("決定が見つかりません", "decision not found"))
    if not reason.strip():
        raise InputError([FieldProblem("reason", Message("理由を入力してください", "give the reason"))])
    decision.active = False
    decision.lifted_by = user.id
    decision.lifted_at = utcnow()
    decision.detail = {**(decision.detail or {}), "lift_reason": reason.strip()}
    audit.record(session, actor=user, action="deterrence.lift", target_type="customer",
                 target_id=decision.customer_id, detail={"decision_id": decision_id, "reason": reason.strip()})


def reviews_due(session: Session, *, user: User, today: date) -> list[dict[str, Any]]:
    _require_reader(user)
    rows = session.scalars(
        select(DeterrenceDecision).where(
            DeterrenceDecision.active, DeterrenceDecision.review_on.is_not(None), DeterrenceDecision.review_on <= today
        )
    ).all()
    return [decision_dict(d, session) for d in rows]


def recognise(
    session: Session,
    *,
    user: User,
    value: str,
    kind: str | None = None,
    site_id: int | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """Staff enter a phone or e-mail at the counter: is this customer banned or under a measure here?"""
    kind = kind or identifiers.guess_kind(value)
    customers = find_customers(session, kind=kind, value=value)
    group: set[int] = set()
    for c in customers:
        group |= linked_group(session, c.id)
    measures = []
    if group:
        for d in session.scalars(
            select(DeterrenceDecision).where(DeterrenceDecision.customer_id.in_(group), DeterrenceDecision.active)
        ):
            applies_site = d.site_ids is None or site_id is None or site_id in d.site_ids
            applies_channel = not d.channels or channel is None or channel in d.channels
            if applies_site and applies_channel:
                measures.append(decision_dict(d, session))
    audit.record(session, actor=user, action="customer.recognise", target_type="customer",
                 target_id=min(group) if group else "-", detail={"kind": kind, "found": bool(group)})
    banned = any(m["step"] in ("ban", "end_of_service") for m in measures)
    return {
        "known": bool(group),
        "customer_ids": sorted(group),
        "customer_name": customers[0].display_name if customers else None,
        "banned": banned,
        "measures": measures,
    }


def make_case_study(session: Session, *, user: User, incident_id: int, lang: str = "ja") -> dict[str, Any]:
    """Recurrence prevention: a closed case becomes an anonymised draft that a person reviews."""
    from kasuhara.desk.anonymise import anonymise
    from kasuhara.store.models.offender import CaseStudy

    if user.role not in DECIDERS | {"desk"}:
        raise PermissionDeniedError(DENIED)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError(Message("事案が見つかりません", "incident not found"))
    if incident.status != "closed":
        raise InputError(
            [FieldProblem("incident_id", Message("終結した事案だけを事例にできます", "only closed cases can be used"))]
        )
    names: list[str] = []
    if incident.customer_id is not None:
        for cid in linked_group(session, incident.customer_id):
            c = session.get(Customer, cid)
            if c is not None:
                names.append(c.display_name)
                names.extend(i.value for i in c.identifiers if i.kind in ("name", "alias"))
    reporter = session.get(User, incident.reporter_id)
    if reporter is not None:
        names.append(reporter.display_name)
    site = session.get(Site, incident.site_id)
    if site is not None:
        names.append(site.name)
    names.extend(u.display_name for u in session.scalars(select(User)))
    title = anonymise(incident.title, known_names=names, lang=lang)
    body = anonymise(incident.summary or "", known_names=names, lang=lang)
    study = CaseStudy(
        source_incident_id=incident.id,
        title=title.text[:200],
        body=body.text,
        lessons="",
        created_by=user.id,
        published=False,
    )
    session.add(study)
    session.flush()
    audit.record(session, actor=user, action="case_study.create", target_type="case_study", target_id=study.id,
                 detail={"incident_id": incident.id})
    removed = dict(title.removed)
    for k, v in body.removed.items():
        removed[k] = removed.get(k, 0) + v
    return {**case_study_dict(study), "removed": removed}


def case_study_dict(study: Any) -> dict[str, Any]:
    return {
        "id": study.id,
        "title": study.title,
        "body": study.body,
        "lessons": study.lessons,
        "published": study.published,
        "created_at": study.created_at.isoformat() if study.created_at else None,
    }


def review_case_study(
    session: Session, *, user: User, study_id: int, title: str, body: str, lessons: str, publish: bool
) -> dict[str, Any]:
    """The reviewer edits what the anonymiser missed and publishes; recorded with their name."""
    from kasuhara.store.models.offender import CaseStudy

    if user.role not in DECIDERS | {"desk"}:
        raise PermissionDeniedError(DENIED)
    study = session.get(CaseStudy, study_id)
    if study is None:
        raise NotFoundError(Message("事例が見つかりません", "case study not found"))
    if not title.strip() or not body.strip():
        raise InputError([FieldProblem("body", Message("入力してください", "required"))])
    study.title, study.body, study.lessons = title.strip()[:200], body.strip(), lessons.strip()
    study.published = publish
    study.reviewed_by = user.id
    audit.record(session, actor=user, action="case_study.review", target_type="case_study", target_id=study.id,
                 detail={"published": publish})
    return case_study_dict(study)


def case_studies(session: Session, *, user: User) -> list[dict[str, Any]]:
    """Published studies for everyone (training); drafts only for those who review them."""
    from kasuhara.store.models.offender import CaseStudy

    stmt = select(CaseStudy).order_by(CaseStudy.id.desc())
    if user.role not in DECIDERS | {"desk"}:
        stmt = stmt.where(CaseStudy.published)
    return [case_study_dict(s) for s in session.scalars(stmt)]


def scan(session: Session, *, today: date) -> int:
    """Re-link and re-check every customer (after an import, or a change of threshold)."""
    count = 0
    for customer_id in list(session.scalars(select(Customer.id))):
        auto_link(session, customer_id)
        if evaluate(session, customer_id=customer_id, today=today) is not None:
            count += 1
    return count
