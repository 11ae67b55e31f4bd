"""Closed vocabularies shared by the data files, the facts and the assessment.

They are contracts: the facts' JSON, the data's conditions and the output all use these ids.
"""

from __future__ import annotations

from kasuhara.errors import Message

CHANNELS: dict[str, Message] = {
    "in_person": Message("対面", "in person"),
    "phone": Message("電話", "phone"),
    "email": Message("メール", "email"),
    "chat": Message("チャット", "chat"),
    "sns": Message("SNS", "social media"),
    "letter": Message("書面", "letter"),
    "off_premises": Message("店舗外・訪問先", "off premises (visit)"),
}

DEMAND_KINDS: dict[str, Message] = {
    "exchange": Message("商品交換", "exchange"),
    "refund": Message("返金", "refund"),
    "repair": Message("修理", "repair"),
    "compensation": Message("金銭補償", "monetary compensation"),
    "apology": Message("謝罪", "apology"),
    "service": Message("サービスの提供", "service"),
    "explanation": Message("説明", "explanation"),
    "other": Message("その他", "other"),
    "none": Message("要求なし", "no demand"),
}

VALIDITIES: dict[str, Message] = {
    "valid": Message("妥当", "valid"),
    "partially_valid": Message("一部妥当", "partially valid"),
    "invalid": Message("妥当でない", "invalid"),
    "unknown": Message("不明（要確認）", "unknown (to be checked)"),
}

DETERMINATIONS: tuple[str, ...] = (
    "customer_harassment",
    "unjustified_demand",
    "needs_fact_finding",
    "legitimate_complaint",
)

ORIGINS: dict[str, Message] = {
    "reported": Message("申告", "reported"),
    "inferred": Message("推定", "inferred"),
    "screened": Message("発言の自動判定", "screened"),
}

DEMAND_AXIS: tuple[str, ...] = ("valid", "partially_valid", "invalid", "unknown", "unrelated", "no_demand")
"""Results of the first axis (the demand's validity), as the judgment reports them."""
MANNER_AXIS: tuple[str, ...] = (
    "inappropriate_regardless_of_demand",
    "inappropriate_given_demand",
    "depends_on_demand",
    "appropriate",
)
"""Results of the second axis (the means and manner)."""

DETERRENCE_STEPS: tuple[str, ...] = ("warning", "single_contact", "end_of_service", "ban", "police_report")
"""Deterrence steps (contract ids shared with the desk and the store)."""

SCOPES = ("national", "prefecture", "municipality")
RULE_KINDS = ("statute", "guideline", "ordinance")
