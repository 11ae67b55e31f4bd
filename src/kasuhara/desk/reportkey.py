"""The anonymous consulter's credentials: a report key the system gives and a passphrase they choose.

Like the best whistleblowing hotlines (NAVEX EthicsPoint, Vault): no account, no e-mail, nothing
that names the person. The key has 100 random bits, so the store keeps only its SHA-256 (a lookup
hash; a high-entropy secret needs no salt) and never the key. The passphrase is hashed with argon2id.
Both are needed to come back: a stolen key alone opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kasuhara.errors import FieldProblem, InputError, Message

# Crockford base32: no I, L, O, U, so a key read aloud or copied by hand is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY_CHARS = 20  # 20 * 5 bits = 100 bits
GROUP = 4
MIN_PASSPHRASE = 8
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("kasuhara-dummy-passphrase")


def new_report_key() -> str:
    """A fresh report key such as `7K2M-Q9XD-...` (five groups of four)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(KEY_CHARS))
    return "-".join(raw[i : i + GROUP] for i in range(0, KEY_CHARS, GROUP))


def normalise_key(key: str) -> str:
    """Upper case, no separators or spaces, full-width folded, confusable letters mapped."""
    text = unicodedata.normalize("NFKC", key).upper().translate(_CONFUSABLE)
    return "".join(ch for ch in text if ch in ALPHABET)


def key_lookup_hash(key: str) -> str:
    """What the store keeps to find a consultation by key (hex SHA-256 of the normalised key)."""
    normal = normalise_key(key)
    if len(normal) != KEY_CHARS:
        raise InputError(
            [
                FieldProblem(
                    "report_key",
                    Message("受付番号の形式が正しくありません", "the report key is not in the right format"),
                )
            ]
        )
    return hashlib.sha256(("kasuhara-report-key:" + normal).encode()).hexdigest()


def check_passphrase_strength(passphrase: str) -> None:
    """A passphrase of at least 8 characters that is not the key itself."""
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise InputError(
            [
                FieldProblem(
                    "passphrase",
                    Message(
                        f"合言葉は{MIN_PASSPHRASE}文字以上にしてください",
                        f"the passphrase needs at least {MIN_PASSPHRASE} characters",
                    ),
                )
            ]
        )


def hash_passphrase(passphrase: str) -> str:
    check_passphrase_strength(passphrase)
    return _HASHER.hash(unicodedata.normalize("NFKC", passphrase))


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    """True when the passphrase matches; with no stored hash it still spends the same time."""
    candidate = unicodedata.normalize("NFKC", passphrase)
    try:
        ok = _HASHER.verify(stored_hash or _DUMMY_HASH, candidate)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None
