"""Audit entries about care (and whoever reads it) that tell admins and auditors nothing about a person.

The audit log is read by admins and auditors. An entry like `care.open {"employee_id": 7}` or
`care.support {"kind": "occupational_physician"}` would tell them who gets health support, and an
entry whose actor is the employee reading their own record tells them the same. So the detail of
every care entry is sealed with the field cipher (padded to one length, so the ciphertext's size
says nothing), and when the actor is not on the desk (the employee, a supervisor they shared with)
the actor goes into the sealed part too. The entry keeps its action, the record's opaque id and the
time; the desk can unseal (`unseal`) when it must reconstruct who did what.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasuhara.desk.crypto import FieldCipher
from kasuhara.services import audit
from kasuhara.store.models.users import User

SEALED_KEY = "sealed"
_FIELD = "audit_log.sealed"
_PADDED = 240
DESK_ROLES = frozenset({"desk"})


def seal(cipher: FieldCipher, detail: Mapping[str, Any]) -> str:
    plain = json.dumps(dict(detail), sort_keys=True, ensure_ascii=True, default=str)
    return cipher.encrypt(plain.ljust(max(_PADDED, len(plain))), field=_FIELD)


def unseal(cipher: FieldCipher, detail: Mapping[str, Any]) -> dict[str, Any]:
    if SEALED_KEY not in detail:
        return dict(detail)
    value: dict[str, Any] = json.loads(cipher.decrypt(str(detail[SEALED_KEY]), field=_FIELD))
    return value


def record(session: Session, *, cipher: FieldCipher | None, actor: User, action: str, target_type: str,
           target_id: object, detail: Mapping[str, Any] | None = None) -> None:
    """Like `audit.record`, with the detail sealed and a non-desk actor hidden inside it.

    Without a cipher (a caller that has none) the hidden parts are left out rather than exposed."""
    hidden: dict[str, Any] = dict(detail or {})
    shown: User | None = actor
    if actor.role not in DESK_ROLES:
        hidden["actor_id"] = actor.id
        shown = None
    out = {SEALED_KEY: seal(cipher, hidden)} if cipher is not None else {}
    audit.record(session, actor=shown, action=action, target_type=target_type, target_id=target_id, detail=out)
