"""Warning letter (警告書) to a customer, generated from a case.

It names the conduct the judgment found, asks the customer to stop (the 「中止の申入れ」 of the
Tokyo ordinance Art. 9(2) where it applies) and says what the company will do if it continues.
"""

from __future__ import annotations

from kasuhara.documents.base import DocumentKind
from kasuhara.documents.incident_report import case_variables
from kasuhara.errors import Message

KINDS = (
    DocumentKind(
        id="warning-letter",
        title=Message("警告書", "Warning letter"),
        description=Message("事案から作成する、お客様への行為の中止を求める警告書", "A letter asking the customer to stop, from a case"),
        template="warning_letter",
        variables=case_variables,
        needs_incident=True,
        audience="case",
    ),
)
