"""Field-level encryption for the most sensitive free text (consultation content, care notes).

AES-256-GCM with a key derived (HKDF-SHA256) from `Settings.encryption_key`, a fresh 96-bit nonce
per value, and the field's name as associated data so a ciphertext cannot be moved to another
column. The stored form is `v1:<base64(nonce || ciphertext)>`. A database dump or a backup alone
reveals no content; losing the key loses the content, by design.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kasuhara.errors import KasuharaError, Message

PREFIX = "v1:"


class DecryptionError(KasuharaError):
    """The stored value cannot be decrypted with this key (wrong key or tampered data)."""


class FieldCipher:
    """Encrypts and decrypts text fields; one instance per key."""

    def __init__(self, key_material: str | bytes) -> None:
        raw = key_material.encode() if isinstance(key_material, str) else key_material
        if len(raw) < 16:
            raise ValueError("encryption key must have at least 16 bytes of material")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"kasuhara-field", info=b"v1").derive(raw)
        self._aead = AESGCM(derived)

    def encrypt(self, plaintext: str, *, field: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), field.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, stored: str, *, field: str) -> str:
        if not stored.startswith(PREFIX):
            raise DecryptionError(Message("暗号化形式が不明です", "unknown encryption format"))
        blob = base64.b64decode(stored[len(PREFIX) :])
        try:
            return self._aead.decrypt(blob[:12], blob[12:], field.encode()).decode("utf-8")
        except InvalidTag as exc:
            raise DecryptionError(
                Message("復号できません（鍵が違うか改ざん）", "cannot decrypt (wrong key or tampered)")
            ) from exc
