"""The desk's API end to end on both databases, and the proof that an anonymous consulter cannot be
identified: not by any role, not from any table, not from the audit log, not from application logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from deskkit import KEY
from fastapi.testclient import TestClient
from sqlalchemy import select

from kasuhara.config import Settings
from kasuhara.services.auth import hash_password
from kasuhara.store.base import Base
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.customers import Customer, CustomerIdentifier
from kasuhara.store.models.incidents import Incident
from kasuhara.store.models.sites import Site
from kasuhara.store.models.users import User, user_sites
from kasuhara.web.api.consultations import THROTTLE, AnonymousAccessLogFilter
from kasuhara.web.app import create_app

PASSWORD = "correct horse battery staple"
SECRET_UA = "Mozilla/5.0 UA-FINGERPRINT-7731"
SECRET_IP = "203.0.113.77"


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="development", data_dir=tmp_path, database_url=db_url,
                        secret_key="api-test-secret-key-0123456789abcdef", encryption_key=KEY)
    upgrade(db_url)
    app = create_app(settings)
    THROTTLE.reset()
    with TestClient(app) as c:
        c.app_state = app.state  # type: ignore[attr-defined]
        factory = app.state.session_factory
        with factory() as s:
            site = Site(code="S1", name="新宿店")
            s.add(site)
            s.flush()
            for role, name, email in [
                ("staff", "匿名 希望子", "kibouko.tokumei@example.jp"),
                ("supervisor", "上司 太郎", "boss@example.jp"),
                ("desk", "窓口 花子", "desk@example.jp"),
                ("admin", "管理 次郎", "admin@example.jp"),
                ("auditor", "監査 三郎", "auditor@example.jp"),
            ]:
                u = User(email=email, display_name=name, role=role, password_hash=hash_password(PASSWORD))
                s.add(u)
                s.flush()
                s.execute(user_sites.insert().values(user_id=u.id, site_id=site.id))
            s.commit()
        yield c


def login(client: TestClient, email: str) -> dict[str, str]:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def user_row(client: TestClient, email: str) -> User:
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        return s.scalars(select(User).where(User.email == email)).one()


def _freeze(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value


def snapshot(client: TestClient) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, as tuples."""
    out: dict[str, set[tuple[Any, ...]]] = {}
    with client.app_state.engine.connect() as conn:  # type: ignore[attr-defined]
        for table in Base.metadata.sorted_tables:
            out[table.name] = {tuple(_freeze(v) for v in row) for row in conn.execute(select(table))}
    return out


