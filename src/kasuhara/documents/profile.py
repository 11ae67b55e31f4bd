"""The company a document is written for (CompanyProfile), read from YAML or from app settings.

Every document is generated from this profile and from the knowledge base, so a company never
has to write legal text itself: name, industry, place (which decides the ordinance), sites,
judgment thresholds and the consultation desk are all it supplies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kasuhara.company import Thresholds
from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.validation import read_mapping_file

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
"""JIS X 0401 order: the prefecture code is the 1-based index."""

INDUSTRIES: dict[str, Message] = {
    "retail": Message("小売業", "retail"),
    "rental_housing": Message("賃貸住宅管理業", "rental-housing management"),
    "hospitality": Message("宿泊業", "hospitality"),
    "food_service": Message("飲食業", "food service"),
    "call_center": Message("コールセンター", "call centre"),
    "healthcare": Message("医療・介護", "healthcare and care"),
    "transport": Message("運輸業", "transport"),
    "public_counter": Message("公的窓口", "public counter"),
    "other": Message("その他", "other"),
}


@dataclass(frozen=True)
class Site:
    """A shop, office or counter where staff meet customers."""

    name: str
    address: str = ""
    phone: str = ""
    prefecture: str = ""
    municipality_code: str = ""

    @property
    def prefecture_code(self) -> str:
        return f"{PREFECTURES.index(self.prefecture) + 1:02d}" if self.prefecture in PREFECTURES else ""


@dataclass(frozen=True)
class DeskContact:
    """The consultation desk (相談窓口) staff turn to; the Act requires one."""

    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.name and (self.phone or self.email))


@dataclass(frozen=True)
class ContactPoint:
    """Where customers turn (お客様窓口): a repeat caller or a warned customer is sent here.

    Kept apart from the employees' consultation desk (DeskContact): a harasser must never be
    pointed at the desk that protects the staff from them.
    """

    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.name and (self.phone or self.email))


@dataclass(frozen=True)
class CompanyProfile:
    """What a document needs to know about the company."""

    name: str
    industry: str
    prefecture: str
    municipality: str = ""
    municipality_code: str = ""
    name_en: str = ""
    representative: str = ""
    address: str = ""
    sites: tuple[Site, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    desk: DeskContact | None = None
    police_contact: str = ""
    lawyer_contact: str = ""
    customer_contact: ContactPoint | None = None

    @property
    def prefecture_code(self) -> str:
        return f"{PREFECTURES.index(self.prefecture) + 1:02d}"

    def industry_label(self, lang: str) -> str:
        return INDUSTRIES[self.industry].in_(lang)

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    @property
    def is_rental_housing(self) -> bool:
        return self.industry == "rental_housing"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "industry": self.industry,
            "prefecture": self.prefecture,
            "municipality": self.municipality,
            "municipality_code": self.municipality_code,
            "representative": self.representative,
            "address": self.address,
            "sites": [
                {"name": s.name, "address": s.address, "phone": s.phone, "prefecture": s.prefecture,
                 "municipality_code": s.municipality_code}
                for s in self.sites
            ],
            "thresholds": self.thresholds.to_dict(),
            "desk": None
            if self.desk is None
            else {"name": self.desk.name, "phone": self.desk.phone, "email": self.desk.email, "hours": self.desk.hours},
            "police_contact": self.police_contact,
            "lawyer_contact": self.lawyer_contact,
            "customer_contact": None if self.customer_contact is None else {
                "name": self.customer_contact.name, "phone": self.customer_contact.phone,
                "email": self.customer_contact.email, "hours": self.customer_contact.hours},
        }

    def site(self, name: str) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)


def _problem(path: str, ja: str, en: str, allowed: tuple[str, ...] = ()) -> FieldProblem:
    return FieldProblem(path, Message(ja, en), allowed)


def _text(data: Mapping[str, Any], key: str, path: str, problems: list[FieldProblem], *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(_problem(f"{path}{key}", "文字列を指定してください", "must be a string"))
        return ""
    if required and not value.strip():
        problems.append(_problem(f"{path}{key}", "必須項目です", "is required"))
    return value.strip()


_TOP_FIELDS = (
    "name", "name_en", "industry", "prefecture", "municipality", "municipality_code", "representative",
    "address", "sites", "thresholds", "desk", "police_contact", "lawyer_contact", "customer_contact",
)


def company_from_mapping(data: Mapping[str, Any]) -> CompanyProfile:
    """Validate a mapping into a profile; every problem names its field."""
    problems: list[FieldProblem] = []
    for key in data:
        if key not in _TOP_FIELDS:
            problems.append(_problem(str(key), "不明な項目です", "unknown field", _TOP_FIELDS))
    name = _text(data, "name", "", problems, required=True)
    industry = _text(data, "industry", "", problems, required=True)
    if industry and industry not in INDUSTRIES:
        problems.append(_problem("industry", "業種が不明です", "unknown industry", tuple(INDUSTRIES)))
    prefecture = _text(data, "prefecture", "", problems, required=True)
    if prefecture and prefecture not in PREFECTURES:
        problems.append(_problem("prefecture", "都道府県名が不明です（例: 東京都）", "unknown prefecture (e.g. 東京都)"))
    municipality_code = _text(data, "municipality_code", "", problems)
    if municipality_code and not (municipality_code.isdigit() and len(municipality_code) in (5, 6)):
        problems.append(_problem("municipality_code", "5桁の全国地方公共団体コードです", "a 5-digit local-government code"))
    sites: list[Site] = []
    raw_sites = data.get("sites") or []
    if not isinstance(raw_sites, list):
        problems.append(_problem("sites", "一覧を指定してください", "must be a list"))
        raw_sites = []
    for i, raw in enumerate(raw_sites):
        if not isinstance(raw, dict):
            problems.append(_problem(f"sites.{i}", "オブジェクトが必要です", "must be a mapping"))
            continue
        for key in raw:
            if key not in ("name", "address", "phone", "prefecture", "municipality_code"):
                problems.append(_problem(f"sites.{i}.{key}", "不明な項目です", "unknown field"))
        site_pref = _text(raw, "prefecture", f"sites.{i}.", problems)
        if site_pref and site_pref not in PREFECTURES:
            problems.append(_problem(f"sites.{i}.prefecture", "都道府県名が不明です（例: 東京都）", "unknown prefecture (e.g. 東京都)"))
        site_muni = _text(raw, "municipality_code", f"sites.{i}.", problems)
        if site_muni and not (site_muni.isdigit() and len(site_muni) in (5, 6)):
            problems.append(_problem(f"sites.{i}.municipality_code", "5桁の全国地方公共団体コードです", "a 5-digit local-government code"))
        sites.append(
            Site(
                name=_text(raw, "name", f"sites.{i}.", problems, required=True),
                address=_text(raw, "address", f"sites.{i}.", problems),
                phone=_text(raw, "phone", f"sites.{i}.", problems),
                prefecture=site_pref,
                municipality_code=site_muni,
            )
        )
    desk: DeskContact | None = None
    raw_desk = data.get("desk")
    if raw_desk is not None:
        if not isinstance(raw_desk, dict):
            problems.append(_problem("desk", "オブジェクトが必要です", "must be a mapping"))
        else:
            desk = DeskContact(
                name=_text(raw_desk, "name", "desk.", problems, required=True),
                phone=_text(raw_desk, "phone", "desk.", problems),
                email=_text(raw_desk, "email", "desk.", problems),
                hours=_text(raw_desk, "hours", "desk.", problems),
            )
    customer_contact: ContactPoint | None = None
    raw_contact = data.get("customer_contact")
    if raw_contact is not None:
        if not isinstance(raw_contact, dict):
            problems.append(_problem("customer_contact", "オブジェクトが必要です", "must be a mapping"))
        else:
            for key in raw_contact:
                if key not in ("name", "phone", "email", "hours"):
                    problems.append(_problem(f"customer_contact.{key}", "不明な項目です", "unknown field"))
            customer_contact = ContactPoint(
                name=_text(raw_contact, "name", "customer_contact.", problems, required=True),
                phone=_text(raw_contact, "phone", "customer_contact.", problems),
                email=_text(raw_contact, "email", "customer_contact.", problems),
                hours=_text(raw_contact, "hours", "customer_contact.", problems),
            )
            if customer_contact.name and not (customer_contact.phone or customer_contact.email):
                problems.append(_problem("customer_contact.phone", "電話番号かメールアドレスが必要です",
                                         "needs a phone number or an e-mail address"))
    thresholds = Thresholds()
    raw_thresholds = data.get("thresholds") or {}
    if not isinstance(raw_thresholds, dict):
        problems.append(_problem("thresholds", "オブジェクトが必要です", "must be a mapping"))
    else:
        try:
            thresholds = Thresholds.from_mapping(raw_thresholds)
        except InputError as exc:
            problems.extend(exc.problems)
    rest = {k: _text(data, k, "", problems) for k in ("name_en", "municipality", "representative", "address", "police_contact", "lawyer_contact")}
    if problems:
        raise InputError(problems)
    return CompanyProfile(
        name=name,
        industry=industry,
        prefecture=prefecture,
        municipality_code=municipality_code,
        sites=tuple(sites),
        thresholds=thresholds,
        desk=desk,
        customer_contact=customer_contact,
        **rest,
    )


def load_company(path: Path) -> CompanyProfile:
    """Read a company profile from a YAML (or JSON) file, as the CLI does."""
    data = read_mapping_file(path, field="company")
    return company_from_mapping(data)
