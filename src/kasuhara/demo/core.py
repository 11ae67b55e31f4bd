"""Core demo data: a retail chain with five sites, its people, known customers and six months of cases.

Deterministic: a seeded random generator and dates counted back from today (Japan time), so every
run tells the same story. Everything goes through the services, so the audit chain is real too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasuhara.services import company_settings, customers, decisions, incidents, judgments, sites, users
from kasuhara.services.auth import hash_password
from kasuhara.store.models.users import User

ORDER = 10
SEED = 20261123
DEMO_PASSWORD = "kasuhara-demo-2026"
"""Printed at start; the demo refuses to run outside development."""

COMPANY = {
    "company_name": "株式会社さくらマート",
    "industry": "小売業 (スーパーマーケット)",
    "prefecture_code": "13",
    "municipality_code": "131041",
    "desk_name": "さくらマート 従業員相談窓口 (人事部)",
    "desk_phone": "03-0000-1234",
    "desk_email": "soudan@sakura-mart.example.jp",
    "desk_hours": "平日 9:00〜18:00",
    "desk_note": "匿名での相談もできます。",
}
SITES = (
    ("SJK", "新宿本店", "13", "131041"),
    ("SBY", "渋谷店", "13", "131130"),
    ("YKH", "横浜西口店", "14", "141038"),
    ("UMD", "梅田店", "27", "271276"),
    ("CC", "お客様相談センター (電話)", "13", "131016"),
)
ACCOUNTS = (
    ("admin@example.jp", "管理者 山本", "admin", ()),
    ("auditor@example.jp", "監査 小林", "auditor", ()),
    ("desk@example.jp", "相談窓口 中村", "desk", ()),
    ("supervisor@example.jp", "店長 佐藤 (新宿・渋谷)", "supervisor", ("SJK", "SBY")),
    ("supervisor.west@example.jp", "店長 伊藤 (横浜・梅田)", "supervisor", ("YKH", "UMD")),
    ("supervisor.cc@example.jp", "センター長 加藤", "supervisor", ("CC",)),
    ("staff@example.jp", "店員 鈴木 (新宿)", "staff", ("SJK",)),
    ("staff.shibuya@example.jp", "店員 高橋 (渋谷)", "staff", ("SBY",)),
    ("staff.umeda@example.jp", "店員 田中 (梅田)", "staff", ("UMD",)),
    ("operator@example.jp", "オペレーター 渡辺", "staff", ("CC",)),
)
CUSTOMERS = (
    ("山田 一郎", [("name", "山田一郎"), ("phone", "090-1111-2222")], "返金要求を繰り返す。毎回長時間。"),
    ("匿名の電話の男性 (通称: 夜の電話)", [("alias", "夜の電話"), ("phone", "03-9999-0001")], "閉店間際に電話。"),
    ("佐々木 花子", [("name", "ササキハナコ"), ("email", "hanako.s@example.com")], ""),
    ("常連の年配男性 (渋谷)", [("alias", "渋谷の常連")], "店員の解雇を要求したことがある。"),
    ("木村 健", [("name", "木村健"), ("phone", "080-3333-4444")], ""),
    ("SNS投稿者 @angry_shopper", [("alias", "@angry_shopper")], "店内撮影とSNS投稿の予告。"),
)


@dataclass(frozen=True)
class Template:
    title: str
    summary: str
    channel: str
    facts: dict[str, Any]


TEMPLATES = (
    Template("返金の強要と大声での罵倒", "購入後1か月の食品について全額返金を要求。「バカ」「無能」と大声で繰り返した。",
             "phone", {"demand": {"kind": "refund", "validity": "invalid"}, "behaviours": ["verbal_abuse"],
                       "duration_minutes": 75}),
    Template("土下座の要求", "レジ待ちの遅れに立腹し、店員に土下座での謝罪を要求。", "in_person",
             {"demand": {"kind": "apology", "validity": "partially_valid"}, "behaviours": ["forced_kneeling"],
              "duration_minutes": 25}),
    Template("同じ内容の電話が繰り返し", "配送遅延について1週間に14回の電話。毎回同じ説明を求める。", "phone",
             {"demand": {"kind": "explanation", "validity": "partially_valid"},
              "contacts_in_period": {"count": 14, "days": 7}, "duration_minutes": 20}),
    Template("退去を求めても居座り", "閉店後も売場に居座り、3回退去を求めても応じなかった。", "in_person",
             {"demand": {"kind": "compensation", "validity": "invalid"}, "behaviours": ["refusal_to_leave"],
              "asked_to_leave": 3, "duration_minutes": 120}),
    Template("店員の撮影とSNS投稿の予告", "対応した店員をスマートフォンで撮影し「ネットにさらす」と発言。", "in_person",
             {"demand": {"kind": "apology", "validity": "invalid"},
              "behaviours": ["unauthorized_filming", "sns_exposure"], "duration_minutes": 15}),
    Template("商品不良による交換の申し出", "開封直後に破損が見つかった家電の交換希望。口調は強いが要求は正当。", "in_person",
             {"demand": {"kind": "exchange", "validity": "valid"}, "duration_minutes": 10}),
    Template("脅迫的な発言", "「夜道に気をつけろよ」と発言して電話を切った。", "phone",
             {"demand": {"kind": "compensation", "validity": "invalid"}, "behaviours": ["threat"],
              "duration_minutes": 8}),
    Template("従業員の解雇要求", "対応した店員を辞めさせろとメールで繰り返し要求。", "email",
             {"demand": {"kind": "other", "validity": "invalid"}, "behaviours": ["attack_on_individual"]}),
    Template("商品を投げつけた", "返品を断られたことに激高し、商品をカウンターに投げつけた。", "in_person",
             {"demand": {"kind": "refund", "validity": "invalid"}, "behaviours": ["physical_attack", "property_damage"],
              "injury": False, "duration_minutes": 12}),
    Template("説明を求める問い合わせ (要確認)", "ポイント失効について説明を求める。語気は荒いが事実確認が必要。", "phone",
             {"demand": {"kind": "explanation", "validity": "unknown"}, "duration_minutes": 35}),
)
DECISIONS = {
    "customer_harassment": ("warning", "録音と店員の記録を確認。書面で警告し、次回は対応を打ち切ると伝える。"),
    "unjustified_demand": ("explanation", "要求には応じられない旨を責任者から説明。"),
}


def _user(session: Session, email: str) -> User:
    from sqlalchemy import select

    user = session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def populate(session: Session, context: Any) -> None:
    rng = random.Random(SEED)
    company_settings.update(session=session, actor=None, changes=COMPANY)
    site_rows = {code: sites.create(session=session, actor=None, code=code, name=name, prefecture_code=pref,
                                    municipality_code=muni) for code, name, pref, muni in SITES}
    people: dict[str, User] = {}
    shared_hash = hash_password(DEMO_PASSWORD)  # one argon2 run, not ten
    for email, name, role, homes in ACCOUNTS:
        people[email] = users.create(session=session, actor=None, email=email, display_name=name, role=role,
                                     password=DEMO_PASSWORD, password_hash=shared_hash,
                                     site_ids=[site_rows[c].id for c in homes])
    admin = people["admin@example.jp"]
    known = [customers.create(session=session, actor=admin, display_name=name, note=note, identifiers=idents)
             for name, idents, note in CUSTOMERS]
    session.commit()

    supervisors = {site_rows[c].id: people[email] for email, _n, role, homes in ACCOUNTS if role == "supervisor"
                   for c in homes}
    staff_by_site = {site_rows[c].id: people[email] for email, _n, role, homes in ACCOUNTS if role == "staff"
                     for c in homes}
    today = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0)
    created = []
    for index in range(72):
        site = rng.choice(list(site_rows.values()))
        template = TEMPLATES[0] if site.code == "CC" and index % 3 == 0 else rng.choice(TEMPLATES)
        channel = "phone" if site.code == "CC" else template.channel
        when = today - timedelta(days=rng.randint(0, 180), hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        reporter = staff_by_site.get(site.id) or supervisors[site.id]
        customer = known[0] if template is TEMPLATES[0] and rng.random() < 0.5 else (
            rng.choice(known) if rng.random() < 0.35 else None)
        incident = incidents.create(session=session, actor=reporter, site_id=site.id, occurred_at=when,
                                    channel=channel, title=template.title, summary=template.summary,
                                    facts=template.facts, customer_id=customer.id if customer else None)
        created.append(incident)
        _work(session, rng, incident.id, supervisors[site.id], age_days=(today - when).days)
    session.commit()
    _put(context, "company", company_settings.get(session=session))
    _put(context, "sites", list(site_rows.values()))
    _put(context, "users", list(people.values()))
    _put(context, "customers", known)
    _put(context, "incidents", created)
    accounts = [(email, role, DEMO_PASSWORD) for email, _n, role, _h in ACCOUNTS]
    _put(context, "accounts", [*(_get(context, "accounts") or []), *accounts])


def _work(session: Session, rng: random.Random, incident_id: int, supervisor: User, *, age_days: int) -> None:
    """Older cases are further along: assessed, judged, decided, some closed."""
    if age_days < 3 and rng.random() < 0.6:
        return
    inc = incidents.transition(session=session, actor=supervisor, incident_id=incident_id, to="assessing",
                               version=1)
    snapshot = judgments.run(session=session, actor=supervisor, incident_id=incident_id)
    if age_days < 10:
        return
    inc = incidents.transition(session=session, actor=supervisor, incident_id=incident_id, to="responding",
                               version=inc.version)
    planned = DECISIONS.get(snapshot.determination)
    if planned is not None:
        decisions.create(session=session, actor=supervisor, incident_id=incident_id, kind=planned[0],
                         reason=planned[1], judgment_id=snapshot.id)
    if age_days > 30:
        incidents.transition(session=session, actor=supervisor, incident_id=incident_id, to="closed",
                             version=inc.version, reason="対応を完了し、再発なし。")


def _get(context: Any, name: str) -> Any:
    return context.get(name) if isinstance(context, dict) else getattr(context, name, None)


def _put(context: Any, name: str, value: Any) -> None:
    if isinstance(context, dict):
        context[name] = value
    else:
        setattr(context, name, value)
