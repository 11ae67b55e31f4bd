"""The users API refuses common passwords and the user's own e-mail, naming the field in ja and en."""

from __future__ import annotations

import pytest
from casefile_world import World, world  # noqa: F401


@pytest.mark.parametrize("password", ["1234567890", "password12", "newbie@example.jp"])
def test_weak_passwords_are_refused_on_create(world: World, password: str) -> None:  # noqa: F811
    r = world.call("admin", "POST", "/api/v1/users", json={"email": "newbie@example.jp", "display_name": "新人",
                                                           "role": "staff", "password": password})
    assert r.status_code == 422, r.text
    problem = r.json()["detail"][0]
    assert problem["loc"][-1] == "password" and problem["msg_ja"] and problem["msg_en"]


def test_weak_passwords_are_refused_on_change(world: World) -> None:  # noqa: F811
    r = world.call("admin", "PATCH", f"/api/v1/users/{world.user_ids['staff']}", json={"password": "password12"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "password"
    assert world.call("staff", "GET", "/api/v1/incidents").status_code == 200  # nothing changed, token alive
