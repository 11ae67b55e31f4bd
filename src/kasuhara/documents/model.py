"""A small block model between the templates and the three output formats.

Templates (Jinja2, one folder per language) render a light line-based markup; it is parsed
here into blocks that the PDF, DOCX and HTML writers all understand. So wording lives in the
templates, layout in the writers, and neither knows the other.

Markup, one block per line group (blank lines separate paragraphs):
  `# t` title, `## t` / `### t` headings, `- t` bullet, `1. t` numbered item, `[ ] t` checklist item,
  `| a | b |` table row (the first row is the header), `> t` source note,
  `! t` caution box (used for unconfirmed points), `@big t` / `@center t` poster lines,
  `@tile t` one tile of a poster's grid (consecutive tiles form one grid),
  `@step name | question | yes | no` one box of a flowchart (consecutive steps form one chart),
  `@right t` right-aligned line, `---` page break. `**bold**` and `` `code` `` (fixed width) inside any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal[
    "title", "h2", "h3", "para", "bullets", "numbered", "table", "source", "caution", "big", "center",
    "right", "pagebreak", "checklist", "tiles", "flow",
]


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Document:
    """A generated document: its kind, language, page size and blocks."""

    kind: str
    lang: str
    title: str
    blocks: list[Block]
    size: str = "A4"
    poster: bool = False

    def plain_text(self) -> str:
        """The text as a reader sees it, for the HTML preview's search and for tests."""
        out: list[str] = []
        for b in self.blocks:
            if b.kind in ("bullets", "numbered", "tiles"):
                out.extend(strip_inline(i) for i in b.items)
            elif b.kind == "checklist":
                out.extend("□ " + strip_inline(i) for i in b.items)
            elif b.kind in ("table", "flow"):
                out.extend(" | ".join(strip_inline(c) for c in row) for row in b.rows)
            elif b.kind != "pagebreak":
                out.append(strip_inline(b.text))
        return "\n".join(out)


_NUMBERED = re.compile(r"^\d+\.\s+")
_RULE = re.compile(r"^:?-{3,}:?$")
_PREFIXES: tuple[tuple[str, BlockKind], ...] = (
    ("### ", "h3"),
    ("## ", "h2"),
    ("# ", "title"),
    ("> ", "source"),
    ("! ", "caution"),
    ("@big ", "big"),
    ("@center ", "center"),
    ("@right ", "right"),
)
BOLD = re.compile(r"\*\*(.+?)\*\*")
CODE = re.compile(r"`([^`]+)`")
"""`text`: a hash or a file name, set in a fixed-width face and never broken inside."""


def strip_inline(text: str) -> str:
    return CODE.sub(r"\1", BOLD.sub(r"\1", text))


def _joiner(lang: str) -> str:
    return " " if lang == "en" else ""


def parse(markup: str, lang: str) -> list[Block]:
    """Parse rendered template text into blocks."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", _joiner(lang).join(para)))
            para.clear()

    for raw in markup.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line == "---":
            flush()
            blocks.append(Block("pagebreak"))
            continue
        if line.startswith("|") and line.endswith("|"):
            flush()
            cells = [c.strip() for c in line[1:-1].split("|")]
            if all(_RULE.match(c) for c in cells):
                continue  # the header separator row `|---|---|`
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
            continue
        if line.startswith("@step "):
            flush()
            cells = [c.strip() for c in line[6:].split("|")]
            if blocks and blocks[-1].kind == "flow":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("flow", rows=[cells]))
            continue
        if line.startswith("@tile "):
            flush()
            if blocks and blocks[-1].kind == "tiles":
                blocks[-1].items.append(line[6:].strip())
            else:
                blocks.append(Block("tiles", items=[line[6:].strip()]))
            continue
        if line.startswith("[ ] "):
            flush()
            if blocks and blocks[-1].kind == "checklist":
                blocks[-1].items.append(line[4:].strip())
            else:
                blocks.append(Block("checklist", items=[line[4:].strip()]))
            continue
        if line.startswith("- "):
            flush()
            if blocks and blocks[-1].kind == "bullets":
                blocks[-1].items.append(line[2:].strip())
            else:
                blocks.append(Block("bullets", items=[line[2:].strip()]))
            continue
        match = _NUMBERED.match(line)
        if match:
            flush()
            item = line[match.end():].strip()
            if blocks and blocks[-1].kind == "numbered":
                blocks[-1].items.append(item)
            else:
                blocks.append(Block("numbered", items=[item]))
            continue
        for prefix, kind in _PREFIXES:
            if line.startswith(prefix):
                flush()
                text = line[len(prefix):].strip()
                blocks.append(Block(kind, text))
                break
        else:
            para.append(line)
    flush()
    return blocks
