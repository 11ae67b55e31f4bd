"""The guided judgment ("これってカスハラ？"): one question at a time, only those that still matter.

CORE: no web, no store. The question graph is data (`questions.yaml`); `walk(answers)` says what
to ask next and gathers the judgment's facts; `assess(walk)` runs `kasuhara.judge` on them;
`judgment_path(...)` gives the flowchart route the judgment took.
"""

from kasuhara.interview.assess import assess, interview_facts
from kasuhara.interview.flow import AnswerValue, Step, Walk, clean_answers, parse_answer, walk
from kasuhara.interview.model import Answer, Question, QuestionGraph, load_graph

__all__ = [
    "Answer",
    "AnswerValue",
    "Question",
    "QuestionGraph",
    "Step",
    "Walk",
    "assess",
    "clean_answers",
    "interview_facts",
    "load_graph",
    "parse_answer",
    "walk",
]
