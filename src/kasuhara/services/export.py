"""CSV export of the case list that Japanese Excel opens correctly: UTF-8 with a BOM, CRLF."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.services import audit
from kasuhara.services.incidents import JST, Filters, filtered
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

BOM = "\ufeff"
MAX_ROWS = 100_000
HEADER = ("事案ID/id", "発生日時/occurred_at", "拠点/site", "経路/channel", "件名/title", "状態/status",
          "判定/determination", "顧客ID/customer_id", "報告者ID/reporter_id", "作成日時/created_at")


def _cell(value: object) -> str:
    """Spreadsheet-formula injection guard: text starting with = + - @ is prefixed with '."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def incidents_csv(*, session: Session, actor: User, filters: Filters) -> Iterator[str]:
    """The lines of the CSV (first chunk carries the BOM); the export itself is audited."""
    stmt = filtered(session, actor, filters).order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(MAX_ROWS)
    rows = session.scalars(stmt).all()
    sites: dict[int, str] = {row[0]: row[1] for row in session.execute(select(Site.id, Site.name))}
    audit.record(session, actor=actor, action="incident.export", target_type="incident", target_id="*",
                 detail={"filters": filters.to_dict(), "rows": len(rows)})
    session.commit()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield BOM + buffer.getvalue()
    for incident in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([
            incident.id,
            incident.occurred_at.astimezone(JST).strftime("%Y-%m-%d %H:%M"),
            _cell(sites.get(incident.site_id, incident.site_id)),
            incident.channel,
            _cell(incident.title),
            incident.status,
            incident.determination or "",
            incident.customer_id or "",
            incident.reporter_id,
            incident.created_at.astimezone(JST).strftime("%Y-%m-%d %H:%M"),
        ])
        yield buffer.getvalue()
