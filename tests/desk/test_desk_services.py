"""Desk services on SQLite and PostgreSQL: consultations, care, repeat offenders, privacy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from deskkit import People, make_customer, make_incident
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasuhara.desk.crypto import FieldCipher
from kasuhara.errors import InputError, PermissionDeniedError
from kasuhara.services import care, consultations, offenders, privacy
from kasuhara.store.models.audit import AuditEntry
from kasuhara.store.models.care import CareRecord
from kasuhara.store.models.consultation import Consultation, ConsultationMessage
from kasuhara.store.models.customers import Customer
from kasuhara.store.models.offender import CustomerLink, OffenderAlert

TODAY = date(2026, 10, 2)  # a Friday


def test_anonymous_consultation_round_trip(session: Session, people: People, cipher: FieldCipher) -> None:
    receipt = consultations.start_anonymous(
        session, cipher=cipher, category="unsure", subject="電話で毎日怒鳴られる",
        content="同じお客様から毎日電話があり、怒鳴られています。", passphrase="さくらが咲いたら", today=TODAY,
    )
    session.commit()
    row = session.get(Consultation, receipt.consultation.id)
    assert row is not None and row.consulter_id is None and row.kind == "anonymous"
    assert "怒鳴" not in row.content_enc and receipt.report_key.replace("-", "") not in str(row.key_hash)

    opened = consultations.open_anonymous(session, report_key=receipt.report_key.lower(),
                                          passphrase="さくらが咲いたら", today=TODAY)
    consultations.desk_reply(session, cipher=cipher, user=people.desk, consultation_id=opened.id,
                             body="ご相談ありがとうございます。通話は録音していますか？", kind="question", today=TODAY)
    consultations.desk_reply(session, cipher=cipher, user=people.desk, consultation_id=opened.id,
                             body="内部メモ: 新宿店かも", kind="internal", today=TODAY)
    session.commit()
    view = consultations.consulter_view(session, cipher=cipher, consultation=opened)
    assert [m["kind"] for m in view["messages"]] == ["question"]  # internal note hidden
    consultations.add_consulter_message(session, cipher=cipher, consultation=opened, body="録音しています。",
                                        today=TODAY + timedelta(days=3))
    session.commit()
    assert opened.status == "waiting" and opened.waiting_since == TODAY + timedelta(days=3)

    with pytest.raises(PermissionDeniedError):
        consultations.open_anonymous(session, report_key=receipt.report_key, passphrase="まちがった合言葉", today=TODAY)
    with pytest.raises(PermissionDeniedError):
        consultations.open_anonymous(session, report_key="AAAA-BBBB-CCCC-DDDD-EEEE", passphrase="x" * 10, today=TODAY)


def test_wrong_passphrases_lock_the_key_for_a_day(session: Session, people: People, cipher: FieldCipher) -> None:
    receipt = consultations.start_anonymous(session, cipher=cipher, category="other", subject="s", content="c",
                                            passphrase="correct horse battery", today=TODAY)
    session.commit()
    for _ in range(consultations.MAX_FAILED_ATTEMPTS):
        with pytest.raises(PermissionDeniedError):
            consultations.open_anonymous(session, report_key=receipt.report_key, passphrase="wrong wrong", today=TODAY)
    with pytest.raises(PermissionDeniedError) as info:
        consultations.open_anonymous(session, report_key=receipt.report_key, passphrase="correct horse battery",
                                     today=TODAY)
    assert "明日" in info.value.text("ja")
    opened = consultations.open_anonymous(session, report_key=receipt.report_key,
                                          passphrase="correct horse battery", today=TODAY + timedelta(days=1))
    assert opened.id == receipt.consultation.id


def test_inbox_deadlines_and_desk_only(session: Session, people: People, cipher: FieldCipher) -> None:
    named = consultations.start_named(session, cipher=cipher, user=people.staff, category="incident",
                                      subject="暴言", content="レジで暴言", today=date(2026, 9, 18))
    consultations.start_anonymous(session, cipher=cipher, category="unsure", subject="迷っています", content="c",
                                  passphrase="passphrase-1", today=date(2026, 9, 30))
    session.commit()
    items = consultations.inbox(session, cipher=cipher, user=people.desk, today=date(2026, 9, 28))
    first = items[0]
    # Received Fri 9/18; 9/21–23 are holidays: due Fri 9/25, overdue on 9/28.
    assert first["id"] == named.id and first["deadline"]["due"] == "2026-09-25" and first["deadline"]["overdue"]
    assert not items[1]["deadline"]["overdue"]
    for role in ("staff", "supervisor", "admin", "auditor"):
        with pytest.raises(PermissionDeniedError):
            consultations.inbox(session, cipher=cipher, user=getattr(people, role), today=TODAY)
        with pytest.raises(PermissionDeniedError):
            consultations.desk_view(session, cipher=cipher, user=getattr(people, role), consultation_id=named.id,
                                    today=TODAY)
    view = consultations.desk_view(session, cipher=cipher, user=people.desk, consultation_id=named.id, today=TODAY)
    assert view["consulter"]["name"] == "山田 花子"
    session.commit()
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.read")).all()
    assert [(a.actor_id, a.target_id) for a in reads] == [(people.desk.id, named.id)]
    # The consulter's own actions are not audited at all: a precise time next to their login would name them.
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "consultation.create")).all() == []


def test_link_to_incident_and_close(session: Session, people: People, cipher: FieldCipher) -> None:
    customer = make_customer(session, "クレーマー甲", phone="03-1111-2222")
    incident = make_incident(session, reporter=people.staff, site=people.site_a, customer=customer, title="暴言")
    c = consultations.start_named(session, cipher=cipher, user=people.staff, category="incident", subject="s",
                                  content="c", today=TODAY)
    consultations.link_incident(session, user=people.desk, consultation_id=c.id, incident_id=incident.id)
    consultations.close(session, user=people.desk, consultation_id=c.id, today=TODAY)
    session.commit()
    assert c.incident_id == incident.id and c.customer_id == customer.id and c.status == "closed"
    with pytest.raises(InputError):
        consultations.add_consulter_message(session, cipher=cipher, consultation=c, body="more", today=TODAY)


def test_supervisor_cannot_read_care_notes_unless_shared(
    session: Session, people: People, cipher: FieldCipher
) -> None:
    record = care.open_record(session, cipher=cipher, user=people.desk, employee_id=people.staff.id,
                              what_happened="暴言を受け、眠れない日が続いている", today=TODAY)
    care.add_check_in(session, cipher=cipher, user=people.desk, record_id=record.id, outcome="needs_support",
                      note="産業医面談を希望", today=TODAY, next_follow_up=TODAY + timedelta(days=7))
    care.offer_support(session, cipher=cipher, user=people.desk, record_id=record.id, kind="occupational_physician",
                       note="", today=TODAY)
    session.commit()
    stored = session.get(CareRecord, record.id)
    assert stored is not None and "眠れない" not in stored.what_happened_enc
    for role in ("supervisor", "admin", "auditor", "other_supervisor"):
        with pytest.raises(PermissionDeniedError):
            care.read(session, cipher=cipher, user=getattr(people, role), record_id=record.id, today=TODAY)
        assert care.list_records(session, user=getattr(people, role), today=TODAY) == []
    own = care.read(session, cipher=cipher, user=people.staff, record_id=record.id, today=TODAY)
    assert own["what_happened"].startswith("暴言") and own["check_ins"][0]["note"] == "産業医面談を希望"
    with pytest.raises(PermissionDeniedError):
        care.set_sharing(session, user=people.supervisor, record_id=record.id, share=True)
    care.set_sharing(session, user=people.staff, record_id=record.id, share=True)
    assert care.read(session, cipher=cipher, user=people.supervisor, record_id=record.id, today=TODAY)["id"]
    with pytest.raises(PermissionDeniedError):  # a supervisor of another site still cannot
        care.read(session, cipher=cipher, user=people.other_supervisor, record_id=record.id, today=TODAY)


def test_follow_up_becomes_due(session: Session, people: People, cipher: FieldCipher) -> None:
    record = care.open_record(session, cipher=cipher, user=people.desk, employee_id=people.staff.id,
                              what_happened="x", today=TODAY, next_follow_up=TODAY + timedelta(days=3))
    session.commit()
    assert care.follow_ups_due(session, user=people.desk, today=TODAY + timedelta(days=2)) == []
    due = care.follow_ups_due(session, user=people.desk, today=TODAY + timedelta(days=4))
    assert [d["id"] for d in due] == [record.id] and due[0]["days_overdue"] == 1
    with pytest.raises(PermissionDeniedError):
        care.follow_ups_due(session, user=people.supervisor, today=TODAY)


def test_third_incident_across_sites_alerts_and_ban_is_recognised(session: Session, people: People) -> None:
    a = make_customer(session, "田中 一郎", phone="090-1234-5678")
    b = make_customer(session, "タナカ", phone="+81 90 1234 5678")  # another site typed it differently
    session.commit()
    assert session.scalar(select(func.count()).select_from(CustomerLink)) == 1
    make_incident(session, reporter=people.staff, site=people.site_a, customer=a, title="長時間の電話")
    make_incident(session, reporter=people.staff, site=people.site_b, customer=b, title="暴言")
    session.commit()
    assert session.scalar(select(func.count()).select_from(OffenderAlert)) == 0
    make_incident(session, reporter=people.staff, site=people.site_a, customer=a, title="土下座の要求")
    session.commit()
    alerts = offenders.alerts(session, user=people.supervisor)
    assert len(alerts) == 1 and alerts[0]["events"] == 3
    history = offenders.customer_history(session, user=people.supervisor, customer_id=b.id, today=date.today())
    assert len(history["incidents"]) == 3 and {i["site"] for i in history["incidents"]} == {"新宿店", "渋谷店"}
    assert [p["step"] for p in history["proposals"]] == ["warning"]

    with pytest.raises(PermissionDeniedError):
        offenders.decide(session, user=people.staff, customer_id=a.id, step="ban", reason="r", today=date.today(),
                         channels=["visit"])
    with pytest.raises(InputError):
        offenders.decide(session, user=people.supervisor, customer_id=a.id, step="ban", reason=" ",
                         today=date.today(), channels=[])
    warning = offenders.decide(session, user=people.supervisor, customer_id=a.id, step="warning",
                               reason="3件の迷惑行為", conduct="長時間の電話と土下座の要求", today=date(2026, 10, 5))
    assert "警告書" in warning.letter_text and "田中 一郎 様" in warning.letter_text
    ban = offenders.decide(session, user=people.supervisor, customer_id=a.id, step="ban", reason="警告後も継続",
                           today=date.today(), channels=["visit", "phone"], site_ids=[people.site_a.id])
    session.commit()
    assert ban.review_on is not None and ban.decided_by == people.supervisor.id

    here = offenders.recognise(session, user=people.staff, value="０９０ー１２３４ー５６７８", site_id=people.site_a.id,
                               channel="visit")
    assert here["banned"] and here["customer_ids"] == sorted([a.id, b.id])
    elsewhere = offenders.recognise(session, user=people.staff, value="09012345678", site_id=people.site_b.id)
    assert elsewhere["known"] and not elsewhere["banned"]
    unknown = offenders.recognise(session, user=people.staff, value="03-9999-0000")
    assert not unknown["known"]
    offenders.lift(session, user=people.supervisor, decision_id=ban.id, reason="見直しの結果")
    session.commit()
    assert not offenders.recognise(session, user=people.staff, value="09012345678", site_id=people.site_a.id)["banned"]


def test_supervisor_confirmed_match(session: Session, people: People) -> None:
    a = make_customer(session, "黒い帽子の男性")
    b = make_customer(session, "帽子の男性(渋谷)")
    session.commit()
    with pytest.raises(PermissionDeniedError):
        offenders.confirm_match(session, user=people.staff, customer_id=a.id, other_id=b.id, reason="同じ")
    offenders.confirm_match(session, user=people.supervisor, customer_id=a.id, other_id=b.id, reason="防犯カメラで確認")
    session.commit()
    assert offenders.linked_group(session, a.id) == {a.id, b.id}


def test_case_study_is_anonymised(session: Session, people: People) -> None:
    customer = make_customer(session, "鈴木 権造", phone="080-2222-3333")
    incident = make_incident(
        session, reporter=people.staff, site=people.site_a, customer=customer, status="closed",
        title="鈴木権造様が山田さんに土下座を要求",
        summary="鈴木 権造（080-2222-3333）が新宿店で山田 花子さんに30分怒鳴り続けた。",
    )
    session.commit()
    with pytest.raises(PermissionDeniedError):
        offenders.make_case_study(session, user=people.staff, incident_id=incident.id)
    study = offenders.make_case_study(session, user=people.supervisor, incident_id=incident.id)
    for secret in ("鈴木", "権造", "山田", "花子", "080-2222-3333", "新宿店"):
        assert secret not in study["title"] + study["body"], secret
    assert "土下座" in study["title"] and not study["published"]
    assert offenders.case_studies(session, user=people.staff) == []
    offenders.review_case_study(session, user=people.supervisor, study_id=study["id"], title=study["title"],
                                body=study["body"], lessons="一人で対応しない", publish=True)
    session.commit()
    assert [s["id"] for s in offenders.case_studies(session, user=people.staff)] == [study["id"]]


def test_purge_really_deletes(session: Session, people: People, cipher: FieldCipher) -> None:
    old = consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="古い",
                                    content="古い相談", today=date(2020, 1, 6))
    consultations.desk_reply(session, cipher=cipher, user=people.desk, consultation_id=old.id, body="r", kind="reply",
                             today=date(2020, 1, 7))
    consultations.close(session, user=people.desk, consultation_id=old.id, today=date(2020, 1, 8))
    recent = consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="新しい",
                                       content="c", today=TODAY)
    rec = care.open_record(session, cipher=cipher, user=people.desk, employee_id=people.staff.id, what_happened="x",
                           today=date(2020, 1, 6))
    care.add_check_in(session, cipher=cipher, user=people.desk, record_id=rec.id, outcome="closed", note="",
                      today=date(2020, 2, 1), next_follow_up=None)
    stale = make_customer(session, "昔の顧客", phone="03-5555-6666")
    stale.created_at = datetime(2019, 1, 1, tzinfo=UTC)
    make_incident(session, reporter=people.staff, site=people.site_a, customer=stale, title="昔",
                  when=datetime(2019, 1, 2, tzinfo=UTC))
    banned = make_customer(session, "禁止中")
    banned.created_at = datetime(2019, 1, 1, tzinfo=UTC)
    session.flush()
    offenders.decide(session, user=people.supervisor, customer_id=banned.id, step="ban", reason="r",
                     today=date.today(), channels=["visit"], review_on=date.today() + timedelta(days=30))
    session.commit()
    old_id, stale_id = old.id, stale.id

    counts = privacy.purge(session, today=TODAY)
    session.commit()
    # The care record's two audit entries (sealed detail) are redacted with it; the chain still verifies.
    assert counts == {"consultations": 1, "care_records": 1, "customers": 1, "audit_entries_redacted": 2}
    from kasuhara.services import audit

    assert audit.verify(session=session).ok
    assert session.get(Consultation, old_id) is None and session.get(Consultation, recent.id) is not None
    assert session.scalar(select(func.count()).select_from(ConsultationMessage)
                          .where(ConsultationMessage.consultation_id == old_id)) == 0
    assert session.scalar(select(func.count()).select_from(CareRecord)) == 0
    assert session.get(Customer, stale_id) is None and session.get(Customer, banned.id) is not None


def test_export_contains_everything_about_a_person(session: Session, people: People, cipher: FieldCipher) -> None:
    customer = make_customer(session, "輸出 対象", phone="03-7777-8888", email="target@example.jp")
    make_incident(session, reporter=people.staff, site=people.site_a, customer=customer, title="事案X")
    named = consultations.start_named(session, cipher=cipher, user=people.staff, category="incident",
                                      subject="相談Y", content="本文Z", today=TODAY)
    consultations.link_customer(session, user=people.desk, consultation_id=named.id, customer_id=customer.id)
    consultations.desk_reply(session, cipher=cipher, user=people.desk, consultation_id=named.id, body="返信W",
                             kind="reply", today=TODAY)
    anon = consultations.start_anonymous(session, cipher=cipher, category="other", subject="匿名件名", content="匿名本文",
                                         passphrase="passphrase-2", today=TODAY)
    consultations.desk_reply(session, cipher=cipher, user=people.desk, consultation_id=anon.consultation.id,
                             body="匿名への返信", kind="reply", today=TODAY)
    rec = care.open_record(session, cipher=cipher, user=people.desk, employee_id=people.staff.id,
                           what_happened="ケアV", today=TODAY)
    care.add_check_in(session, cipher=cipher, user=people.desk, record_id=rec.id, outcome="stable", note="面談U",
                      today=TODAY, next_follow_up=None)
    offenders.decide(session, user=people.supervisor, customer_id=customer.id, step="warning", reason="理由T",
                     today=TODAY)
    session.commit()

    staff = privacy.export(session, cipher=cipher, user_id=people.staff.id)
    tables = staff["tables"]
    assert tables["users"][0]["email"] == "hanako.yamada@example.jp" and "password_hash" not in tables["users"][0]
    assert tables["consultations"][0]["content"] == "本文Z"
    assert {m["body"] for m in tables["consultation_messages"]} == {"返信W"}
    assert tables["care_records"][0]["what_happened"] == "ケアV" and tables["care_check_ins"][0]["note"] == "面談U"
    assert tables["incidents"][0]["title"] == "事案X"
    assert "audit_log" in tables  # the staff member's own actions (none were audited under their name here)
    dumped = repr(staff)
    assert "匿名本文" not in dumped and "匿名への返信" not in dumped

    desk = privacy.export(session, cipher=cipher, user_id=people.desk.id)
    assert "本文Z" not in repr(desk) and "ケアV" not in repr(desk)  # other people's matters stay out

    cust = privacy.export(session, cipher=cipher, customer_id=customer.id)
    ct = cust["tables"]
    assert ct["customers"][0]["display_name"] == "輸出 対象"
    assert {i["value"] for i in ct["customer_identifiers"]} == {"03-7777-8888", "target@example.jp"}
    assert ct["incidents"][0]["title"] == "事案X" and ct["deterrence_decisions"][0]["reason"] == "理由T"
    assert cust["withheld"][0]["id"] == named.id and "本文Z" not in repr(cust)
    assert "deterrence.warning" in {a["action"] for a in ct["audit_log"]}


def test_inbox_survives_a_row_under_another_key(session: Session, people: People, cipher: FieldCipher) -> None:
    consultations.start_named(session, cipher=FieldCipher("some-other-key-material-1234"), user=people.staff,
                              category="other", subject="別の鍵", content="c", today=TODAY)
    consultations.start_named(session, cipher=cipher, user=people.staff, category="other", subject="正しい鍵",
                              content="c", today=TODAY)
    session.commit()
    subjects = [i["subject"] for i in consultations.inbox(session, cipher=cipher, user=people.desk, today=TODAY)]
    assert "正しい鍵" in subjects and any("cannot decrypt" in s for s in subjects)


def test_desk_inbox_restamps_anonymous_rows_on_postgresql(
    session: Session, people: People, cipher: FieldCipher
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin exists only on PostgreSQL")
    from sqlalchemy import text

    receipt = consultations.start_anonymous(session, cipher=cipher, category="other", subject="s", content="c",
                                            passphrase="passphrase-x", today=TODAY)
    consultations.add_consulter_message(session, cipher=cipher, consultation=receipt.consultation, body="b",
                                        today=TODAY)
    session.commit()
    written = session.execute(text("SELECT xmin::text FROM consultation_messages")).scalar_one()
    consultations.inbox(session, cipher=cipher, user=people.desk, today=TODAY)
    desk_txn = session.execute(text("SELECT txid_current()::text")).scalar_one()
    session.commit()
    after = session.execute(text("SELECT xmin::text FROM consultation_messages")).scalar_one()
    assert after != written and after == str(int(desk_txn) % 2**32)


def test_linking_hook_is_quiet_without_the_desk_tables(tmp_path: Path) -> None:
    """Another area's tests may migrate only the core branch; their commits must still work."""
    from kasuhara.store.engine import make_engine, make_session_factory
    from kasuhara.store.migrate import upgrade
    from kasuhara.store.models.sites import Site
    from kasuhara.store.models.users import User

    url = f"sqlite:///{tmp_path / 'core-only.db'}"
    upgrade(url, "0001_core")
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        user = User(email="x@example.jp", display_name="x", role="staff", password_hash="x")
        site = Site(code="X", name="x")
        s.add_all([user, site])
        s.flush()
        customer = make_customer(s, "客", phone="03-1111-0000")
        make_incident(s, reporter=user, site=site, customer=customer, title="t")
        s.commit()
    engine.dispose()
