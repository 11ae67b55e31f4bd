"""Documents in the web app: the company profile from settings, a case as an IncidentRecord, generate.

Every generated document is registered (kind, format, hash, who, when) so the self-check can
see that a policy or a manual exists, and the generation is audited; a case-based document
counts as a read of the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.documents.base import BuildInput
from kasuhara.documents.catalog import kind as document_kind
from kasuhara.documents.incident import EvidenceItem, IncidentRecord, TimelineEntry
from kasuhara.documents.model import Document
from kasuhara.documents.profile import INDUSTRIES, PREFECTURES, CompanyProfile, DeskContact, Site
from kasuhara.documents.writers import MEDIA_TYPES, render
from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.services import audit
from kasuhara.services import company_settings as settings_service
from kasuhara.services import decisions as decisions_service
from kasuhara.services import evidence as evidence_service
from kasuhara.services import incidents as incidents_service
from kasuhara.services import sites as sites_service
from kasuhara.store.models.customers import Customer
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
    )


def _at(moment: datetime) -> str:
    return incidents_service.as_aware(moment).astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def incident_record(*, session: Session, actor: User, incident_id: int) -> IncidentRecord:
    """A case as the documents see it; reading it is audited like any read of a case."""
    incident = incidents_service.read(session=session, actor=actor, incident_id=incident_id)
    site = session.get(SiteRow, incident.site_id)
    facts = incidents_service.facts_for_judgment(
        incident.facts, occurred_at=incident.occurred_at, channel=incident.channel, site=site
    )
    events = incidents_service.timeline(session=session, actor=actor, incident_id=incident_id)
    names = {u.id: u.display_name for u in session.scalars(select(User))}
    timeline = tuple(
        TimelineEntry(at=_at(e.at), text=" ".join(x for x in (e.kind, e.to_status or "", e.reason) if x), actor=names.get(e.actor_id or 0, ""))
        for e in events
    )
    evidence = tuple(
        EvidenceItem(filename=e.filename, kind=e.kind, sha256=e.sha256, size=e.size_bytes, collected_at=_at(e.uploaded_at), note=e.description)
        for e in evidence_service.list_for(session=session, actor=actor, incident_id=incident_id)
    )
    decisions = tuple(
        TimelineEntry(at=_at(d.decided_at), text=f"{d.kind}: {d.reason}", actor=names.get(d.decided_by, ""))
        for d in decisions_service.list_for(session=session, actor=actor, incident_id=incident_id)
    )
    customer = session.get(Customer, incident.customer_id) if incident.customer_id else None
    return IncidentRecord(
        id=str(incident.id),
        facts=facts,
        site=site.name if site else "",
        summary=incident.summary or incident.title,
        reporter=names.get(incident.reporter_id, ""),
        customer_name=customer.display_name if customer else "",
        timeline=timeline,
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
        incident = incident_record(session=session, actor=actor, incident_id=incident_id)
    today = on or datetime.now(TOKYO).date()
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


def generated_kinds(*, session: Session) -> set[str]:
    return set(session.scalars(select(GeneratedDocument.kind).distinct()))
