"""Demo data for the consultation desk, employee care and repeat offenders.

Reads what earlier demo modules created from the database (users by role, sites), so it works
whatever shape `context` has; it adds anything missing it needs. What it shows:
- an anonymous consultation past its first-reply deadline (demo report key and passphrase below,
  for trying "come back with the key"; a real key is random and shown once),
- a named consultation the desk answered and linked to an incident,
- care records, one with a follow-up due,
- a customer recorded at two sites with the same phone typed differently, three incidents:
  linked automatically, over the threshold, alert raised,
- a banned customer that the counter check recognises (phone 03-0000-9999).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasuhara.desk import reportkey
from kasuhara.desk.crypto import FieldCipher
from kasuhara.store.models.customers import Customer, CustomerIdentifier
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User

ORDER = 30
DEMO_REPORT_KEY = "DEMK-EYDE-SK20-2610-0001"
DEMO_PASSPHRASE = "demo-passphrase"


def _get(context: Any, name: str) -> Any:
    if isinstance(context, dict):
        return context.get(name)
    return getattr(context, name, None)


def _put(context: Any, name: str, value: Any) -> None:
    if isinstance(context, dict):
        context[name] = value
    else:
        with contextlib.suppress(AttributeError):
            setattr(context, name, value)


def _cipher(context: Any) -> FieldCipher:
    from kasuhara.config import Settings
    from kasuhara.services.consultations import cipher_from_settings

    settings = _get(context, "settings")
    return cipher_from_settings(settings if isinstance(settings, Settings) else Settings())


def _user(session: Session, role: str, email: str, name: str) -> User:
    found = session.scalars(select(User).where(User.role == role, User.is_active).order_by(User.id)).first()
    if found is not None:
        return found
    from kasuhara.services.auth import hash_password

    user = User(email=email, display_name=name, role=role, password_hash=hash_password("demo-password-desk"))
    session.add(user)
    session.flush()
    return user


def _site(session: Session, code: str, name: str) -> Site:
    found = session.scalars(select(Site).where(Site.code == code)).first()
    if found is not None:
        return found
    site = Site(code=code, name=name)
    session.add(site)
    session.flush()
    return site


def _customer(session: Session, name: str, phone: str) -> Customer:
    from kasuhara.services.customers import normalize

    customer = Customer(display_name=name, note="デモ / demo")
    session.add(customer)
    session.flush()
    session.add(CustomerIdentifier(customer_id=customer.id, kind="phone", value=phone,
                                   normalized=normalize("phone", phone)))
    session.flush()
    return customer


def _incident(session: Session, *, reporter: User, site: Site, customer: Customer, title: str, summary: str,
              days_ago: int, status: str = "reported") -> Incident:
    incident = Incident(reporter_id=reporter.id, site_id=site.id, customer_id=customer.id,
                        occurred_at=datetime.now(UTC) - timedelta(days=days_ago), channel="phone", title=title,
                        summary=summary, facts={}, status=status)
    session.add(incident)
    session.flush()
    return incident


def populate(session: Session, context: Any) -> None:
    from kasuhara.services import care, consultations, offenders
    from kasuhara.services.consultations import japan_today

    cipher = _cipher(context)
    today = japan_today()
    desk = _user(session, "desk", "desk@example.jp", "相談窓口 担当")
    staff = _user(session, "staff", "staff@example.jp", "店員 花子")
    supervisor = _user(session, "supervisor", "supervisor@example.jp", "店長 一郎")
    sites = list(session.scalars(select(Site).order_by(Site.id)))
    site_a = sites[0] if sites else _site(session, "DEMO-A", "新宿店")
    site_b = sites[1] if len(sites) > 1 else _site(session, "DEMO-B", "渋谷店")
    consultations.desk_settings(session)

    # A repeat customer, recorded at two sites with the same phone typed differently.
    repeat_a = _customer(session, "長電話 太郎", "090-1111-2222")
    repeat_b = _customer(session, "ナガデンワ", "+81 90 1111 2222")
    first = _incident(session, reporter=staff, site=site_a, customer=repeat_a, title="2時間に及ぶ電話",
                      summary="同じ苦情を繰り返し、2時間電話を切らせなかった。", days_ago=40)
    _incident(session, reporter=staff, site=site_b, customer=repeat_b, title="店員への暴言",
              summary="「使えない店員だ」と大声で繰り返した。", days_ago=20)
    _incident(session, reporter=staff, site=site_a, customer=repeat_a, title="土下座の要求",
              summary="謝罪として土下座を要求した。", days_ago=3)
    session.commit()  # the hook links the two records and raises the alert

    banned = _customer(session, "迷惑 次郎", "03-0000-9999")
    _incident(session, reporter=staff, site=site_a, customer=banned, title="来店時の威圧",
              summary="カウンターを叩き、威圧した。", days_ago=60, status="closed")
    session.flush()
    offenders.decide(session, user=supervisor, customer_id=banned.id, step="ban",
                     reason="警告後も来店して威圧行為を繰り返したため / repeated intimidation after a warning",
                     today=today, channels=["visit", "phone"], site_ids=None)

    # Consultations: an anonymous one past its deadline, a named one answered and linked.
    anonymous = consultations.start_anonymous(
        session, cipher=cipher, category="unsure", subject="これはカスハラでしょうか",
        content="常連のお客様に毎回容姿のことを言われます。笑って流していますが、つらいです。",
        passphrase=DEMO_PASSPHRASE, today=today - timedelta(days=7),
    )
    anonymous.consultation.key_hash = reportkey.key_lookup_hash(DEMO_REPORT_KEY)
    named = consultations.start_named(
        session, cipher=cipher, user=staff, category="incident", subject="2時間の電話のあと眠れません",
        content="先日の長電話のお客様のことを思い出して眠れません。", today=today - timedelta(days=2),
    )
    consultations.desk_reply(session, cipher=cipher, user=desk, consultation_id=named.id,
                             body="ご相談ありがとうございます。産業医との面談を設定できます。", kind="reply",
                             today=today - timedelta(days=1))
    consultations.link_incident(session, user=desk, consultation_id=named.id, incident_id=first.id)

    # Care: one follow-up due, one later.
    record = care.open_record(session, cipher=cipher, user=desk, employee_id=staff.id,
                              what_happened="長時間の電話と暴言を受け、不眠が続いている。", today=today - timedelta(days=14),
                              incident_id=first.id, next_follow_up=today - timedelta(days=1))
    care.offer_support(session, cipher=cipher, user=desk, record_id=record.id, kind="occupational_physician",
                       note="来週の産業医面談を提案", today=today - timedelta(days=14))
    care.open_record(session, cipher=cipher, user=desk, employee_id=supervisor.id,
                     what_happened="顧客対応の引き継ぎで負担が増えている。", today=today,
                     next_follow_up=today + timedelta(days=14))
    session.commit()
    _put(context, "consultations", [anonymous.consultation, named])
    _put(context, "repeat_customer", repeat_a)
    _put(context, "banned_customer", banned)


