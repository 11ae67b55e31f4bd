"""Wrong attempts at the anonymous desk slow down that report key only, never other consulters.

Before: 30 wrong attempts (on any keys) made every anonymous consulter's open a 429 for a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deskkit import KEY
from fastapi.testclient import TestClient

from kasuhara.config import Settings
from kasuhara.store.migrate import upgrade
from kasuhara.web.api.consultations import THROTTLE
from kasuhara.web.app import create_app

PASSPHRASE = "long enough pass"


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(environment="development", data_dir=tmp_path, database_url=db_url,
                        secret_key="throttle-test-secret-key-0123456789ab", encryption_key=KEY)
    upgrade(db_url)
    THROTTLE.reset()
    with TestClient(create_app(settings)) as c:
        yield c


def _consult(client: TestClient) -> str:
    r = client.post("/api/v1/consultations/anonymous", json={
        "category": "other", "subject": "相談", "content": "内容", "passphrase": PASSPHRASE})
    assert r.status_code in {200, 201}, r.text
    return str(r.json()["report_key"])


def _open(client: TestClient, key: str, passphrase: str) -> int:
    return client.post("/api/v1/consultations/anonymous/open",
                       json={"report_key": key, "passphrase": passphrase}).status_code


def test_a_flood_of_wrong_attempts_does_not_block_other_consulters(client: TestClient) -> None:
    mine, attacked = _consult(client), _consult(client)
    for i in range(40):  # random keys and one real key, all wrong
        _open(client, f"ZZZZ-{i:04d}-ZZZZ", "wrong")
    for _ in range(THROTTLE.limit):
        assert _open(client, attacked, "wrong guess") == 403
    assert _open(client, attacked, "another guess") == 429  # that key is slowed down
    assert _open(client, mine, PASSPHRASE) == 200  # everyone else is not


def test_the_throttle_keeps_no_report_key(client: TestClient) -> None:
    key = _consult(client)
    _open(client, key, "wrong")
    assert all(key not in bucket and key.replace("-", "") not in bucket for bucket in THROTTLE._fails)
