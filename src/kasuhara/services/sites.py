"""Sites: where incidents happen. Admins manage them; everyone signed in can list them."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kasuhara.services import audit
from kasuhara.services._util import field_error, get_or_404, required_text
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

_PREF = re.compile(r"^(0[1-9]|[1-3][0-9]|4[0-7])$")
_MUNI = re.compile(r"^[0-9]{5,6}$")


def _check_codes(prefecture_code: str | None, municipality_code: str | None) -> None:
    if prefecture_code is not None and not _PREF.match(prefecture_code):
        raise field_error("prefecture_code", "都道府県コード(01〜47)を指定してください",
                          "prefecture code must be 01-47")
    if municipality_code is not None and not _MUNI.match(municipality_code):
        raise field_error("municipality_code", "市区町村コード(5〜6桁)を指定してください",
                          "municipality code must be 5-6 digits")


def list_sites(*, session: Session, include_inactive: bool = False) -> list[Site]:
    stmt = select(Site).order_by(Site.code)
    if not include_inactive:
        stmt = stmt.where(Site.is_active.is_(True))
    return list(session.scalars(stmt))


def get(*, session: Session, site_id: int) -> Site:
    return get_or_404(session, Site, site_id, "拠点", "site")


def create(
    *,
    session: Session,
    actor: User | None,
    code: str,
    name: str,
    prefecture_code: str | None = None,
    municipality_code: str | None = None,
    address: str | None = None,
) -> Site:
    code = required_text("code", code)
    _check_codes(prefecture_code, municipality_code)
    if session.scalar(select(Site.id).where(Site.code == code)) is not None:
        raise field_error("code", "この拠点コードは使われています", "this site code is already used")
    site = Site(code=code, name=required_text("name", name), prefecture_code=prefecture_code,
                municipality_code=municipality_code, address=address)
    session.add(site)
    try:
        session.flush()
    except IntegrityError as exc:
        raise field_error("code", "この拠点コードは使われています", "this site code is already used") from exc
    audit.record(session, actor=actor, action="site.create", target_type="site", target_id=site.id,
                 detail={"code": code, "name": site.name})
    return site


def update(
    *,
    session: Session,
    actor: User,
    site_id: int,
    name: str | None = None,
    prefecture_code: str | None = None,
    municipality_code: str | None = None,
    address: str | None = None,
    is_active: bool | None = None,
) -> Site:
    site = get(session=session, site_id=site_id)
    _check_codes(prefecture_code, municipality_code)
    changes: dict[str, object] = {}
    if name is not None:
        site.name = changes["name"] = required_text("name", name)
    if prefecture_code is not None:
        site.prefecture_code = changes["prefecture_code"] = prefecture_code
    if municipality_code is not None:
        site.municipality_code = changes["municipality_code"] = municipality_code
    if address is not None:
        site.address = changes["address"] = address
    if is_active is not None:
        site.is_active = changes["is_active"] = is_active
    audit.record(session, actor=actor, action="site.update", target_type="site", target_id=site.id,
                 detail=changes)
    return site
