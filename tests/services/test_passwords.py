"""Password policy: common, breached-style and self-derived passwords are refused, naming the field."""

from __future__ import annotations

import pytest

from kasuhara.errors import InputError
from kasuhara.services import passwords


@pytest.mark.parametrize("password", ["1234567890", "password12", "Password123!", "qwertyuiop", "aaaaaaaaaaaa",
                                      "iloveyou2024", "0987654321", "short"])
def test_common_and_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InputError) as info:
        passwords.check(password)
    problem = info.value.problems[0]
    assert problem.field == "password" and problem.message.ja and problem.message.en


@pytest.mark.parametrize(("password", "identifiers"), [
    ("hanako@example.jp", ("hanako@example.jp", "山田花子")),
    ("hanako.yamada!!", ("hanako.yamada@example.jp", "Hanako")),
    ("山田花子山田花子", ("x@example.jp", "山田花子")),
])
def test_the_users_own_identifiers_are_refused(password: str, identifiers: tuple[str, ...]) -> None:
    assert passwords.problem(password, identifiers=identifiers) is not None


@pytest.mark.parametrize("password", ["correct horse battery staple", "kasuhara-demo-2026", "tsuyu-no-asa-ni-kasa"])
def test_long_uncommon_passphrases_pass(password: str) -> None:
    assert passwords.problem(password, identifiers=("taro@example.jp", "Taro")) is None


def test_the_list_ships_in_the_package_and_is_large() -> None:
    listed = passwords.common_passwords()
    assert len(listed) >= 25_000 and "password" in listed
