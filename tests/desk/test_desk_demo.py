"""The desk's demo data runs on an empty migrated database and shows what it promises."""

from __future__ import annotations

from deskkit import KEY
from sqlalchemy.orm import Session

from kasuhara.config import Settings
from kasuhara.demo import desk as demo
from kasuhara.services import care, consultations, offenders
from kasuhara.store.models.users import User
from kasuhara.web.api.consultations import today as japan_today


def test_demo_populates_desk_data(session: Session) -> None:
    settings = Settings(environment="development", encryption_key=KEY)
    context: dict[str, object] = {"settings": settings}
    demo.populate(session, context)
    desk = session.query(User).filter_by(role="desk").one()
    cipher = consultations.cipher_from_settings(settings)
    today = japan_today()
    inbox = consultations.inbox(session, cipher=cipher, user=desk, today=today)
    assert any(i["kind"] == "anonymous" and i["deadline"]["overdue"] for i in inbox)
    opened = consultations.open_anonymous(session, report_key=demo.DEMO_REPORT_KEY, passphrase=demo.DEMO_PASSPHRASE,
                                          today=today)
    assert opened.kind == "anonymous"
    assert care.follow_ups_due(session, user=desk, today=today)
    assert offenders.alerts(session, user=desk)[0]["events"] == 3
    assert offenders.recognise(session, user=desk, value="0300009999")["banned"]
    assert demo.ORDER == 30 and "banned_customer" in context
