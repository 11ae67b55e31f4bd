"""Every case-file endpoint, for every role, against an expected allow/deny table.

Allowed means the request is not refused for who the caller is (any status but 401/403);
denied means exactly 403; anonymous callers get 401 everywhere except the login endpoints.
The test also fails when an endpoint exists that the table does not list, or the reverse.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from casefile_world import PASSWORD, World
from fastapi.routing import APIRoute

from kasuhara.services import auth, customers, evidence, incidents
from kasuhara.store.models.users import User

MODULES = ("auth", "incidents", "judgments", "decisions", "evidence", "customers", "users", "sites",
           "settings", "audit")
ROLES = ("staff", "staff_other", "supervisor", "supervisor_b", "desk", "admin", "auditor")
EVERYONE = frozenset(ROLES)
READ_A = frozenset({"staff", "supervisor", "desk", "admin", "auditor"})  # incident at site A by staff
WORK_A = frozenset({"supervisor", "admin"})
ATTACH_A = frozenset({"staff", "supervisor", "admin"})
REPORTERS = frozenset({"staff", "staff_other", "supervisor", "supervisor_b", "admin"})
CUST_READ = frozenset({"supervisor", "supervisor_b", "desk", "admin", "auditor"})
CUST_WRITE = frozenset({"supervisor", "supervisor_b", "admin"})
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"admin", "auditor"})

Prepare = Callable[[World, str], dict[str, Any]]


def _user(session: Any, world: World, name: str) -> User:
    user = session.get(User, world.user_ids[name])
    assert user is not None
    return user


def fresh_incident(world: World, role: str) -> dict[str, Any]:
    with world.app.state.session_factory() as session:
        inc = incidents.create(session=session, actor=_user(session, world, "staff"), site_id=world.site_a,
                               occurred_at=datetime(2026, 10, 10, 3, 0, tzinfo=UTC), channel="phone",
                               title="権限テスト", facts={"demand": {"kind": "refund", "validity": "invalid"},
                                                         "behaviours": ["threat"]})
        session.commit()
        return {"incident_id": inc.id, "version": inc.version}


def fresh_evidence(world: World, role: str) -> dict[str, Any]:
    ids = fresh_incident(world, role)
    with world.app.state.session_factory() as session:
        row = evidence.upload(session=session, store=world.app.state.evidence_store,
                              actor=_user(session, world, "staff"), incident_id=ids["incident_id"],
                              stream=io.BytesIO("通話の文字起こし".encode()), filename="memo.txt", kind="transcript",
                              max_bytes=10_000)
        session.commit()
        return {**ids, "evidence_id": row.id}


def fresh_customer(world: World, role: str) -> dict[str, Any]:
    with world.app.state.session_factory() as session:
        customer = customers.create(session=session, actor=_user(session, world, "admin"), display_name="権限 太郎",
                                    identifiers=[("phone", "03-1234-5678")])
        session.commit()
        return {"customer_id": customer.id, "identifier_id": customer.identifiers[0].id}


def own_token(world: World, role: str) -> dict[str, Any]:
    with world.app.state.session_factory() as session:
        owner = "staff" if role == "anonymous" else role
        row, _raw = auth.create_api_token(session=session, user=_user(session, world, owner), name="x",
                                          secret_key=world.settings.secret_key)
        session.commit()
        return {"token_id": row.id}


def home_site(world: World, role: str) -> dict[str, Any]:
    return {"site_id": world.site_b if role == "supervisor_b" else world.site_a}


def nothing(world: World, role: str) -> dict[str, Any]:
    return {"site_id": world.site_a, "user_id": world.user_ids["staff"]}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    allowed: frozenset[str]
    prepare: Prepare = nothing
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    files: bool = False
    anonymous_ok: bool = False


def _body(**fixed: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {k: (v(ids) if callable(v) else v) for k, v in fixed.items()}


INC = "/api/v1/incidents/{incident_id}"
CUST = "/api/v1/customers/{customer_id}"
TABLE: tuple[Case, ...] = (
    Case("POST", "/api/v1/auth/login", EVERYONE, body=_body(email="staff@example.jp", password=PASSWORD),
         anonymous_ok=True),
    Case("POST", "/api/v1/auth/session", EVERYONE, anonymous_ok=True),
    Case("POST", "/api/v1/auth/logout", EVERYONE),
    Case("GET", "/api/v1/auth/me", EVERYONE),
    Case("GET", "/api/v1/auth/tokens", EVERYONE),
    Case("POST", "/api/v1/auth/tokens", EVERYONE, body=_body(name="integration")),
    Case("DELETE", "/api/v1/auth/tokens/{token_id}", EVERYONE, own_token),
    Case("POST", "/api/v1/incidents", REPORTERS, home_site,
         _body(site_id=lambda ids: ids["site_id"], occurred_at="2026-10-01T10:00:00+09:00", channel="phone",
               title="新しい報告")),
    Case("GET", "/api/v1/incidents", EVERYONE),
    Case("GET", "/api/v1/incidents/export.csv", EVERYONE),
    Case("GET", "/api/v1/incidents/workflow", EVERYONE),
    Case("GET", INC, READ_A, fresh_incident),
    Case("PATCH", INC, ATTACH_A, fresh_incident, _body(version=lambda ids: ids["version"], summary="追記")),
    Case("POST", INC + "/transitions", WORK_A, fresh_incident,
         _body(to="assessing", version=lambda ids: ids["version"])),
    Case("GET", INC + "/timeline", READ_A, fresh_incident),
    Case("POST", INC + "/timeline", ATTACH_A, fresh_incident, _body(text="メモ")),
    Case("POST", INC + "/judgments", WORK_A, fresh_incident),
    Case("GET", INC + "/judgments", READ_A, fresh_incident),
    Case("POST", INC + "/decisions", WORK_A, fresh_incident, _body(kind="warning", reason="警告")),
    Case("GET", INC + "/decisions", READ_A, fresh_incident),
    Case("POST", INC + "/evidence", ATTACH_A, fresh_incident, files=True),
    Case("GET", INC + "/evidence", READ_A, fresh_incident),
    Case("GET", "/api/v1/evidence/{evidence_id}", READ_A, fresh_evidence),
    Case("GET", "/api/v1/evidence/{evidence_id}/content", READ_A, fresh_evidence),
    Case("GET", "/api/v1/customers", CUST_READ),
    Case("POST", "/api/v1/customers", CUST_WRITE, body=_body(display_name="新規 顧客")),
    Case("GET", CUST, CUST_READ, fresh_customer),
    Case("PATCH", CUST, CUST_WRITE, fresh_customer, _body(note="更新")),
    Case("DELETE", CUST, ADMIN, fresh_customer),
    Case("POST", CUST + "/identifiers", CUST_WRITE, fresh_customer, _body(kind="email", value="a@example.jp")),
    Case("DELETE", CUST + "/identifiers/{identifier_id}", CUST_WRITE, fresh_customer),
    Case("GET", CUST + "/history", CUST_READ, fresh_customer),
    Case("GET", "/api/v1/users", ADMIN),
    Case("POST", "/api/v1/users", ADMIN, body=_body(email=lambda ids: f"u{id(ids)}@example.jp", display_name="新人",
                                                    role="staff", password="a-long-password")),
    Case("GET", "/api/v1/users/{user_id}", ADMIN),
    Case("PATCH", "/api/v1/users/{user_id}", ADMIN, body=_body(display_name="改名")),
    Case("GET", "/api/v1/sites", EVERYONE),
    Case("POST", "/api/v1/sites", ADMIN, body=_body(code=lambda ids: f"S{id(ids)}", name="新店")),
    Case("PATCH", "/api/v1/sites/{site_id}", ADMIN, body=_body(address="東京都新宿区")),
    Case("GET", "/api/v1/settings", EVERYONE),
    Case("PATCH", "/api/v1/settings", ADMIN, body=_body(industry="小売")),
    Case("GET", "/api/v1/audit", AUDIT),
    Case("GET", "/api/v1/audit/verify", AUDIT),
)


def test_table_lists_every_case_file_endpoint() -> None:
    routes = set()
    for name in MODULES:
        module = importlib.import_module(f"kasuhara.web.api.{name}")
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                routes.add((method, "/api/v1" + route.path))
    assert routes == {(c.method, c.path) for c in TABLE}


def _request(world: World, case: Case, who: str) -> Any:
    ids = case.prepare(world, who)
    url = case.path.format(**ids)
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        kwargs["json"] = case.body(ids)
    if case.files:
        kwargs["files"] = {"file": ("memo.txt", "事実の記録".encode(), "text/plain")}
        kwargs["data"] = {"kind": "note"}
    response = world.call(who, case.method, url, follow_redirects=False, **kwargs)
    world.client.cookies.clear()  # a login must not turn the next caller into that user
    return response


def _problem(world: World, case: Case, who: str) -> str | None:
    response = _request(world, case, who)
    status = response.status_code
    if who == "anonymous":
        ok = status not in (401, 403) or case.path.endswith("/login") if case.anonymous_ok else status == 401
    elif who in case.allowed:
        ok = status not in (401, 403) and status < 500
    else:
        ok = status == 403
    return None if ok else f"{case.method} {case.path} as {who}: {status} {response.text[:200]}"


def test_every_endpoint_for_every_role(world: World) -> None:
    """One world per database for the whole table (building it per case would take minutes)."""
    problems = [p for case in TABLE for who in (*ROLES, "anonymous") if (p := _problem(world, case, who))]
    assert problems == []