def test_no_role_table_or_log_reveals_an_anonymous_consulter(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    consulter = user_row(client, "kibouko.tokumei@example.jp")
    # The consulter is even logged in, and their browser sends identifying headers.
    headers = login(client, consulter.email)
    headers |= {"User-Agent": SECRET_UA, "X-Forwarded-For": SECRET_IP, "X-Real-IP": SECRET_IP}
    # A known customer two incidents short of... one short of the threshold (3): the anonymous
    # consultation about them must not raise an alert stamped with the time it was sent.
    with client.app_state.session_factory() as s:  # type: ignore[attr-defined]
        site = s.scalars(select(Site)).first()
        assert site is not None
        customer = Customer(display_name="常連 客男", note="")
        s.add(customer)
        s.flush()
        s.add(CustomerIdentifier(customer_id=customer.id, kind="phone", value="03-1234-0000",
                                 normalized="0312340000"))
        for n in range(2):
            s.add(Incident(reporter_id=consulter.id, site_id=site.id, customer_id=customer.id,
                           occurred_at=datetime.now(UTC), channel="visit", title=f"容姿への発言{n}", summary="",
                           facts={}))
        s.commit()
    before = snapshot(client)

    r = client.post("/api/v1/consultations/anonymous", headers=headers, json={
        "category": "unsure", "subject": "上司に言えない", "content": "常連客に毎回容姿のことを言われます。",
        "passphrase": "ひみつの合言葉です", "customer_phone": "03-1234-0000",
    })
    assert r.status_code == 201, r.text
    key = r.json()["report_key"]
    assert "不利益" in r.json()["promise_ja"]
    r = client.post("/api/v1/consultations/anonymous/messages", headers=headers,
                    json={"report_key": key, "passphrase": "ひみつの合言葉です", "body": "昨日もありました。"})
    assert r.status_code == 200, r.text
    after = snapshot(client)

    # 1. Only the consultation and its messages changed: no audit row, no session row, nothing else.
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"consultations", "consultation_messages"}
    new_rows = [(name, row) for name in changed for row in after[name] - before[name]]
    identifying = {consulter.email, consulter.display_name, "匿名", "希望子", SECRET_UA, SECRET_IP,
                   "testclient", key, key.replace("-", "")}
    for name, row in new_rows:
        for value in row:
            # 2. No time of day: only calendar dates.
            assert not isinstance(value, datetime), (name, row)
            if isinstance(value, str):
                assert not any(secret in value for secret in identifying), (name, value)
        table = Base.metadata.tables[name]
        for column, value in zip(table.columns, row, strict=True):
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                assert value is None, (name, column.name)
    # 3. No log line mentions the person, their address or browser, or the key.
    logs = "\n".join(f"{rec.name} {rec.getMessage()}" for rec in caplog.records)
    for secret in identifying:
        assert secret not in logs

    # 4. The desk reads and replies; it learns nothing of who. Nobody else can read it at all.
    desk_headers = login(client, "desk@example.jp")
    inbox = client.get("/api/v1/consultations", headers=desk_headers).json()
    cid = inbox[0]["id"]
    view = client.get(f"/api/v1/consultations/{cid}", headers=desk_headers).json()
    assert view["kind"] == "anonymous" and view["consulter"] is None
    assert view["customer_id"] is not None  # linked by the phone number the consulter gave
    r = client.post(f"/api/v1/consultations/{cid}/customer", headers=desk_headers,
                    json={"customer_id": view["customer_id"]})
    assert r.status_code == 200
    alerts = client.get("/api/v1/offenders/alerts", headers=desk_headers).json()
    assert [a["events"] for a in alerts] == [3]  # counted when the desk acted, not when sent
    for email in ("admin@example.jp", "auditor@example.jp", "boss@example.jp", consulter.email):
        other = login(client, email)
        assert client.get(f"/api/v1/consultations/{cid}", headers=other).status_code == 403
        assert client.get("/api/v1/consultations", headers=other).status_code == 403
    # The consulter's own (named) list does not contain it either: nothing links it to the account.
    own = login(client, consulter.email)
    assert client.get("/api/v1/consultations/mine", headers=own).json() == []

    # 5. Everything stored, including the audit log with the desk's reads, holds no trace of the person.
    # (The consulter's own logins are in the audit log, as everyone's are; none of them points here.)
    audit = Base.metadata.tables["audit_log"]
    with client.app_state.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = [tuple(r) for r in conn.execute(select(audit).where(audit.c.target_type == "consultation"))]
        rows += [tuple(r) for t in ("consultations", "consultation_messages")
                 for r in conn.execute(select(Base.metadata.tables[t]))]
        about = conn.execute(select(audit.c.actor_id).where(audit.c.target_id == cid)).all()
    for row in rows:
        text = " ".join(str(v) for v in row)
        assert consulter.email not in text and consulter.display_name not in text and SECRET_IP not in text
    assert about and {a[0] for a in about} == {user_row(client, "desk@example.jp").id}


def test_access_log_filter_drops_anonymous_paths() -> None:
    flt = AnonymousAccessLogFilter()
    anon = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             (f"{SECRET_IP}:5555", "POST", "/api/v1/consultations/anonymous/open", "1.1", 200), None)
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                              (f"{SECRET_IP}:5555", "GET", "/api/v1/incidents", "1.1", 200), None)
    assert not flt.filter(anon) and flt.filter(other)
    assert any(isinstance(f, AnonymousAccessLogFilter) for f in logging.getLogger("uvicorn.access").filters)


def test_wrong_key_is_refused_and_throttled(client: TestClient) -> None:
    r = client.post("/api/v1/consultations/anonymous", json={
        "category": "other", "subject": "s", "content": "c", "passphrase": "long enough pass"})
    key = r.json()["report_key"]
    assert client.post("/api/v1/consultations/anonymous/open",
                       json={"report_key": key, "passphrase": "long enough pass"}).status_code == 200
    for _ in range(THROTTLE.limit):
        assert client.post("/api/v1/consultations/anonymous/open",
                           json={"report_key": key, "passphrase": "wrong"}).status_code == 403
    assert client.post("/api/v1/consultations/anonymous/open",
                       json={"report_key": key, "passphrase": "long enough pass"}).status_code == 429


