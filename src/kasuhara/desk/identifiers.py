"""Normalising customer identifiers so the same phone or e-mail matches however it was typed.

Staff type 「０９０－１２３４－５６７８」, "+81 90 1234 5678" or "090(1234)5678"; all are the same
number. E-mail addresses compare without case and surrounding space. Matching never guesses
beyond that: a name alone is not an identifier (two 田中さん are not one customer); a supervisor
confirms any other match by hand.
"""

from __future__ import annotations

import re
import unicodedata

from kasuhara.errors import FieldProblem, InputError, Message

KINDS = ("phone", "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_phone(value: str) -> str:
    """Digits only, national form: +81 / 81 country code becomes a leading 0."""
    text = unicodedata.normalize("NFKC", value).strip()
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if plus and digits.startswith("81"):
        digits = "0" + digits[2:]
    elif plus:
        digits = "+" + digits
    elif digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if len(digits.lstrip("+")) < 6:
        raise InputError(
            [FieldProblem("identifier.value", Message("電話番号が短すぎます", "the phone number is too short"))]
        )
    return digits


def normalise_email(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if not _EMAIL.match(text):
        raise InputError(
            [
                FieldProblem(
                    "identifier.value",
                    Message("メールアドレスの形式が正しくありません", "not an e-mail address"),
                )
            ]
        )
    return text


def normalise(kind: str, value: str) -> str:
    """Normalise an identifier of `kind` ('phone' or 'email')."""
    if kind == "phone":
        return normalise_phone(value)
    if kind == "email":
        return normalise_email(value)
    raise InputError(
        [FieldProblem("identifier.kind", Message("不明な種類です", "unknown identifier kind"), KINDS)]
    )


def guess_kind(value: str) -> str:
    """'email' when it has an @, else 'phone' (for a single search box at the counter)."""
    return "email" if "@" in unicodedata.normalize("NFKC", value) else "phone"
