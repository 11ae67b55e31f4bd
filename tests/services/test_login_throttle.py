"""Login throttling slows a guesser down without locking the real owner out.

The old rule (five failures lock the address for 15 minutes, from everywhere) let anyone lock
out anyone. Now failures slow down the same account *from the same source*, a source that fails
for many accounts is refused, and an account failing from many sources asks for a proof of work.
"""

from __future__ import annotations

import pytest
from casefile_db import Db

from kasuhara.services import auth

SECRET = "test-secret"
RIGHT = "a-long-password"
POLICY = auth.LoginPolicy(window_seconds=900, free_failures=5, source_max_failures=20, pow_after_failures=10,
                          pow_bits=8)


def _try(db: Db, *, email: str = "staff@example.jp", password: str = "wrong-guess", client: str,
         challenge: str = "", nonce: str = "") -> str:
    with db.sessions() as session:
        try:
            auth.authenticate(session=session, email=email, password=password, client=client, secret_key=SECRET,
                              policy=POLICY, pow_challenge=challenge, pow_nonce=nonce)
        except auth.ProofOfWorkRequiredError as exc:
            session.commit()
            return "pow:" + exc.challenge
        except auth.LoginThrottledError:
            session.commit()
            return "throttled"
        except auth.LoginFailedError:
            session.commit()
            return "failed"
        session.commit()
        return "ok"


def test_the_owner_logs_in_from_their_own_place_while_a_guesser_is_slowed(db: Db) -> None:
    results = [_try(db, client="203.0.113.9") for _ in range(7)]
    assert results[:5] == ["failed"] * 5
    assert "throttled" in results[5:]  # the guesser now waits 1, 2, 4 ... seconds between tries
    assert _try(db, password=RIGHT, client="198.51.100.1") == "ok"  # the owner, elsewhere


def test_a_source_failing_for_many_accounts_must_prove_work_and_is_not_locked_out(db: Db) -> None:
    for i in range(POLICY.source_max_failures):
        assert _try(db, email=f"random{i}@example.jp", client="203.0.113.50") == "failed"
    assert _try(db, email="new@example.jp", client="203.0.113.50").startswith("pow:")  # no hash computed
    assert _try(db, password=RIGHT, client="198.51.100.1") == "ok"
    answer = _try(db, password=RIGHT, client="203.0.113.50")  # the owner behind the same address
    challenge = answer[4:]
    assert _try(db, password=RIGHT, client="203.0.113.50", challenge=challenge,
                nonce=auth.solve_challenge(challenge)) == "ok"


def test_an_account_failing_from_many_sources_asks_for_proof_of_work_and_the_owner_can_solve_it(db: Db) -> None:
    for i in range(POLICY.pow_after_failures):
        assert _try(db, client=f"203.0.113.{i}") == "failed"
    answer = _try(db, password=RIGHT, client="198.51.100.1")
    assert answer.startswith("pow:")
    challenge = answer[4:]
    assert _try(db, password=RIGHT, client="198.51.100.1", challenge=challenge, nonce="not-it") .startswith("pow:")
    nonce = auth.solve_challenge(challenge)
    assert _try(db, password=RIGHT, client="198.51.100.1", challenge=challenge, nonce=nonce) == "ok"


def test_a_challenge_is_spent_by_a_failed_try(db: Db) -> None:
    for i in range(POLICY.pow_after_failures):
        _try(db, client=f"203.0.113.{i}")
    challenge = _try(db, client="203.0.113.200")[4:]
    nonce = auth.solve_challenge(challenge)
    assert _try(db, client="203.0.113.200", challenge=challenge, nonce=nonce) == "failed"
    assert _try(db, client="203.0.113.201", challenge=challenge, nonce=nonce).startswith("pow:")


@pytest.mark.parametrize("bad", ["", "1.2.3", "9999999999.8.10.aa.deadbeef"])
def test_forged_challenges_are_refused(bad: str) -> None:
    assert not auth.challenge_solved(secret_key=SECRET, email="a@example.jp", failures=10, bits=8,
                                     challenge=bad, nonce="1")
