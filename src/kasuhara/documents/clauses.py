"""Contract clauses: refusal of service and termination, for terms of service and for leases.

The lease version carries the note on its legal limits: a bare clause does not by itself
justify ending a lease; a breakdown of trust, shown by records and warnings, does.
"""

from __future__ import annotations

from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind, no_variables
from kasuhara.errors import Message

IMMEDIATE = ("physical_attack", "threat", "confinement", "property_damage")
"""Acts that allow ending the contract at once, without notice (violence, threats, confinement, damage)."""


def _terms_variables(inp: BuildInput) -> dict[str, Any]:
    """The prohibited acts as numbered items (第○号) so the other clauses can cite them by number."""
    law = inp.legal()
    items = [b for b in law.behaviours if b.regardless_of_demand]
    return {"law": law, "items": items, "immediate": [i + 1 for i, b in enumerate(items) if b.id in IMMEDIATE]}


KINDS = (
    DocumentKind(
        id="clauses-terms",
        title=Message("利用規約 カスタマーハラスメント条項", "Terms-of-service clauses on customer harassment"),
        description=Message("利用規約・取引約款に加える提供拒否・解除の条項", "Refusal and termination clauses for terms of service"),
        template="clauses_terms",
        # a clinic's refusal of care is weighed against the duty to treat (the manual's healthcare notes), not a clause
        not_for=("healthcare",),
        variables=_terms_variables,
    ),
    DocumentKind(
        id="clauses-lease",
        title=Message("賃貸借契約 カスタマーハラスメント条項", "Lease clauses on customer harassment"),
        description=Message("賃貸借契約に加える条項と、その法的限界の注記", "Lease clauses with a note on their legal limits"),
        template="clauses_lease",
        industries=("rental_housing",),
        variables=no_variables,
    ),
)
