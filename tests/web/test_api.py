"""Behaviour of the case-file API: field errors, 404 vs 403, workflow, CSV, judgments, login."""

from __future__ import annotations

import csv
import io

from casefile_world import PASSWORD, World


def test_create_incident_field_errors_name_the_field(world: World) -> None:
    body = {"site_id": world.site_a, "occurred_at": "2026-10-01T10:00:00+09:00", "channel": "fax",
            "title": "x"}
    r = world.call("staff", "POST", "/api/v1/incidents", json=body)
    assert r.status_code == 422
    problem = r.json()["detail"][0]
    assert problem["loc"] == ["channel"] and "phone" in problem["allowed"]
    assert problem["msg_ja"] and problem["msg_en"]

    r = world.call("staff", "POST", "/api/v1/incidents", json={**body, "channel": "phone",
                                                                "facts": {"demand": {"validity": "maybe"}}})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][:2] == ["facts", "demand"]

    r = world.call("staff", "POST", "/api/v1/incidents", json={"site_id": world.site_a})
    assert r.status_code == 422
    missing = {tuple(d["loc"]) for d in r.json()["detail"]}
    assert ("body", "title") in missing and ("body", "occurred_at") in missing


def test_staff_cannot_report_at_a_site_they_do_not_belong_to(world: World) -> None:
    body = {"site_id": world.site_b, "occurred_at": "2026-10-01T10:00:00+09:00", "channel": "phone",
            "title": "x"}
    r = world.call("staff", "POST", "/api/v1/incidents", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["site_id"]


def test_unknown_id_is_404_for_readers_of_everything_and_403_for_others(world: World) -> None:
    assert world.call("admin", "GET", "/api/v1/incidents/999999").status_code == 404
    hidden = world.call("staff_other", "GET", f"/api/v1/incidents/{world.incident_a}")
    missing = world.call("staff_other", "GET", "/api/v1/incidents/999999")
    assert hidden.status_code == missing.status_code == 403
    assert hidden.json() == missing.json()  # the same answer: existence is not leaked
    assert world.call("supervisor", "GET", f"/api/v1/incidents/{world.incident_b}").status_code == 403


def test_lists_only_show_what_the_user_may_see(world: World) -> None:
    def ids(who: str) -> set[int]:
        r = world.call(who, "GET", "/api/v1/incidents")
        assert r.status_code == 200
        return {i["id"] for i in r.json()["items"]}

    assert ids("staff") == {world.incident_a}
    assert ids("staff_other") == set()
    assert ids("supervisor") == {world.incident_a}
    assert ids("supervisor_b") == {world.incident_b}
    assert ids("desk") == ids("auditor") == ids("admin") == {world.incident_a, world.incident_b}


def test_workflow_judgment_decision_and_timeline(world: World) -> None:
    url = f"/api/v1/incidents/{world.incident_a}"
    inc = world.call("supervisor", "GET", url).json()
    assert inc["status"] == "reported" and "assessing" in inc["next_statuses"]
    r = world.call("supervisor", "POST", f"{url}/transitions", json={"to": "responding", "version": inc["version"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["to"]
    r = world.call("supervisor", "POST", f"{url}/transitions", json={"to": "assessing", "version": inc["version"]})
    assert r.status_code == 200
    stale = world.call("supervisor", "POST", f"{url}/transitions", json={"to": "responding", "version": inc["version"]})
    assert stale.status_code == 409

    judged = world.call("supervisor", "POST", f"{url}/judgments")
    assert judged.status_code == 201, judged.text
    snap = judged.json()
    assert snap["determination"] == "customer_harassment"
    assert snap["knowledge_base_version"] and snap["assessment"]["determination"] == "customer_harassment"
    assert snap["thresholds"]["time_limit_minutes"] == 30

    r = world.call("admin", "GET", "/api/v1/incidents", params={"behaviour": "verbal_abuse"})
    assert [i["id"] for i in r.json()["items"]] == [world.incident_a]
    r = world.call("admin", "GET", "/api/v1/incidents", params={"determination": "customer_harassment"})
    assert r.json()["total"] == 1

    r = world.call("supervisor", "POST", f"{url}/decisions",
                   json={"kind": "warning", "reason": "録音を確認し警告", "judgment_id": snap["id"]})
    assert r.status_code == 201 and r.json()["decided_by"] == world.user_ids["supervisor"]
    assert world.call("staff", "POST", f"{url}/decisions", json={"kind": "ban", "reason": "x"}).status_code == 403

    version = world.call("supervisor", "GET", url).json()["version"]
    r = world.call("supervisor", "POST", f"{url}/transitions", json={"to": "responding", "version": version})
    version = r.json()["version"]
    r = world.call("supervisor", "POST", f"{url}/transitions", json={"to": "closed", "version": version})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["reason"]
    r = world.call("supervisor", "POST", f"{url}/transitions",
                   json={"to": "closed", "version": version, "reason": "警告後、連絡なし"})
    assert r.status_code == 200 and r.json()["status"] == "closed"

    events = world.call("staff", "GET", f"{url}/timeline").json()
    kinds = [e["kind"] for e in events]
    assert kinds == ["created", "transition", "judgment", "decision", "transition", "transition"]
    assert events[-1]["reason"] == "警告後、連絡なし" and events[-1]["actor_id"] == world.user_ids["supervisor"]


def test_csv_export_has_bom_and_japanese(world: World) -> None:
    r = world.call("admin", "GET", "/api/v1/incidents/export.csv", params={"site_id": world.site_a})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "事案ID/id" and len(rows) == 2
    assert rows[1][2] == "新宿店" and rows[1][4] == "返金の強要"


def test_customers_match_normalised_identifiers_and_history(world: World) -> None:
    r = world.call("supervisor", "POST", "/api/v1/customers", json={
        "display_name": "ヤマダ タロウ", "identifiers": [{"kind": "phone", "value": "＋81 90-1234-5678"},
                                                        {"kind": "email", "value": "Taro@Example.JP"}]})
    assert r.status_code == 201, r.text
    customer = r.json()
    assert {i["normalized"] for i in customer["identifiers"]} == {"09012345678", "taro@example.jp"}
    found = world.call("desk", "GET", "/api/v1/customers", params={"q": "090-1234-5678"}).json()
    assert [c["id"] for c in found["items"]] == [customer["id"]]
    bad = world.call("supervisor", "POST", f"/api/v1/customers/{customer['id']}/identifiers",
                     json={"kind": "phone", "value": "12"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["value"]

    inc = world.call("supervisor", "GET", f"/api/v1/incidents/{world.incident_a}").json()
    r = world.call("supervisor", "PATCH", f"/api/v1/incidents/{world.incident_a}",
                   json={"version": inc["version"], "customer_id": customer["id"]})
    assert r.status_code == 200
    history = world.call("desk", "GET", f"/api/v1/customers/{customer['id']}/history").json()
    assert [i["id"] for i in history["incidents"]] == [world.incident_a]
    assert world.call("admin", "DELETE", f"/api/v1/customers/{customer['id']}").status_code == 409
    assert world.call("staff", "GET", f"/api/v1/customers/{customer['id']}").status_code == 403


def test_login_cookie_csrf_and_throttling(world: World) -> None:
    client = world.client
    r = client.post("/api/v1/auth/login", json={"email": "supervisor@example.jp", "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert client.get("/api/v1/auth/me").json()["user"]["role"] == "supervisor"
    note = {"text": "電話で再度連絡あり"}
    url = f"/api/v1/incidents/{world.incident_a}/timeline"
    assert client.post(url, json=note).status_code == 403  # cookie without CSRF token
    assert client.post(url, json=note, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.post(url, json=note, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401

    for _ in range(world.settings.login_max_failures):
        assert client.post("/api/v1/auth/login", json={"email": "desk@example.jp", "password": "nope"}).status_code == 401
    r = client.post("/api/v1/auth/login", json={"email": "desk@example.jp", "password": PASSWORD})
    assert r.status_code == 429 and r.json()["msg_ja"]


def test_form_login_redirects_and_needs_the_double_submit_token(world: World) -> None:
    client = world.client
    form = {"email": "staff@example.jp", "password": PASSWORD, "next": "/cases", "csrf_token": "t" * 32}
    r = client.post("/api/v1/auth/session", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?error=csrf")
    client.cookies.set("csrftoken", "t" * 32)
    r = client.post("/api/v1/auth/session", data={**form, "next": "https://evil.example/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert world.settings.session_cookie_name in r.cookies


def test_settings_and_users_admin(world: World) -> None:
    r = world.call("admin", "PATCH", "/api/v1/settings", json={"time_limit_minutes": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "time_limit_minutes"]
    r = world.call("admin", "PATCH", "/api/v1/settings",
                   json={"company_name": "株式会社サンプル", "time_limit_minutes": 20, "prefecture_code": "13"})
    assert r.status_code == 200 and r.json()["time_limit_minutes"] == 20
    assert world.call("staff", "GET", "/api/v1/settings").json()["company_name"] == "株式会社サンプル"
    r = world.call("admin", "POST", "/api/v1/users", json={"email": "new@example.jp", "display_name": "新人",
                                                           "role": "chief", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["role"]
    r = world.call("admin", "POST", "/api/v1/users", json={"email": "new@example.jp", "display_name": "新人",
                                                           "role": "staff", "password": "short"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["password"]


def test_unstorable_input_is_a_field_error_not_a_server_error(world: World) -> None:
    head = f'{{"site_id": {world.site_a}, "occurred_at": "2026-10-01T10:00:00+09:00", "channel": "phone"'
    cases = {
        head + ', "title": "\\ud800"}': ["body", "title"],
        head + ', "title": "x", "facts": {"\\ud800": 1}}': ["facts"],
        head + ', "title": "x", "facts": {"duration_minutes": NaN}}': ["facts", "duration_minutes"],
        f'{{"site_id": {world.site_a}, "occurred_at": "0001-01-01T00:00:00+14:00", "channel": "phone", "title": "x"}}':
            ["body", "occurred_at"],
    }
    for body, loc in cases.items():
        r = world.call("admin", "POST", "/api/v1/incidents", content=body.encode(),
                       headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, (body, r.text)
    r = world.call("admin", "GET", "/api/v1/incidents", params={"occurred_from": "0001-01-01T00:00:00+14:00"})
    assert r.status_code == 422


def test_behaviour_filter_follows_a_site_change(world: World) -> None:
    url = f"/api/v1/incidents/{world.incident_a}"
    assert world.call("admin", "POST", f"{url}/judgments").status_code == 201
    version = world.call("admin", "GET", url).json()["version"]
    assert world.call("admin", "PATCH", url, json={"version": version, "site_id": world.site_b}).status_code == 200

    def found(site: int) -> list[int]:
        r = world.call("admin", "GET", "/api/v1/incidents", params={"behaviour": "verbal_abuse", "site_id": site})
        return [i["id"] for i in r.json()["items"]]

    assert found(world.site_b) == [world.incident_a] and found(world.site_a) == []
