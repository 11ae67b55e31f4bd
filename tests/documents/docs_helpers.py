"""Helpers for the document tests: the two example companies, the example cases, text extraction."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from docx import Document as DocxDocument
from pypdf import PdfReader

from kasuhara.documents.base import BuildInput
from kasuhara.documents.catalog import kind
from kasuhara.documents.incident import IncidentRecord, load_incident
from kasuhara.documents.profile import CompanyProfile, load_company
from kasuhara.documents.writers import render

ROOT = Path(__file__).resolve().parents[2]
COMPANIES = {
    "tokyo": ROOT / "examples/companies/tokyo_retailer.yaml",
    "kuwana": ROOT / "examples/companies/mie_rental.yaml",
    "osaka": ROOT / "examples/companies/osaka_call_center.yaml",
    "clinic": ROOT / "examples/companies/sapporo_clinic.yaml",
}
"""A Tokyo retailer, a rental manager in Kuwana, an Osaka call centre with centres in Sapporo and
Tokyo, and a clinic in Sapporo: every document is built and read back for each."""
INCIDENTS = {
    "tokyo": Path(__file__).parent / "data/incident_tokyo.json",
    "kuwana": Path(__file__).parent / "data/incident_kuwana.json",
    "osaka": Path(__file__).parent / "data/incident_osaka.json",
    "clinic": Path(__file__).parent / "data/incident_clinic.json",
}


def fitting(key: str) -> list[str]:
    """The document kinds offered to that company's industry."""
    from kasuhara.documents.catalog import kinds

    return [k.id for k in kinds() if k.fits(company(key).industry)]
ON = date(2026, 11, 23)


def company(key: str) -> CompanyProfile:
    return load_company(COMPANIES[key])


def incident(key: str) -> IncidentRecord:
    return load_incident(INCIDENTS[key])


def flat(text: str) -> str:
    """Text without whitespace: line breaks fall anywhere in Japanese."""
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    d = DocxDocument(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def build(kind_id: str, key: str, fmt: str = "pdf", *, lang: str = "ja", size: str = "A4", extra: dict[str, object] | None = None,
          with_incident: IncidentRecord | None = None) -> bytes:
    co = company(key)
    k = kind(kind_id)
    inc = with_incident if with_incident is not None else (incident(key) if k.needs_incident else None)
    doc = k.build(BuildInput(company=co, lang=lang, size=size, on=ON, incident=inc, extra=extra or {}))
    return render(doc, fmt, author=co.name, generated_on=ON)


def answers_as_the_judgment(questions: list[dict[str, object]], thresholds: object = None) -> dict[str, str]:
    """Answer a quiz as shown to a person, the way the judgment decides: find the case the stem
    tells, judge it under the company's limits, and pick its determination or its one response."""
    from kasuhara.company import Thresholds
    from kasuhara.documents.training import describe_facts
    from kasuhara.judge import judge, load_scenarios, parse_facts

    limits = thresholds if isinstance(thresholds, Thresholds) else Thresholds()
    by_stem: dict[str, object] = {}
    for s in load_scenarios():
        a = judge(parse_facts(dict(s.facts)), thresholds=limits)
        by_stem.setdefault(describe_facts(s.facts, tuple(b.behaviour.id for b in a.behaviours)).ja, a)
    out: dict[str, str] = {}
    for q in questions:
        a = by_stem[str(q["prompt"])]
        choices = [str(c["id"]) for c in q["choices"]]  # type: ignore[attr-defined]
        if q["kind"] == "determination":
            out[str(q["id"])] = a.determination.id  # type: ignore[attr-defined]
        else:
            recommended = {x.action.id for x in a.actions}  # type: ignore[attr-defined]
            out[str(q["id"])] = next(c for c in choices if c in recommended)
    return out


def quiz_from_page(html: str) -> list[dict[str, object]]:
    """The questions of a training page as a person sees them (form field q<i>, prompt, choices)."""
    import re
    from html import unescape

    out: list[dict[str, object]] = []
    for m in re.finditer(r'data-testid="question-(\d+)" data-kind="(\w+)">(.*?)</fieldset>', html, re.S):
        prompt = re.search(r'data-testid="prompt-\d+">(.*?)</p>', m.group(3), re.S)
        assert prompt is not None
        choices = [{"id": c} for c in re.findall(r'data-choice="([\w-]+)"', m.group(3))]
        out.append({"id": f"q{m.group(1)}", "kind": m.group(2), "prompt": unescape(prompt.group(1)), "choices": choices})
    return out
