"""Training: a module for staff and one for supervisors and desk members, with a quiz.

The quiz is drawn from the judgment's own legal scenarios (`kasuhara.judge.load_scenarios`) and
the right answer is what the judgment decides on the scenario's facts, so the training teaches
exactly the law the system applies. Questions are chosen deterministically per module, so the
server can grade an answer sheet without storing the questions it handed out.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Choice:
    id: str
    label: Message


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    kind: str  # determination | first_action
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


def describe_facts(facts: Mapping[str, Any]) -> Message:
    """A short case narrative from the facts, so the prompt never gives the answer away."""
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    ja: list[str] = []
    en: list[str] = []
    who = CHANNELS.get(str(facts.get("channel", "in_person")), CHANNELS["in_person"])
    demand = facts.get("demand") if isinstance(facts.get("demand"), dict) else {}
    assert isinstance(demand, dict)
    kind = str(demand.get("kind", "none"))
    if kind in DEMANDS:
        ja.append(f"{who.ja}が、{DEMANDS[kind].ja}を求めました。")
        en.append(f"{who.en} asked for {DEMANDS[kind].en}.")
    else:
        ja.append(f"{who.ja}の対応をしました。特に要求はありません。")
        en.append(f"{who.en} made no particular demand.")
    unrelated = kind in DEMANDS and demand.get("related_to_service") is False
    if unrelated:
        ja.append("要求は当社の商品・サービスと関係のないものでした。")
        en.append("The demand had nothing to do with our products or services.")
    validity = str(demand.get("validity", ""))
    if kind in DEMANDS and validity in VALIDITY and not unrelated:
        ja.append(VALIDITY[validity].ja)
        en.append(VALIDITY[validity].en)
    labels = [kb.behaviour(b) for b in facts.get("behaviours", []) if isinstance(b, str) and b in kb.behaviour_ids]
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
    asked = facts.get("asked_to_leave")
    if isinstance(asked, int) and asked >= 2:
        ja.append(f"退去（または終話）を{asked}回求めましたが、すぐには応じませんでした。")
        en.append(f"Staff asked them {asked} times to leave (or end the call); they did not comply at once.")
    elif asked:
        ja.append("退去（または終話）を1回求めました。")
        en.append("Staff asked them once to leave (or end the call).")
    if facts.get("injury"):
        ja.append("従業員がけがをしました。")
        en.append("An employee was injured.")
    return Message("".join(ja), " ".join(en))


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "）", ")")) else text + "。"


@cache
def build_quiz(module: str) -> tuple[QuizQuestion, ...]:
    """The module's questions: the judgment decides every answer."""
    _check_module(module)
    from kasuhara.judge import judge, load_scenarios, parse_facts
    from kasuhara.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    rng = random.Random(f"kasuhara-quiz-{module}")
    judged = []
    seen: set[str] = set()
    for s in load_scenarios():
        if s.thresholds != Thresholds():
            continue  # the narrative states the company's limits only implicitly; keep default-limit cases
        narrative = describe_facts(s.facts)
        if narrative.ja in seen:
            continue
        seen.add(narrative.ja)
        assessment = judge(parse_facts(dict(s.facts)), kb=kb, thresholds=s.thresholds)
        judged.append((s, narrative, assessment))
    # round-robin over determinations so every answer appears, in a stable shuffled order
    by_det: dict[str, list[Any]] = {}
    for s, narrative, a in judged:
        by_det.setdefault(a.determination.id, []).append((s, narrative, a))
    for items in by_det.values():
        rng.shuffle(items)
    picked: list[Any] = []
    while len(picked) < QUESTIONS_PER_MODULE and any(by_det.values()):
        for det in sorted(by_det):
            if by_det[det] and len(picked) < QUESTIONS_PER_MODULE:
                picked.append(by_det[det].pop())
    det_choices = tuple(Choice(d.id, d.label) for d in kb.determinations)
    questions: list[QuizQuestion] = []
    for i, (s, narrative, a) in enumerate(picked):
        explanation = Message(
            _sentence(a.demand_assessment.reason.ja) + _sentence(a.manner_assessment.reason.ja),
            f"{a.demand_assessment.reason.en}. {a.manner_assessment.reason.en}.".replace("..", "."),
        )
        if module == "supervisor" and i % 2 == 1 and a.actions:
            first = a.actions[0].action
            recommended = {y.action.id for y in a.actions}
            others = [x for x in kb.actions if x.id not in recommended]
            distractors = rng.sample(others, k=min(3, len(others)))
            choices = [Choice(first.id, first.label), *(Choice(x.id, x.label) for x in distractors)]
            rng.shuffle(choices)
            questions.append(
                QuizQuestion(
                    id=f"{s.name}:first_action", kind="first_action", scenario=s.name, prompt=narrative,
                    question=Message("責任者として最初に取るべき対応はどれですか。", "As the supervisor, what do you do first?"),
                    choices=tuple(choices), answer=first.id,
                    explanation=Message(f"{first.label.ja}: {first.text.ja}", f"{first.label.en}: {first.text.en}"),
                )
            )
            continue
        questions.append(
            QuizQuestion(
                id=f"{s.name}:determination", kind="determination", scenario=s.name, prompt=narrative,
                question=Message("この事例の判定はどれですか。", "What is the determination in this case?"),
                choices=det_choices, answer=a.determination.id, explanation=explanation,
            )
        )
    return tuple(questions)


def grade(module: str, answers: Mapping[str, str]) -> QuizResult:
    """Grade an answer sheet `{question_id: choice_id}`; unknown question ids are input errors."""
    questions = build_quiz(module)
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
            "law": law, "offences": offence_rows(law), "quiz": build_quiz(module), "module": module,
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
