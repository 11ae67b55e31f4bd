"""The trust probes of issue 14 (points 1, 2, 3, 12), rerun against the app on SQLite and PostgreSQL.

For each database: a fresh database, the app in process (FastAPI's TestClient: the probes are about
what the app answers, not about speed), then:

- desk wall: the admin's `PATCH /users/{own id} {"role": "desk"}`, setting a desk member's password,
  creating a `desk` account; status codes;
- stats polling: an auditor polls `GET /api/v1/consultations/stats` every 0.5 s while an anonymous
  consultation is made; after how many seconds (if ever) the answer changed;
- audit detail: a care record with an occupational-physician support; whether any entry the admin
  reads through `GET /api/v1/audit` contains the employee's id or the support kind;
- row order: where the anonymous row sits among named ones (SQLite rowid) / whether its `xmin` is
  still before a later audited transaction after the restamp (PostgreSQL);
- /consult while signed in: status of the anonymous POST with the page's own form token;
- purge: whether the phone number searched for is still in the audit log after `privacy purge`,
  and whether `audit verify` passes.

    .venv/bin/python benchmarks/desk_probes.py --db both [--poll-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from kasuhara.config import Settings
from kasuhara.services.auth import hash_password
from kasuhara.store.migrate import upgrade
from kasuhara.store.models.users import User
from kasuhara.web.app import create_app

PASSWORD = "correct horse battery staple"
KEY = "probe-encryption-key-with-enough-material"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _login(c: TestClient, email: str) -> dict[str, str]:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    r.raise_for_status()
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def _uid(app: Any, email: str) -> int:
    with app.state.session_factory() as s:
        return int(s.scalars(select(User.id).where(User.email == email)).one())


def probe(url: str, poll_seconds: float) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="kasuhara-probe-"))
    settings = Settings(environment="development", data_dir=tmp, database_url=url,
                        secret_key="probe-secret-key-0123456789abcdef0123", encryption_key=KEY)
    upgrade(url)
    app = create_app(settings)
    out: dict[str, Any] = {}
    with TestClient(app) as c:
        with app.state.session_factory() as s:
            for role, email in [("staff", "staff@example.jp"), ("desk", "desk@example.jp"),
                                ("admin", "admin@example.jp"), ("auditor", "auditor@example.jp"),
                                ("supervisor", "boss@example.jp")]:
                s.add(User(email=email, display_name=email.split("@")[0], role=role,
                           password_hash=hash_password(PASSWORD)))
            s.commit()
        admin, desk, staff = (_uid(app, e) for e in ("admin@example.jp", "desk@example.jp", "staff@example.jp"))

        h = _login(c, "admin@example.jp")
        out["wall"] = {
            "patch_own_role_desk": c.patch(f"/api/v1/users/{admin}", json={"role": "desk"}, headers=h).status_code,
            "set_desk_password": c.patch(f"/api/v1/users/{desk}", json={"password": "admin-chosen-pass-1"},
                                         headers=h).status_code,
            "create_desk_user": c.post("/api/v1/users", json={"email": "x@example.jp", "display_name": "x",
                                                              "role": "desk", "password": "admin-chosen-pass-1"},
                                       headers=h).status_code,
            "admin_reads_consultations": c.get("/api/v1/consultations", headers=h).status_code,
        }

        h = _login(c, "auditor@example.jp")
        before = c.get("/api/v1/consultations/stats", headers=h).json()
        changed_after: float | None = None
        start = time.monotonic()
        made = False
        polls = 0
        while time.monotonic() - start < poll_seconds:
            if not made and time.monotonic() - start > 1.0:
                anon = TestClient(app)
                anon.post("/api/v1/consultations/anonymous", json={"subject": "s", "content": "c",
                                                                   "passphrase": "passphrase-1"}).raise_for_status()
                made_at = time.monotonic()
                made = True
            now = c.get("/api/v1/consultations/stats", headers=h).json()
            polls += 1
            if made and now != before and changed_after is None:
                changed_after = round(time.monotonic() - made_at, 2)
            time.sleep(0.5)
        out["stats_polling"] = {"polls": polls, "seconds": poll_seconds, "changed_after_s": changed_after}

        hd = _login(c, "desk@example.jp")
        record = c.post("/api/v1/care", json={"employee_id": staff, "what_happened": "眠れない"}, headers=hd).json()
        c.post(f"/api/v1/care/{record['id']}/supports", json={"kind": "occupational_physician", "note": ""},
               headers=hd)
        hs = _login(c, "staff@example.jp")
        c.get(f"/api/v1/care/{record['id']}", headers=hs)
        h = _login(c, "auditor@example.jp")  # admins and auditors read the same audit log
        entries = c.get("/api/v1/audit", params={"limit": 200}, headers=h).json()
        items = entries["items"] if isinstance(entries, dict) else entries
        care_items = [e for e in items if str(e.get("action", "")).startswith("care.")]
        blob = json.dumps(care_items, ensure_ascii=False)
        out["audit_detail"] = {
            "care_entries_seen_by_auditor": len(care_items),
            "contain_support_kind": "occupational_physician" in blob,
            "contain_employee_id_key": "employee_id" in blob,
            "contain_employee_as_actor": any(e.get("actor_id") == staff for e in care_items),
        }

        with app.state.session_factory() as s:
            if s.get_bind().dialect.name == "sqlite":
                rows = s.execute(text("SELECT kind, rowid FROM consultations")).all()
                out["row_order"] = {"sqlite_rowids": [[k, r] for k, r in rows]}
            else:
                try:
                    from kasuhara.web.desk_housekeeping import restamp_once
                except ImportError:  # a version without the loop (to measure "before")
                    def restamp_once(*_args: Any) -> None:
                        return None

                written = int(s.execute(text("SELECT xmin::text::bigint FROM consultations")).scalar_one())
                audited = int(s.execute(text("SELECT max(xmin::text::bigint) FROM audit_log")).scalar_one())
                s.close()
                restamp_once(app.state.session_factory, app.state.engine)
                with app.state.session_factory() as s2:
                    after = int(s2.execute(text("SELECT xmin::text::bigint FROM consultations")).scalar_one())
                out["row_order"] = {"xmin_before_restamp_precedes_last_audit": written < audited,
                                    "xmin_after_restamp_precedes_last_audit": after < audited}

        _login(c, "staff@example.jp")
        page = c.get("/consult")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        r = c.post("/consult/anonymous", data={"csrf_token": token.group(1) if token else "", "category": "unsure",
                                               "subject": "s", "content": "c", "passphrase": "passphrase-2",
                                               "passphrase_again": "passphrase-2"})
        out["consult_signed_in"] = {"status": r.status_code, "x_frame_options": page.headers.get("x-frame-options"),
                                    "csp": page.headers.get("content-security-policy")}

        hb = _login(c, "boss@example.jp")
        cust = c.post("/api/v1/customers", json={"display_name": "probe", "identifiers": [
            {"kind": "phone", "value": "03-0000-9999"}]}, headers=hb)
        c.get("/api/v1/customers", params={"q": "03-0000-9999"}, headers=hb)
        from kasuhara.services import audit, privacy
        from kasuhara.store.models.customers import Customer

        with app.state.session_factory() as s:
            if cust.status_code == 201:
                row = s.get(Customer, cust.json()["id"])
                if row is not None:
                    row.created_at = datetime(2019, 1, 1, tzinfo=UTC)
            s.commit()
            counts = privacy.purge(s, today=date.today())
            s.commit()
            log = json.dumps([list(r) for r in s.execute(text("SELECT action, target_id, detail FROM audit_log"))],
                             ensure_ascii=False, default=str)
            out["purge"] = {"counts": counts, "phone_in_audit_log": "03-0000-9999" in log or "0300009999" in log,
                            "verify_ok": audit.verify(session=s).ok}
    app.state.engine.dispose()
    return out


def _pg_url() -> str | None:
    name = f"kasuhara_probe_{uuid.uuid4().hex[:10]}"
    try:
        engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # no server
        print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if args.db in ("sqlite", "both"):
        url = f"sqlite:///{tempfile.mkdtemp(prefix='kasuhara-probe-db-')}/k.db"
        results["sqlite"] = probe(url, args.poll_seconds)
    if args.db in ("postgresql", "both"):
        pg = _pg_url()
        if pg:
            results["postgresql"] = probe(pg, args.poll_seconds)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
