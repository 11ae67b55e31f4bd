"""Warning letter (警告書) to a customer, generated from a case.

It states the facts (when, where or by which channel, what was said and done), asks the customer
to stop (the 「中止の申入れ」 of the Tokyo ordinance Art. 9(2) where it applies), says what the
company will do if it continues and names the customer contact point. A letter goes to a person
at an address: without the customer's name and address, or without a customer contact point to
name, it is not generated. A last page, for the company only, advises on sending it (内容証明).
"""

from __future__ import annotations

from typing import Any

from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.documents.incident import IncidentRecord
from kasuhara.documents.incident_report import case_variables
from kasuhara.errors import FieldProblem, InputError, Message


def _letter_variables(inp: BuildInput) -> dict[str, Any]:
    incident: IncidentRecord = inp.incident
    problems: list[FieldProblem] = []
    if not incident.customer_name.strip():
        problems.append(FieldProblem("customer_name", Message(
            "宛先（お客様の氏名）が必要です。事案の相手方を登録するか、宛名を入力してください",
            "the addressee (the customer's name) is required: link the customer to the case or enter the name")))
    if not incident.customer_address.strip():
        problems.append(FieldProblem("customer_address", Message(
            "宛先の住所が必要です（警告書は到達したことを示せる方法で送ります）",
            "the addressee's postal address is required (the letter must be sent so that delivery can be shown)")))
    contact = inp.company.customer_contact
    if contact is None or not contact.configured:
        problems.append(FieldProblem("customer_contact_name", Message(
            "お客様窓口（名称と電話番号またはメール）を会社設定に登録してください。従業員の相談窓口は案内できません",
            "set the customer contact point (name and phone or e-mail) in the company settings; "
            "the staff consultation desk is never given to customers")))
    if problems:
        raise InputError(problems)
    variables = case_variables(inp)
    facts = incident.facts
    variables["utterances"] = [str(u) for u in facts.get("utterances", []) if str(u).strip()]
    return variables


KINDS = (
    DocumentKind(
        id="warning-letter",
        title=Message("警告書", "Warning letter"),
        description=Message("事案から作成する、お客様への行為の中止を求める警告書", "A letter asking the customer to stop, from a case"),
        template="warning_letter",
        sources="none",
        variables=_letter_variables,
        needs_incident=True,
        audience="case",
    ),
)