def test_desk_replies_links_and_care_is_closed_to_supervisors(client: TestClient) -> None:
    staff = user_row(client, "kibouko.tokumei@example.jp")
    h = login(client, staff.email)
    r = client.post("/api/v1/consultations", headers=h, json={
        "category": "incident", "subject": "暴言", "content": "レジで怒鳴られました"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]

    desk = login(client, "desk@example.jp")
    view = client.get(f"/api/v1/consultations/{cid}", headers=desk).json()
    assert view["consulter"]["name"] == "匿名 希望子" and view["deadline"]["first_reply"]
    r = client.post(f"/api/v1/consultations/{cid}/replies", headers=desk,
                    json={"body": "お話を聞かせてください", "kind": "reply"})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert client.post(f"/api/v1/consultations/{cid}/link", headers=desk,
                       json={"incident_id": 999}).status_code == 404
    r = client.post("/api/v1/care", headers=desk, json={
        "employee_id": staff.id, "what_happened": "怒鳴られて不眠", "next_follow_up": date.today().isoformat()})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert [d["id"] for d in client.get("/api/v1/care/due", headers=desk).json()] == [rid]

    boss = login(client, "boss@example.jp")
    assert client.get(f"/api/v1/care/{rid}", headers=boss).status_code == 403
    assert client.get("/api/v1/care", headers=boss).json() == []
    assert client.get(f"/api/v1/consultations/{cid}", headers=boss).status_code == 403

    me = login(client, staff.email)
    mine = client.get(f"/api/v1/consultations/mine/{cid}", headers=me).json()
    assert mine["messages"][0]["body"] == "お話を聞かせてください"
    assert client.get(f"/api/v1/care/{rid}", headers=me).json()["what_happened"] == "怒鳴られて不眠"
    assert client.post(f"/api/v1/care/{rid}/sharing", headers=me,
                       json={"shared_with_supervisor": True}).status_code == 200
    boss = login(client, "boss@example.jp")
    assert client.get(f"/api/v1/care/{rid}", headers=boss).status_code == 200


@pytest.mark.parametrize(
    ("path", "dropped"),
    [
        ("/consult", True),
        ("/consult?lang=en", True),
        ("/consult/return", True),
        ("/api/v1/consultations/anonymous/messages", True),
        ("/api/v1/consultations/mine/abc", True),
        ("/api/v1/consultations", False),
        ("/consultants", False),
        ("/desk", False),
    ],
)
def test_access_log_filter_paths(path: str, dropped: bool) -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("198.51.100.1:1", "GET", path, "1.1", 200), None)
    assert AnonymousAccessLogFilter().filter(record) is not dropped
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, f'"GET {path} HTTP/1.1" 200', None, None)
    assert AnonymousAccessLogFilter().filter(plain) is not dropped


def test_real_uvicorn_access_log_has_no_anonymous_lines(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """The running server (uvicorn, access log on) writes no line for the consulter's requests."""
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    url = f"sqlite:///{tmp_path / 'uv.db'}"
    upgrade(url)
    app = create_app(Settings(environment="development", data_dir=tmp_path, database_url=url, encryption_key=KEY))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    try:
        base = f"http://127.0.0.1:{port}"
        r = httpx.post(base + "/api/v1/consultations/anonymous", json={
            "category": "other", "subject": "s", "content": "c", "passphrase": "long enough pass"})
        assert r.status_code == 201
        assert httpx.get(base + "/consult").status_code == 200
        assert httpx.get(base + "/api/v1/consultations/promise").status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    captured = capfd.readouterr()
    log = captured.out + captured.err
    assert '"GET /api/v1/consultations/promise HTTP/1.1" 200' in log  # the access log is on
    assert "/anonymous" not in log and "GET /consult " not in log


def test_malformed_ids_are_refused_not_crashes(client: TestClient) -> None:
    h = login(client, "desk@example.jp")
    assert client.get("/api/v1/consultations/not-a-uuid", headers=h).status_code == 422
    assert client.get("/api/v1/consultations/%00", headers=h).status_code == 422
    assert client.post("/api/v1/care", headers=h, json={"employee_id": 2**40, "what_happened": "x"}).status_code == 422
    assert client.post("/api/v1/offenders/recognise", headers=h, json={"value": "12"}).status_code == 422
