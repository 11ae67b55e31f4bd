"""Documents in the web app: the company profile from settings, a case as an IncidentRecord, generate.

Every generated document is registered (kind, format, hash, who, when) so the self-check can
see that a policy or a manual exists, and the generation is audited; a case-based document
counts as a read of the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.documents.base import Approval, BuildInput, DocumentKind
from kasuhara.documents.catalog import kind as document_kind
from kasuhara.documents.catalog import kinds
from kasuhara.documents.incident import EvidenceItem, IncidentRecord, TimelineEntry
from kasuhara.documents.model import Document
from kasuhara.documents.profile import (
    INDUSTRIES,
    PREFECTURES,
    CompanyProfile,
    ContactPoint,
    DeskContact,
    Site,
)
from kasuhara.documents.writers import MEDIA_TYPES, render
from kasuhara.errors import FieldProblem, InputError, Message, PermissionDeniedError
from kasuhara.services import audit
from kasuhara.services import company_settings as settings_service
from kasuhara.services import decisions as decisions_service
from kasuhara.services import evidence as evidence_service
from kasuhara.services import incidents as incidents_service
from kasuhara.services import sites as sites_service
from kasuhara.store.models.customers import Customer
from kasuhara.store.models.document_approvals import DocumentApproval
from kasuhara.store.models.selfcheck import GeneratedDocument
from kasuhara.store.models.sites import Site as SiteRow
from kasuhara.store.models.users import User

TOKYO = ZoneInfo("Asia/Tokyo")
EDIT_ROLES = frozenset({"admin", "supervisor", "desk", "auditor"})
CASE_ROLES = frozenset({"admin", "supervisor", "desk"})


def _municipality_name(code: str) -> str:
    from kasuhara.knowledge.loader import load_knowledge_base

    found = load_knowledge_base().find_municipality(code) if code else None
    return found.name if found is not None else ""


def company_profile(*, session: Session) -> CompanyProfile:
    """The profile documents print, from the company settings and the active sites."""
    row = settings_service.get(session=session)
    problems: list[FieldProblem] = []
    if not row.company_name:
        problems.append(FieldProblem("company_name", Message("会社名を設定してください", "set the company name")))
    if not row.prefecture_code:
        problems.append(FieldProblem("prefecture_code", Message("都道府県を設定してください", "set the prefecture")))
    if problems:
        raise InputError(problems)
    assert row.prefecture_code is not None
    industry = row.industry if row.industry in INDUSTRIES else next(
        (k for k, m in INDUSTRIES.items() if row.industry in (m.ja, m.en)), "other"
    )
    sites = tuple(
        Site(
            name=s.name, address=s.address or "",
            prefecture=PREFECTURES[int(s.prefecture_code) - 1] if s.prefecture_code and s.prefecture_code.isdigit()
            and 1 <= int(s.prefecture_code) <= len(PREFECTURES) else "",
            municipality_code=s.municipality_code or "",
        )
        for s in sites_service.list_sites(session=session)
    )
    desk = DeskContact(name=row.desk_name, phone=row.desk_phone, email=row.desk_email, hours=row.desk_hours) if row.desk_name else None
    contact = ContactPoint(
        name=row.customer_contact_name, phone=row.customer_contact_phone, email=row.customer_contact_email,
        hours=row.customer_contact_hours,
    ) if row.customer_contact_name else None
    municipality_code = row.municipality_code or ""
    return CompanyProfile(
        name=row.company_name,
        industry=industry,
        prefecture=PREFECTURES[int(row.prefecture_code) - 1],
        municipality=_municipality_name(municipality_code),
        municipality_code=municipality_code,
        sites=sites,
        thresholds=settings_service.thresholds(session=session),
        desk=desk,
        customer_contact=contact,
        representative=row.representative or "",
        address=row.address or "",
    )


def _at(moment: datetime) -> str:
    return incidents_service.as_aware(moment).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


DECISION_LABELS: dict[str, Message] = {
    "no_action": Message("対応不要", "No action"), "explanation": Message("説明して終了", "Explain and close"),
    "warning": Message("警告", "Warning"), "end_of_contact": Message("対応の打ち切り", "End of contact"),
    "ban": Message("出入り禁止", "Ban from the premises"), "police_report": Message("警察へ通報・相談", "Report to the police"),
    "lawyer": Message("弁護士へ相談", "Consult a lawyer"), "written_notice": Message("書面で通知", "Written notice"),
    "staff_change": Message("担当者の交代", "Change of staff"), "other": Message("その他", "Other"),
}


def incident_record(*, session: Session, actor: User, incident_id: int, lang: str = "ja") -> IncidentRecord:
    """A case as the documents see it; reading it is audited like any read of a case.

    The chronology is what happened: the reported conduct, the notes people wrote, the evidence
    collected and the decisions, in Japan time. The system's own events (created, status changes,
    re-judgments) are the audit trail, not the facts, and stay out.
    """
    incident = incidents_service.read(session=session, actor=actor, incident_id=incident_id)
    site = session.get(SiteRow, incident.site_id)
    facts = incidents_service.facts_for_judgment(
        incident.facts, occurred_at=incident.occurred_at, channel=incident.channel, site=site
    )
    events = incidents_service.timeline(session=session, actor=actor, incident_id=incident_id)
    names = {u.id: u.display_name for u in session.scalars(select(User))}
    reporter = names.get(incident.reporter_id, "")
    what = incident.title if not incident.summary else f"{incident.title}: {incident.summary}"
    chronology: list[TimelineEntry] = [
        TimelineEntry(at=_at(incident.occurred_at), text=("発生（報告された事実）: " if lang == "ja" else "What happened (as reported): ") + what,
                      actor=reporter),
    ]
    chronology.extend(
        TimelineEntry(at=_at(e.at), text=e.reason, actor=names.get(e.actor_id or 0, ""))
        for e in events if e.kind == "note" and e.reason
    )
    evidence_rows = evidence_service.list_for(session=session, actor=actor, incident_id=incident_id)
    evidence = tuple(
        EvidenceItem(filename=e.filename, kind=e.kind, sha256=e.sha256, size=e.size_bytes, collected_at=_at(e.uploaded_at),
                     note=e.description, collected_by=names.get(e.uploaded_by, ""))
        for e in evidence_rows
    )
    chronology.extend(
        TimelineEntry(at=e.collected_at, text=("証拠を保全: " if lang == "ja" else "Evidence secured: ") + e.filename,
                      actor=e.collected_by)
        for e in evidence
    )
    decisions = tuple(
        TimelineEntry(
            at=_at(d.decided_at),
            text=DECISION_LABELS[d.kind].in_(lang) + (f"（{d.reason}）" if lang == "ja" else f" ({d.reason})") if d.kind in DECISION_LABELS and d.reason
            else (DECISION_LABELS[d.kind].in_(lang) if d.kind in DECISION_LABELS else f"{d.kind}: {d.reason}"),
            actor=names.get(d.decided_by, ""),
        )
        for d in decisions_service.list_for(session=session, actor=actor, incident_id=incident_id)
    )
    chronology.extend(
        TimelineEntry(at=d.at, text=("決定: " if lang == "ja" else "Decision: ") + d.text, actor=d.actor) for d in decisions
    )
    chronology.sort(key=lambda e: e.at)
    customer = session.get(Customer, incident.customer_id) if incident.customer_id else None
    phone = next((i.value for i in customer.identifiers if i.kind == "phone"), "") if customer else ""
    return IncidentRecord(
        id=str(incident.id),
        facts=facts,
        site=site.name if site else "",
        site_address=(site.address or "") if site else "",
        summary=what,
        reporter=reporter,
        customer_name=customer.display_name if customer else "",
        customer_phone=phone,
        customer_note=customer.note if customer else "",
        timeline=tuple(chronology),
        evidence=evidence,
        decisions=decisions,
    )


@dataclass(frozen=True)
class Generated:
    document: Document
    content: bytes
    media_type: str
    filename: str


def generate(
    *, session: Session, actor: User, kind: str, fmt: str, lang: str = "ja", size: str = "A4",
    incident_id: int | None = None, on: date | None = None, extra: dict[str, object] | None = None,
) -> Generated:
    """Build one document from the stored settings (and case), register it and audit it."""
    k = document_kind(kind)
    if fmt not in MEDIA_TYPES:
        raise InputError([FieldProblem("format", Message("形式が不正です", "unknown format"), tuple(MEDIA_TYPES))])
    profile = company_profile(session=session)
    incident = None
    if k.needs_incident:
        if incident_id is None:
            raise InputError([FieldProblem("incident_id", Message("事案を選んでください", "choose an incident"))])
        incident = incident_record(session=session, actor=actor, incident_id=incident_id, lang=lang)
        typed = {key: str((extra or {}).get(key) or "").strip() for key in LETTER_FIELDS}
        # what the person generating the letter typed (the addressee, the owner) completes the case
        incident = replace(
            incident,
            customer_name=typed["customer_name"] or incident.customer_name,
            customer_address=typed["customer_address"] or incident.customer_address,
            on_behalf_of=typed["on_behalf_of"] or incident.on_behalf_of,
        )
    today = on or datetime.now(TOKYO).date()
    approval = latest_approval(session=session, kind=k.id)
    if approval is not None:
        extra = {**(extra or {}), "approval": approval}
    extra = {k2: v for k2, v in (extra or {}).items() if k2 not in LETTER_FIELDS}
    if k.id == "selfcheck" and not extra:
        from kasuhara.services import selfcheck as selfcheck_service  # it imports this module

        extra = {"answers": selfcheck_service.stored_answers(session=session),
                 "state": selfcheck_service.system_state(session=session)}
    doc = k.build(BuildInput(company=profile, lang=lang, size=size, on=today, incident=incident, extra=extra or {}))
    content = render(doc, fmt, author=profile.name, generated_on=today)
    digest = hashlib.sha256(content).hexdigest()
    row = GeneratedDocument(kind=k.id, lang=lang, format=fmt, size=size, incident_id=incident_id, sha256=digest, generated_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="document.generate", target_type="incident" if incident_id else "document",
                 target_id=incident_id if incident_id else row.id, detail={"kind": k.id, "format": fmt, "lang": lang, "sha256": digest})
    suffix = f"-{size.lower()}" if len(k.sizes) > 1 else ""
    case = f"-{incident_id}" if incident_id else ""
    return Generated(document=doc, content=content, media_type=MEDIA_TYPES[fmt], filename=f"{k.id}{case}{suffix}-{today.isoformat()}.{fmt}")


LETTER_FIELDS = ("customer_name", "customer_address", "on_behalf_of")
"""Form fields of a case document that complete the case (the customer file holds no postal address)."""
APPROVER_ROLES = frozenset({"admin"})


def approve(*, session: Session, actor: User, kind: str, approver_title: str, note: str = "") -> DocumentApproval:
    """Record that a person approved a document kind: its signature block is filled from now on."""
    k = document_kind(kind)
    if actor.role not in APPROVER_ROLES:
        raise PermissionDeniedError(Message("文書を承認できるのは管理者です", "only an administrator approves documents"))
    title = approver_title.strip()
    if not title or len(title) > 200:
        raise InputError([FieldProblem("approver_title", Message("承認者の役職を入力してください（200字以内）",
                                                                  "enter the approver's title (at most 200 characters)"))])
    row = DocumentApproval(kind=k.id, approver_name=actor.display_name, approver_title=title, approved_by=actor.id,
                           note=note.strip()[:2000])
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="document.approve", target_type="document_approval", target_id=row.id,
                 detail={"kind": k.id, "title": title})
    return row


def latest_approval(*, session: Session, kind: str) -> Approval | None:
    row = session.scalars(
        select(DocumentApproval).where(DocumentApproval.kind == kind)
        .order_by(DocumentApproval.approved_at.desc(), DocumentApproval.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return Approval(name=row.approver_name, title=row.approver_title,
                    on=incidents_service.as_aware(row.approved_at).astimezone(TOKYO).date())


def approvals(*, session: Session) -> dict[str, Approval]:
    """The latest approval of every kind that has one."""
    out: dict[str, Approval] = {}
    for kind in {r for r in session.scalars(select(DocumentApproval.kind).distinct())}:
        found = latest_approval(session=session, kind=kind)
        if found is not None:
            out[kind] = found
    return out


def offered_kinds(*, session: Session) -> tuple[DocumentKind, ...]:
    """The kinds that fit the company's industry (every kind until the profile is set)."""
    try:
        industry = company_profile(session=session).industry
    except InputError:
        return kinds()
    return tuple(k for k in kinds() if k.fits(industry))


def generated_kinds(*, session: Session) -> set[str]:
    return set(session.scalars(select(GeneratedDocument.kind).distinct()))
