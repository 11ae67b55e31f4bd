"""Warning letters (警告書) from a template per language; the text stays apart from the logic."""

from __future__ import annotations

from datetime import date
from importlib import resources
from string import Template


def render_warning(
    *,
    lang: str,
    issued_on: date,
    customer_name: str,
    company_name: str,
    conduct: str,
    contact_person: str,
    contact_line: str = "",
) -> str:
    """The warning letter text; unknown placeholders are a loud error (`Template.substitute`)."""
    name = "warning_en.txt" if lang == "en" else "warning_ja.txt"
    template = Template(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
    when = (
        issued_on.strftime("%B %d, %Y")
        if lang == "en"
        else f"{issued_on.year}年{issued_on.month}月{issued_on.day}日"
    )
    return template.substitute(
        issued_on=when,
        customer_name=customer_name,
        company_name=company_name,
        conduct=conduct,
        contact_person=contact_person,
        contact_line=contact_line,
    )
