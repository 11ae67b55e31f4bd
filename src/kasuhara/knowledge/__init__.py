"""The knowledge base: behaviours, offences and penalties, rules by place and date, response steps.

Versioned data files in `data/`, loaded by a strict validating loader (`loader.py`). This is core:
it reads only its own packaged files and never touches the web, a database or the user's files.
"""

from kasuhara.knowledge.loader import (
    KnowledgeBaseInvalid,
    Problem,
    build_knowledge_base,
    load_knowledge_base,
    parse_yaml,
    read_packaged_documents,
)
from kasuhara.knowledge.model import (
    Action,
    Behaviour,
    Category,
    DeterminationInfo,
    KnowledgeBase,
    Municipality,
    Offence,
    Penalty,
    Prefecture,
    ResponseType,
    Rule,
    Situation,
    Source,
    Step,
)
from kasuhara.strict_yaml import strict_load

__all__ = [
    "Action",
    "Behaviour",
    "Category",
    "DeterminationInfo",
    "KnowledgeBase",
    "KnowledgeBaseInvalid",
    "Municipality",
    "Offence",
    "Penalty",
    "Prefecture",
    "Problem",
    "ResponseType",
    "Rule",
    "Situation",
    "Source",
    "Step",
    "build_knowledge_base",
    "load_knowledge_base",
    "parse_yaml",
    "read_packaged_documents",
    "strict_load",
]
