"""Training: a module for staff and one for supervisors and desk members, with a quiz.

The quiz is drawn from the judgment's own legal scenarios (`kasuhara.judge.load_scenarios`) and
the right answer is what the judgment decides on the scenario's facts, so the training teaches
exactly the law the system applies, under the company's own limits. Questions are drawn per person and attempt
(a seed), deterministically, so the
server can grade an answer sheet without storing the questions it handed out.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kasuhara.company import Thresholds
from kasuhara.documents.base import BuildInput, DocumentKind
from kasuhara.errors import FieldProblem, InputError, Message

MODULES: dict[str, Message] = {
    "staff": Message("従業員向け研修", "Training for staff"),
    "supervisor": Message("管理者・相談窓口向け研修", "Training for supervisors and the consultation desk"),
}
QUESTIONS_PER_MODULE = 8
PASS_MARK = 0.8
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Choice:
    id: str
    label: Message


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    kind: str  # determination | action
    scenario: str
    prompt: Message
    question: Message
    choices: tuple[Choice, ...]
    answer: str
    explanation: Message

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "prompt": self.prompt.in_(lang),
            "question": self.question.in_(lang),
            "choices": [{"id": c.id, "label": c.label.in_(lang)} for c in self.choices],
        }


@dataclass(frozen=True)
class QuizResult:
    module: str
    correct: int
    total: int
    wrong: tuple[str, ...]

    @property
    def score(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.correct / self.total >= PASS_MARK


def _check_module(module: str) -> None:
    if module not in MODULES:
        raise InputError([FieldProblem("module", Message("研修の種類が不明です", "unknown training module"), tuple(MODULES))])


CHANNELS: dict[str, Message] = {
    "in_person": Message("来店したお客様", "A customer in the shop"),
    "phone": Message("電話をかけてきたお客様", "A caller on the phone"),
    "email": Message("メールを送ってきたお客様", "A customer writing by e-mail"),
    "chat": Message("チャットで連絡してきたお客様", "A customer on chat"),
    "sns": Message("SNSで連絡してきたお客様", "A customer on social media"),
    "letter": Message("手紙を送ってきたお客様", "A customer writing a letter"),
    "off_premises": Message("店舗外（お客様の自宅など）で対応したお客様", "A customer met off the premises (e.g. at home)"),
}
DEMANDS: dict[str, Message] = {
    "exchange": Message("商品の交換", "an exchange"), "refund": Message("返金", "a refund"),
    "repair": Message("修理", "a repair"), "compensation": Message("金銭による補償", "monetary compensation"),
    "apology": Message("謝罪", "an apology"), "service": Message("サービスの提供", "a service"),
    "explanation": Message("説明", "an explanation"), "other": Message("その他の対応", "something else"),
}
VALIDITY: dict[str, Message] = {
    "valid": Message("商品・サービスには実際に問題がありました。", "There really was a problem with the product or service."),
    "partially_valid": Message("商品・サービスには一部に問題がありました。", "The product or service was partly at fault."),
    "invalid": Message("商品・サービスに問題はなく、要求に正当な理由はありません。", "Nothing was wrong with the product or service; the demand has no good reason."),
    "unknown": Message("要求に理由があるかどうかは、まだ確認できていません。", "Whether the demand has a good reason is not yet known."),
}


_LEAVE = {"phone": Message("終話", "end the call"), "in_person": Message("退去", "leave")}


def describe_facts(facts: Mapping[str, Any], found: tuple[str, ...] | None = None) -> Message:
    """A short case narrative from the facts, so the prompt never gives the answer away.

    `found` are the behaviours the judgment found among those reported: only they are told,
    so a stem never states a behaviour that the answer then disregards.
    """
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    ja: list[str] = []
    en: list[str] = []
    channel = str(facts.get("channel", "in_person"))
    who = CHANNELS.get(channel, CHANNELS["in_person"])
    demand = facts.get("demand") if isinstance(facts.get("demand"), dict) else {}
    assert isinstance(demand, dict)
    kind = str(demand.get("kind", "none"))
    unrelated = kind in DEMANDS and demand.get("related_to_service") is False
    if unrelated:
        ja.append(f"{who.ja}が、当社の商品・サービスと関係のない要求をしました。")
        en.append(f"{who.en} made a demand that had nothing to do with our products or services.")
    elif kind == "other":
        ja.append(f"{who.ja}が、商品・サービスについて要求をしました。")
        en.append(f"{who.en} made a demand about a product or service.")
    elif kind in DEMANDS:
        ja.append(f"{who.ja}が、{DEMANDS[kind].ja}を求めました。")
        en.append(f"{who.en} asked for {DEMANDS[kind].en}.")
    else:
        ja.append(f"{who.ja}の対応をしました。特に要求はありません。")
        en.append(f"{who.en} made no particular demand.")
    validity = str(demand.get("validity", ""))
    if kind in DEMANDS and validity in VALIDITY and not unrelated:
        ja.append(VALIDITY[validity].ja)
        en.append(VALIDITY[validity].en)
    reported = [b for b in facts.get("behaviours", []) if isinstance(b, str) and b in kb.behaviour_ids]
    if found is not None:
        reported = [b for b in reported if b in found]
    labels = [kb.behaviour(b) for b in reported]
    if labels:
        ja.append("その際、" + "、".join(b.label.ja for b in labels) + "がありました。")
        en.append("There was: " + ", ".join(b.label.en for b in labels) + ".")
    else:
        ja.append("乱暴な言葉や威圧的な態度はありませんでした。")
        en.append("There were no rough words or intimidating manner.")
    if isinstance(facts.get("duration_minutes"), int):
        ja.append(f"対応は{facts['duration_minutes']}分続きました。")
        en.append(f"It lasted {facts['duration_minutes']} minutes.")
    contacts = facts.get("contacts_in_period")
    if isinstance(contacts, dict) and contacts.get("count"):
        ja.append(f"同じ方から{contacts.get('days')}日間に{contacts.get('count')}回の連絡がありました。")
        en.append(f"The same person contacted us {contacts.get('count')} times in {contacts.get('days')} days.")
    leave = _LEAVE["phone" if channel == "phone" else "in_person"]
    asked = facts.get("asked_to_leave")
    if channel in ("phone", "in_person", "off_premises") and isinstance(asked, int) and asked >= 2:
        ja.append(f"{leave.ja}を{asked}回求めましたが、すぐには応じませんでした。")
        en.append(f"Staff asked them {asked} times to {leave.en}; they did not comply at once.")
    elif channel in ("phone", "in_person", "off_premises") and asked:
        ja.append(f"{leave.ja}を1回求めました。")
        en.append(f"Staff asked them once to {leave.en}.")
    if facts.get("injury"):
        ja.append("従業員がけがをしました。")
        en.append("An employee was injured.")
    return Message("".join(ja), " ".join(en))


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "）", ")")) else text + "。"


REMOTE_ONLY = frozenset({"call_center"})
"""Industries whose staff never meet customers: their quiz tells only calls, mail, chat and posts."""
REMOTE_CHANNELS = frozenset({"phone", "email", "chat", "sns", "letter"})


@dataclass(frozen=True)
class _Judged:
    scenario: str
    channel: str
    narrative: Message
    determination: str
    actions: tuple[str, ...]
    explanation: Message


def _teachable(facts: Mapping[str, Any], determination: str, found: tuple[str, ...], thresholds: Thresholds) -> bool:
    """Whether a trainee who follows the module can reach the judgment's answer from the stem.

    Left out: a legitimate complaint told together with a harassing behaviour, a time or count past
    the company's limit that the judgment does not count, and "needs fact-finding" where the stem
    does not say that the demand's grounds are still unknown.
    """
    demand = facts.get("demand") if isinstance(facts.get("demand"), dict) else {}
    assert isinstance(demand, dict)
    if determination == "legitimate_complaint" and found:
        return False
    if determination == "needs_fact_finding" and demand.get("validity") != "unknown":
        return False
    minutes = facts.get("duration_minutes")
    if isinstance(minutes, int) and minutes > thresholds.time_limit_minutes and "prolonged_restraint" not in found:
        return False
    contacts = facts.get("contacts_in_period")
    if isinstance(contacts, dict) and isinstance(contacts.get("count"), int) and isinstance(contacts.get("days"), int):
        days = max(1, int(contacts["days"]))
        over = contacts["count"] * thresholds.repeat_days > thresholds.repeat_contacts * days
        if over and "repeated_contact" not in found:
            return False
    return True


@cache
def _pool(thresholds: Thresholds) -> tuple[_Judged, ...]:
    """Every scenario the judgment decides under the company's limits, told as a trainee reads it."""
    from kasuhara.judge import judge, load_scenarios, parse_facts
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    out: list[_Judged] = []
    seen: set[str] = set()
    for s in load_scenarios():
        facts = dict(s.facts)
        a = judge(parse_facts(facts), kb=kb, thresholds=thresholds)
        found = tuple(b.behaviour.id for b in a.behaviours)
        if not _teachable(facts, a.determination.id, found, thresholds):
            continue
        narrative = describe_facts(facts, found)
        if narrative.ja in seen:
            continue
        seen.add(narrative.ja)
        explanation = Message(
            _sentence(a.demand_assessment.reason.ja) + _sentence(a.manner_assessment.reason.ja),
            f"{a.demand_assessment.reason.en}. {a.manner_assessment.reason.en}.".replace("..", "."),
        )
        out.append(_Judged(s.name, str(facts.get("channel", "in_person")), narrative, a.determination.id,
                           tuple(x.action.id for x in a.actions), explanation))
    return tuple(out)


