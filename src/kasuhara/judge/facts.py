"""Incident facts: the judgment's only input, parsed strictly.

A supervisor types these in a hurry; a silent default on a mistyped field would change the
judgment, so every unknown field, wrong type or impossible value is an `InputError` that names
the field and the allowed values in Japanese and English. All problems are reported at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from kasuhara.errors import FieldProblem, InputError, Message
from kasuhara.knowledge import KnowledgeBase, load_knowledge_base
from kasuhara.knowledge.vocabulary import CHANNELS, DEMAND_KINDS, VALIDITIES

JST = timezone(timedelta(hours=9), "JST")
"""Japan has no daylight saving: a fixed +09:00 is exact and needs no tz database."""

FIELDS = (
    "occurred_at",
    "location",
    "channel",
    "demand",
    "behaviours",
    "duration_minutes",
    "contacts_in_period",
    "asked_to_leave",
    "injury",
    "public",
    "staff_is_public_official",
    "utterances",
    "screened_confirmed",
    "screened_rejected",
    "physical_contact",
    "stayed_after_request",
    "weapon_shown",
    "acted_jointly",
    "accommodation_request",
    "lodging",
    "public_venue",
)
TRI_STATE_FIELDS = (
    "physical_contact",
    "stayed_after_request",
    "weapon_shown",
    "acted_jointly",
    "accommodation_request",
    "lodging",
    "public_venue",
)
"""Facts that are true, false or unknown (null): an element of an offence or a limit of the duty.

