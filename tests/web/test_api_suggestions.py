"""The suggestions API: who may confirm or reject a screened behaviour, and what bad requests get."""

from __future__ import annotations

from casefile_world import World

SAID = ["金を返さないなら殺すぞ", "土下座しろ", "本日はありがとうございました"]


def _case(world: World) -> int:
    body = {"site_id": world.site_a, "occurred_at": "2026-11-01T10:00:00+09:00", "channel": "phone",
            "title": "電話での要求", "facts": {"demand": {"kind": "refund", "validity": "valid"}, "utterances": SAID}}
    r = world.call("staff", "POST", "/api/v1/incidents", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_suggestions_list_what_is_at_stake(world: World) -> None:
    case = _case(world)
    r = world.call("staff", "GET", f"/api/v1/incidents/{case}/suggestions")
    assert r.status_code == 200
    body = r.json()
    assert {s["behaviour_id"]: s["status"] for s in body["items"]} == {"threat": "suggested", "forced_kneeling": "suggested"}
    assert body["if_confirmed"]["determination"] == "customer_harassment"
    assert body["screener_version"]
    events = world.call("staff", "GET", f"/api/v1/incidents/{case}/timeline").json()
    (screening,) = [e for e in events if e["kind"] == "screening"]
    assert set(screening["detail"]["suggested"]) == {"threat", "forced_kneeling"}


def test_reporter_and_supervisor_decide_and_the_judgment_follows(world: World) -> None:
    case = _case(world)
    url = f"/api/v1/incidents/{case}/suggestions"
    r = world.call("staff", "POST", f"{url}/forced_kneeling", json={"decision": "reject"})
    assert r.status_code == 200, r.text
    assert r.json()["suggestion"]["status"] == "rejected" and r.json()["judgment_id"] is None
    version = r.json()["incident_version"]
    r = world.call("supervisor", "POST", f"{url}/threat", json={"decision": "confirm", "version": version})
    assert r.status_code == 200, r.text
    assert r.json()["determination"] == "customer_harassment" and r.json()["judgment_id"]
    detail = world.call("supervisor", "GET", f"/api/v1/incidents/{case}").json()
    assert detail["behaviours"] == ["threat"]  # the rejected one never counts
    judged = world.call("supervisor", "GET", f"/api/v1/incidents/{case}/judgments").json()[-1]["assessment"]
    assert [b["id"] for b in judged["behaviours"]] == ["threat"] and judged["behaviours"][0]["confirmed"] is True
    assert judged["suggestions"][0]["status"] == "rejected" and judged["if_confirmed"] is None
    assert judged["screening"]["screener_version"] == world.call("staff", "GET", f"{url}").json()["screener_version"]


def test_who_may_not_decide(world: World) -> None:
    case = _case(world)
    url = f"/api/v1/incidents/{case}/suggestions/threat"
    for who in ("staff_other", "supervisor_b", "desk", "auditor"):
        r = world.call(who, "POST", url, json={"decision": "confirm"})
        assert r.status_code == 403, (who, r.text)
        assert r.json()["msg_ja"] and r.json()["msg_en"]
    assert world.call("anonymous", "POST", url, json={"decision": "confirm"}).status_code == 401


def test_bad_requests_are_404_or_422_never_500(world: World) -> None:
    case = _case(world)
    url = f"/api/v1/incidents/{case}/suggestions"
    r = world.call("supervisor", "POST", f"{url}/telepathy", json={"decision": "confirm"})
    assert r.status_code == 422
    problem = r.json()["detail"][0]
    assert problem["loc"] == ["behaviour_id"] and set(problem["allowed"]) == {"threat", "forced_kneeling"}
    assert problem["msg_ja"] and problem["msg_en"]
    r = world.call("supervisor", "POST", f"{url}/threat", json={"decision": "maybe"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["decision"]
    r = world.call("supervisor", "POST", f"{url}/threat", json={"decision": "confirm", "extra": 1})
    assert r.status_code == 422
    r = world.call("supervisor", "POST", f"{url}/threat", json={"decision": "confirm", "version": 999})
    assert r.status_code == 409 and r.json()["msg_ja"]
    assert world.call("admin", "POST", "/api/v1/incidents/999999/suggestions/threat",
                      json={"decision": "confirm"}).status_code == 404
    assert world.call("admin", "GET", "/api/v1/incidents/999999/suggestions").status_code == 404
    assert world.call("admin", "POST", f"{url}/{'x' * 61}", json={"decision": "confirm"}).status_code == 422
    assert world.call("admin", "POST", f"{url}/threat", content=b"{", headers={"Content-Type": "application/json"}).status_code == 422


def test_integrations_may_confirm_through_the_facts(world: World) -> None:
    body = {"site_id": world.site_a, "occurred_at": "2026-11-01T10:00:00+09:00", "channel": "phone", "title": "連携",
            "facts": {"demand": {"kind": "refund", "validity": "valid"}, "utterances": SAID,
                      "screened_confirmed": ["threat"]}}
    case = world.call("supervisor", "POST", "/api/v1/incidents", json=body).json()["id"]
    r = world.call("supervisor", "POST", f"/api/v1/incidents/{case}/judgments")
    assert r.status_code == 201 and r.json()["determination"] == "customer_harassment"
    bad = {**body, "facts": {**body["facts"], "screened_confirmed": ["threat"], "screened_rejected": ["threat"]}}
    r = world.call("supervisor", "POST", "/api/v1/incidents", json=bad)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["facts", "screened_rejected"]
