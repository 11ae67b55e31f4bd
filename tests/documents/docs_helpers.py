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
}
INCIDENTS = {
    "tokyo": Path(__file__).parent / "data/incident_tokyo.json",
    "kuwana": Path(__file__).parent / "data/incident_kuwana.json",
}
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