physical_contact: the sexual conduct included touching (art. 176 needs an indecent act, not words);
stayed_after_request: the person did not leave (or end the call) after being asked (art. 130);
weapon_shown / acted_jointly: 暴力行為等処罰法 art. 1; accommodation_request: a disabled person asked
for a social barrier to be removed (障害者差別解消法 art. 8(2)); lodging: the workplace is an inn or
hotel (旅館業法 art. 5); public_venue: a restaurant, theatre or other public place of entertainment,
or public transport (軽犯罪法 art. 1 item 5).
"""
DEMAND_FIELDS = ("kind", "validity", "related_to_service")
LOCATION_FIELDS = ("prefecture", "municipality")
CONTACT_FIELDS = ("count", "days")


@dataclass(frozen=True, slots=True)
class Demand:
    kind: str = "none"
    validity: str = "unknown"
    related_to_service: bool = True

    @property
    def is_valid(self) -> bool:
        """Valid in full: the only case in which time spent is not restraint."""
        return self.kind != "none" and self.validity == "valid" and self.related_to_service


@dataclass(frozen=True, slots=True)
class Location:
    prefecture_code: str | None = None
    prefecture_name: str | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None
    municipality_input: str | None = None


@dataclass(frozen=True, slots=True)
class ContactCount:
    count: int
    days: int


@dataclass(frozen=True, slots=True)
class Facts:
    """What happened, validated. `occurred_on` is the date in Japan the penalty is keyed to."""

    channel: str
    demand: Demand
    occurred_on: date
    occurred_at: datetime | None = None
    date_given: bool = True
    location: Location | None = None
    behaviours: tuple[str, ...] = ()
    duration_minutes: float | None = None
    contacts_in_period: ContactCount | None = None
    asked_to_leave: int = 0
    injury: bool | None = None
    public: bool | None = None
    staff_is_public_official: bool = False
    utterances: tuple[str, ...] = ()
    screened_confirmed: tuple[str, ...] = ()
    """Screened behaviours a person confirmed: they count in the judgment like reported ones."""
    screened_rejected: tuple[str, ...] = ()
    """Screened behaviours a person rejected: listed as rejected suggestions, never counted."""
    physical_contact: bool | None = None
    stayed_after_request: bool | None = None
    weapon_shown: bool | None = None
    acted_jointly: bool | None = None
    accommodation_request: bool | None = None
    lodging: bool | None = None
    public_venue: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """The facts as JSON again (normalised: codes resolved, defaults filled in)."""
        out: dict[str, Any] = {
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else self.occurred_on.isoformat(),
            "channel": self.channel,
            "demand": {
                "kind": self.demand.kind,
                "validity": self.demand.validity,
                "related_to_service": self.demand.related_to_service,
            },
            "behaviours": list(self.behaviours),
            "asked_to_leave": self.asked_to_leave,
            "injury": self.injury,
            "public": self.public,
            "staff_is_public_official": self.staff_is_public_official,
        }
        for name in TRI_STATE_FIELDS:
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.location is not None:
            loc: dict[str, Any] = {}
            if self.location.prefecture_code:
                loc["prefecture"] = self.location.prefecture_code
            if self.location.municipality_code:
                loc["municipality"] = self.location.municipality_code
            elif self.location.municipality_input:
                loc["municipality"] = self.location.municipality_input
            out["location"] = loc
        if self.duration_minutes is not None:
            out["duration_minutes"] = self.duration_minutes
        if self.contacts_in_period is not None:
            out["contacts_in_period"] = {"count": self.contacts_in_period.count, "days": self.contacts_in_period.days}
        if self.utterances:
            out["utterances"] = list(self.utterances)
        if self.screened_confirmed:
            out["screened_confirmed"] = list(self.screened_confirmed)
        if self.screened_rejected:
            out["screened_rejected"] = list(self.screened_rejected)
        return out


def _unknown(field: str, allowed: tuple[str, ...]) -> FieldProblem:
    return FieldProblem(field, Message("不明な項目です", "unknown field"), allowed)


def _type(field: str, ja: str, en: str) -> FieldProblem:
    return FieldProblem(field, Message(f"{ja}を指定してください", f"must be {en}"))


class _Parser:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.problems: list[FieldProblem] = []

    def choice(self, value: Any, field: str, allowed: Mapping[str, Message]) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            self.problems.append(
                FieldProblem(field, Message("使用できない値です", "not an allowed value"), tuple(allowed))
            )
            return None
        return value

    def boolean(self, value: Any, field: str) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problems.append(_type(field, "true か false（不明なら null）", "true or false (null if unknown)"))
            return None
        return value

    def integer(self, value: Any, field: str, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(_type(field, f"{minimum}以上の整数", f"an integer of at least {minimum}"))
            return None
        if value < minimum:
            self.problems.append(
                FieldProblem(field, Message(f"{minimum}以上を指定してください（負の値は使えません）" if minimum == 0
                                            else f"{minimum}以上を指定してください",
                                            f"must be at least {minimum}"))
            )
            return None
        return value

    def mapping(self, value: Any, field: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problems.append(_type(field, "オブジェクト", "an object"))
            return None
        for key in value:
            if key not in allowed:
                self.problems.append(_unknown(f"{field}.{key}", allowed))
        return value

    def occurred(self, value: Any, today: date) -> tuple[date | None, datetime | None]:
        field = "occurred_at"
        if not isinstance(value, str):
            self.problems.append(_type(field, "日付（YYYY-MM-DD）又は日時（ISO 8601）", "a date (YYYY-MM-DD) or ISO 8601 datetime"))
            return None, None
        text = value.strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                moment = None
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
                moment = parsed.replace(tzinfo=JST) if parsed.tzinfo is None else parsed.astimezone(JST)
                day = moment.date()
        except ValueError:
            self.problems.append(
                FieldProblem(field, Message(f"存在しない日付又は不正な形式です: {text}",
                                            f"impossible date or bad format: {text}"),
                             ("YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS+09:00"))
            )
            return None, None
        if day > today:
            self.problems.append(
                FieldProblem(field, Message(f"未来の日付です（今日は{today.isoformat()}）",
                                            f"is in the future (today is {today.isoformat()})"))
            )
            return None, None
        return day, moment

    def location(self, value: Any) -> Location | None:
        data = self.mapping(value, "location", LOCATION_FIELDS)
        if data is None:
            return None
        pref_raw = data.get("prefecture")
        muni_raw = data.get("municipality")
        prefecture = None
        if pref_raw is not None:
            if isinstance(pref_raw, int) and not isinstance(pref_raw, bool):
                pref_raw = f"{pref_raw:02d}"
            if not isinstance(pref_raw, str):
                self.problems.append(_type("location.prefecture", "都道府県名又はJISコード", "a prefecture name or JIS code"))
            else:
                prefecture = self.kb.find_prefecture(pref_raw)
                if prefecture is None:
                    self.problems.append(
                        FieldProblem("location.prefecture",
                                     Message(f"不明な都道府県です: {pref_raw}（例: 東京都, 東京, Tokyo, 13）",
                                             f"unknown prefecture: {pref_raw} (e.g. 東京都, 東京, Tokyo, 13)"))
                    )
        municipality = None
        muni_input = None
        if muni_raw is not None:
            if isinstance(muni_raw, int) and not isinstance(muni_raw, bool):
                muni_raw = f"{muni_raw:05d}"
            if not isinstance(muni_raw, str) or not muni_raw.strip():
                self.problems.append(_type("location.municipality", "市区町村名又はコード", "a municipality name or code"))
            else:
                muni_input = muni_raw.strip()
                code = muni_input[:5] if muni_input.isdigit() and len(muni_input) == 6 else muni_input
                municipality = self.kb.find_municipality(code, prefecture.code if prefecture else None)
                if prefecture is None and municipality is not None and pref_raw is None:
                    prefecture = self.kb.prefecture(municipality.prefecture_code)
        return Location(
            prefecture_code=prefecture.code if prefecture else None,
            prefecture_name=prefecture.name if prefecture else None,
            municipality_code=municipality.code if municipality else None,
            municipality_name=municipality.name if municipality else None,
            municipality_input=muni_input,
        )


def parse_facts(obj: Mapping[str, Any], *, kb: KnowledgeBase | None = None, today: date | None = None) -> Facts:
    """Validate incident facts (the JSON of issue 3) into `Facts`, or raise `InputError`.

    `today` (default: today in Japan) is only used to refuse dates in the future and as the
    date when `occurred_at` is missing.
    """
    kb = kb or load_knowledge_base()
    p = _Parser(kb)
    now = datetime.now(JST)
    today = today or now.date()
    if not isinstance(obj, Mapping):
        raise InputError([_type("(facts)", "JSONオブジェクト", "a JSON object")])
    for key in obj:
        if key not in FIELDS:
            p.problems.append(_unknown(str(key), FIELDS))

    occurred_on: date | None = today
    occurred_at: datetime | None = None
    date_given = "occurred_at" in obj and obj["occurred_at"] is not None
    if date_given:
        occurred_on, occurred_at = p.occurred(obj["occurred_at"], today)
    elif today == now.date():
        occurred_at = now.replace(microsecond=0)

    location = p.location(obj["location"]) if obj.get("location") is not None else None

    channel = None
    if "channel" not in obj:
        p.problems.append(FieldProblem("channel", Message("必須の項目です", "is required"), tuple(CHANNELS)))
    else:
        channel = p.choice(obj["channel"], "channel", CHANNELS)

    demand = Demand()
    if obj.get("demand") is not None:
        data = p.mapping(obj["demand"], "demand", DEMAND_FIELDS)
        if data is not None:
            kind = p.choice(data.get("kind"), "demand.kind", DEMAND_KINDS) if "kind" in data else None
            if "kind" not in data:
                p.problems.append(FieldProblem("demand.kind", Message("必須の項目です", "is required"), tuple(DEMAND_KINDS)))
            validity: str | None = "unknown"
            if "validity" in data:
                validity = p.choice(data["validity"], "demand.validity", VALIDITIES)
            elif kind not in (None, "none"):
                p.problems.append(
                    FieldProblem("demand.validity", Message("必須の項目です", "is required"), tuple(VALIDITIES))
                )
            related = True
            if "related_to_service" in data:
                r = p.boolean(data["related_to_service"], "demand.related_to_service")
                related = True if r is None else r
            if kind and validity:
                demand = Demand(kind, validity, related)

    behaviours: list[str] = []
    raw_b = obj.get("behaviours", [])
    if not isinstance(raw_b, list):
        p.problems.append(_type("behaviours", "行為IDの配列", "a list of behaviour ids"))
    else:
        known = set(kb.behaviour_ids)
        for i, b in enumerate(raw_b):
            if not isinstance(b, str) or b not in known:
                p.problems.append(
                    FieldProblem(f"behaviours[{i}]", Message(f"不明な行為IDです: {b!r}", f"unknown behaviour id: {b!r}"),
                                 kb.behaviour_ids)
                )
            elif b not in behaviours:
                behaviours.append(b)

    duration: float | None = None
    if obj.get("duration_minutes") is not None:
        d = obj["duration_minutes"]
        if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d):
            p.problems.append(_type("duration_minutes", "0以上の数（分）", "a number of minutes, at least 0"))
        elif d < 0:
            p.problems.append(FieldProblem("duration_minutes", Message("0以上を指定してください（負の値は使えません）",
                                                                       "must be at least 0 (no negative duration)")))
        else:
            duration = float(d)

    contacts = None
    if obj.get("contacts_in_period") is not None:
        data = p.mapping(obj["contacts_in_period"], "contacts_in_period", CONTACT_FIELDS)
        if data is not None:
            count = p.integer(data.get("count"), "contacts_in_period.count", 0)
            days = p.integer(data.get("days"), "contacts_in_period.days", 1)
            if count is not None and days is not None:
                contacts = ContactCount(count, days)

    asked = 0
    if obj.get("asked_to_leave") is not None:
        asked = p.integer(obj["asked_to_leave"], "asked_to_leave", 0) or 0

    injury = p.boolean(obj.get("injury"), "injury")
    public = p.boolean(obj.get("public"), "public")
    official = p.boolean(obj.get("staff_is_public_official"), "staff_is_public_official")
    tri = {name: p.boolean(obj.get(name), name) for name in TRI_STATE_FIELDS}

    utterances: list[str] = []
    raw_u = obj.get("utterances", [])
    if raw_u is None:
        raw_u = []
    if not isinstance(raw_u, list) or not all(isinstance(u, str) for u in raw_u):
        p.problems.append(_type("utterances", "文字列の配列", "a list of strings"))
    else:
        utterances = [u for u in raw_u if u.strip()]

    confirmed = _screened_ids(p, obj.get("screened_confirmed"), "screened_confirmed")
    rejected = _screened_ids(p, obj.get("screened_rejected"), "screened_rejected")
    for bid in sorted(set(confirmed) & set(rejected)):
        p.problems.append(FieldProblem("screened_rejected", Message(
            f"同じ行為を確認と却下の両方にはできません: {bid}", f"a behaviour cannot be both confirmed and rejected: {bid}")))

    if p.problems:
        raise InputError(p.problems)
    assert channel is not None and occurred_on is not None
    return Facts(
        channel=channel,
        demand=demand,
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        date_given=date_given,
        location=location,
        behaviours=tuple(behaviours),
        duration_minutes=duration,
        contacts_in_period=contacts,
        asked_to_leave=asked,
        injury=injury,
        public=public,
        staff_is_public_official=bool(official),
        utterances=tuple(utterances),
        screened_confirmed=tuple(confirmed),
        screened_rejected=tuple(rejected),
        physical_contact=tri["physical_contact"],
        stayed_after_request=tri["stayed_after_request"],
        weapon_shown=tri["weapon_shown"],
        acted_jointly=tri["acted_jointly"],
        accommodation_request=tri["accommodation_request"],
        lodging=tri["lodging"],
        public_venue=tri["public_venue"],
    )


def _screened_ids(p: _Parser, raw: Any, field: str) -> list[str]:
    """A person's decisions on screened behaviours: a list of known behaviour ids (duplicates dropped)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        p.problems.append(_type(field, "行為IDの配列", "a list of behaviour ids"))
        return []
    known = set(p.kb.behaviour_ids)
    out: list[str] = []
    for i, b in enumerate(raw):
        if not isinstance(b, str) or b not in known:
            p.problems.append(FieldProblem(f"{field}[{i}]", Message(f"不明な行為IDです: {b!r}", f"unknown behaviour id: {b!r}"),
                                           p.kb.behaviour_ids))
        elif b not in out:
            out.append(b)
    return out
