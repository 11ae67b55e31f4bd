"""Basic policy (カスタマーハラスメントに対する基本方針) for the website and shop fronts."""

from __future__ import annotations

from kasuhara.documents.base import DocumentKind, no_variables
from kasuhara.errors import Message

KINDS = (
    DocumentKind(
        id="policy",
        title=Message("カスタマーハラスメントに対する基本方針", "Basic policy on customer harassment"),
        description=Message("ウェブサイトや店頭で公表する基本方針", "The policy to publish on the website and at shop fronts"),
        template="policy",
        sources="none",
        variables=no_variables,
    ),
)
