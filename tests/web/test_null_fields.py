"""An explicit null for a field that cannot be empty is a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest
from casefile_world import World, world  # noqa: F401


@pytest.mark.parametrize("field", ["title", "summary", "occurred_at", "channel", "site_id", "facts"])
def test_patching_a_required_field_to_null_names_the_field(world: World, field: str) -> None:  # noqa: F811
    url = f"/api/v1/incidents/{world.incident_a}"
    version = world.call("admin", "GET", url).json()["version"]
    r = world.call("admin", "PATCH", url, json={"version": version, field: None})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"][-1] == field
    assert r.json()["detail"][0]["msg_ja"] and r.json()["detail"][0]["msg_en"]
    assert world.call("admin", "GET", url).json()["version"] == version  # nothing half-written


def test_clearing_the_customer_is_allowed(world: World) -> None:  # noqa: F811
    url = f"/api/v1/incidents/{world.incident_a}"
    version = world.call("admin", "GET", url).json()["version"]
    r = world.call("admin", "PATCH", url, json={"version": version, "customer_id": None})
    assert r.status_code == 200, r.text
