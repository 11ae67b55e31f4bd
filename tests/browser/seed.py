"""Known accounts and a few months of realistic incidents for the browser journeys, through the services.

If the project's demo data (`kasuhara.demo`) exists it is loaded first; our accounts are added on
top so the tests do not depend on the demo's passwords.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from datetime import datetime, timedelta
from typing import Any

PASSWORD = "browser-test-password-1"
ACCOUNTS = {
    "staff": "clerk@browser.test",
    "supervisor": "boss@browser.test",
    "admin": "admin@browser.test",
}

INCIDENTS: tuple[dict[str, Any], ...] = (
    {"title": "レジで大声の暴言", "channel": "in_person", "days_ago": 3,
     "facts": {"behaviours": ["verbal_abuse"], "demand": {"kind": "refund", "validity": "invalid"}, "duration_minutes": 50}},
    {"title": "電話で長時間の拘束", "channel": "phone", "days_ago": 12,
     "facts": {"demand": {"kind": "compensation", "validity": "invalid"}, "duration_minutes": 95}},
    {"title": "商品不良の返品依頼", "channel": "in_person", "days_ago": 20,
     "facts": {"demand": {"kind": "exchange", "validity": "valid"}, "duration_minutes": 10}},
    {"title": "SNSに晒すと脅された", "channel": "sns", "days_ago": 40,
     "facts": {"behaviours": ["sns_exposure", "threat"], "demand": {"kind": "apology", "validity": "invalid"}}},
    {"title": "土下座を要求された", "channel": "in_person", "days_ago": 75,
     "facts": {"behaviours": ["forced_kneeling"], "demand": {"kind": "apology", "validity": "partially_valid"}}},
    {"title": "配送遅れの問い合わせ", "channel": "email", "days_ago": 110,
     "facts": {"demand": {"kind": "explanation", "validity": "unknown"}}},
    {"title": "殴りかかられた", "channel": "in_person", "days_ago": 150,
     "facts": {"behaviours": ["physical_attack"], "injury": False, "demand": {"kind": "refund", "validity": "invalid"}}},
)


def _run_project_demo(session_factory: Any, settings: Any) -> None:
    """Every `kasuhara/demo/` module with ORDER and populate(session, context), as `kasuhara demo` runs them."""
    demo = importlib.import_module("kasuhara.demo")
    modules = []
    for info in pkgutil.iter_modules(demo.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kasuhara.demo.{info.name}")
        if isinstance(getattr(module, "ORDER", None), int) and callable(getattr(module, "populate", None)):
            modules.append(module)
    context: dict[str, Any] = {"settings": settings, "accounts": [], "notes": []}
    for module in sorted(modules, key=lambda m: (m.ORDER, m.__name__)):
        with session_factory() as session:
            module.populate(session, context)
            session.commit()


def seed(session_factory: Any, settings: Any = None) -> dict[str, Any]:
    from kasuhara.services import incidents as incident_service
    from kasuhara.services import judgments as judgment_service
    from kasuhara.services import sites as site_service
    from kasuhara.services import users as user_service
    from kasuhara.services.incidents import JST

    demo_error = None
    try:
        _run_project_demo(session_factory, settings)
    except Exception as exc:  # the demo is another area's; our journeys must not depend on it
        demo_error = f"{type(exc).__name__}: {exc}"
        warnings.warn(f"demo data not loaded: {demo_error}", stacklevel=1)
    with session_factory() as session:
        ikebukuro = site_service.create(session=session, actor=None, code="BT-IKEBUKURO", name="池袋店", prefecture_code="13")
        kuwana = site_service.create(session=session, actor=None, code="BT-KUWANA", name="桑名店", prefecture_code="24")
        session.flush()
        users = {}
        for role, email in ACCOUNTS.items():
            users[role] = user_service.create(
                session=session, actor=None, email=email, display_name={"staff": "佐藤", "supervisor": "鈴木",
                                                                         "admin": "田中"}[role],
                role=role, password=PASSWORD, site_ids=[ikebukuro.id, kuwana.id] if role != "staff" else [ikebukuro.id],
            )
        session.flush()
        now = datetime.now(JST)
        ids = []
        for index, item in enumerate(INCIDENTS):
            site = ikebukuro if index % 3 else kuwana
            incident = incident_service.create(
                session=session, actor=users["supervisor"], site_id=site.id,
                occurred_at=now - timedelta(days=item["days_ago"], hours=2), channel=item["channel"],
                title=item["title"], summary="", facts=item["facts"],
            )
            judgment_service.run(session=session, actor=users["supervisor"], incident_id=incident.id)
            incident.created_at = incident.occurred_at  # reported the day it happened: realistic case ages
            ids.append(incident.id)
        staff_case = incident_service.create(
            session=session, actor=users["staff"], site_id=ikebukuro.id, occurred_at=now - timedelta(days=1),
            channel="phone", title="スタッフの報告", summary="", facts={"behaviours": ["verbal_abuse"]},
        )
        session.commit()
        return {"sites": {"ikebukuro": ikebukuro.id, "kuwana": kuwana.id}, "incidents": ids,
                "staff_case": staff_case.id, "demo_error": demo_error}