def _question_id(seed: str, module: str, scenario: str, kind: str) -> str:
    """An opaque id: it names neither the scenario nor the answer."""
    return "q" + hashlib.sha256(f"{seed}|{module}|{scenario}|{kind}".encode()).hexdigest()[:12]


@cache
def build_quiz(
    module: str, thresholds: Thresholds = DEFAULT_THRESHOLDS, seed: str = "", industry: str = ""
) -> tuple[QuizQuestion, ...]:
    """The module's questions for one sitting: the judgment decides every answer.

    `seed` (the person and the attempt) varies which scenarios are drawn and in what order, and the
    same seed always gives the same sheet, so the server grades without storing the questions.
    """
    _check_module(module)
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    rng = random.Random(f"kasuhara-quiz|{module}|{seed}")
    pool = tuple(j for j in _pool(thresholds) if industry not in REMOTE_ONLY or j.channel in REMOTE_CHANNELS)
    by_det: dict[str, list[_Judged]] = {}
    for j in pool:
        by_det.setdefault(j.determination, []).append(j)
    for items in by_det.values():
        rng.shuffle(items)
    picked: list[_Judged] = []
    order = sorted(by_det)
    while len(picked) < QUESTIONS_PER_MODULE and any(by_det.values()):
        for det in order:
            if by_det[det] and len(picked) < QUESTIONS_PER_MODULE:
                picked.append(by_det[det].pop())
    rng.shuffle(picked)
    det_choices = tuple(Choice(d.id, d.label) for d in kb.determinations)
    # actions the judgment recommends for some case: the distractors of an action question
    recommended_anywhere = [a.id for a in kb.actions if any(a.id in j.actions for j in pool)]
    frequency = {a: sum(a in j.actions for j in pool) for a in recommended_anywhere}
    questions: list[QuizQuestion] = []
    for i, j in enumerate(picked):
        if module == "supervisor" and i % 2 == 1 and j.actions:
            # the judgment's first response that is not one it gives in most cases (keep records, hand over)
            specific = [a for a in j.actions if frequency[a] <= len(pool) // 2] or list(j.actions)
            answer = kb.action(specific[0])
            others = [x for x in recommended_anywhere if x not in j.actions]
            distractors = rng.sample(others, k=min(3, len(others)))
            choices = [Choice(answer.id, answer.label), *(Choice(x, kb.action(x).label) for x in distractors)]
            rng.shuffle(choices)
            questions.append(
                QuizQuestion(
                    id=_question_id(seed, module, j.scenario, "action"), kind="action", scenario=j.scenario,
                    prompt=j.narrative,
                    question=Message(
                        "判定に照らして、この事例で責任者が取るべき対応はどれですか（一つだけが当てはまります）。",
                        "In the light of the judgment, which response should the supervisor take here (only one applies)?",
                    ),
                    choices=tuple(choices), answer=answer.id,
                    explanation=Message(f"{answer.label.ja}: {answer.text.ja}", f"{answer.label.en}: {answer.text.en}"),
                )
            )
            continue
        questions.append(
            QuizQuestion(
                id=_question_id(seed, module, j.scenario, "determination"), kind="determination",
                scenario=j.scenario, prompt=j.narrative,
                question=Message("この事例の判定はどれですか。", "What is the determination in this case?"),
                choices=det_choices, answer=j.determination, explanation=j.explanation,
            )
        )
    return tuple(questions)


def grade(
    module: str, answers: Mapping[str, str], *, thresholds: Thresholds = DEFAULT_THRESHOLDS, seed: str = "",
    industry: str = "",
) -> QuizResult:
    """Grade an answer sheet `{question_id: choice_id}` for the sheet of `seed`; unknown ids are input errors."""
    questions = build_quiz(module, thresholds, seed, industry)
    known = {q.id for q in questions}
    unknown = [k for k in answers if k not in known]
    if unknown:
        raise InputError([FieldProblem(f"answers.{k}", Message("この研修の設問ではありません", "not a question of this module")) for k in unknown])
    wrong = tuple(q.id for q in questions if answers.get(q.id) != q.answer)
    return QuizResult(module=module, correct=len(questions) - len(wrong), total=len(questions), wrong=wrong)


def _variables_for(module: str) -> Any:
    def variables(inp: BuildInput) -> dict[str, Any]:
        from kasuhara.documents.manual import offence_rows

        law = inp.legal()
        return {
            "law": law, "offences": offence_rows(law), "module": module,
            "quiz": build_quiz(module, inp.company.thresholds, str(inp.extra.get("quiz_seed", "")), inp.company.industry),
            "without_quiz": bool(inp.extra.get("without_quiz", False)),
        }

    return variables


KINDS = (
    DocumentKind(
        id="training-staff",
        title=MODULES["staff"],
        description=Message("従業員向けの研修教材と確認テスト（判定シナリオから出題）", "Staff module with a quiz from the judgment's scenarios"),
        template="training_staff",
        variables=_variables_for("staff"),
    ),
    DocumentKind(
        id="training-supervisor",
        title=MODULES["supervisor"],
        description=Message("管理者・相談窓口向けの研修教材と確認テスト", "Supervisor and desk module with a quiz"),
        template="training_supervisor",
        variables=_variables_for("supervisor"),
    ),
)
