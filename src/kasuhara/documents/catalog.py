"""Every document kind the system generates, by id, in the order a company needs them."""

from __future__ import annotations

from kasuhara.documents import (
    clauses,
    incident_report,
    manual,
    notices,
    policy,
    selfcheck,
    training,
    warning_letter,
)
from kasuhara.documents.base import DocumentKind
from kasuhara.errors import Message, NotFoundError

_MODULES = (policy, manual, clauses, notices, warning_letter, incident_report, training, selfcheck)


def kinds() -> tuple[DocumentKind, ...]:
    return tuple(k for module in _MODULES for k in module.KINDS)


def kind(kind_id: str) -> DocumentKind:
    for k in kinds():
        if k.id == kind_id:
            return k
    known = ", ".join(k.id for k in kinds())
    raise NotFoundError(Message(f"文書の種類「{kind_id}」はありません（{known}）", f"no document kind '{kind_id}' (known: {known})"))
