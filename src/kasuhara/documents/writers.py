"""The three output formats: PDF (embedded IPAex fonts, Japanese line breaking), DOCX and HTML.

All three write the same blocks (`model.Document`), so a document reads the same whichever
format a company picks: PDF to print or publish, DOCX to edit, HTML in the web app.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from kasuhara.documents.fonts import GOTHIC, MINCHO, mono_font, register_fonts
from kasuhara.documents.kinsoku import JaParagraph as Paragraph
from kasuhara.documents.model import BOLD, CODE, Block, Document, strip_inline

PAGE_SIZES = {"A4": A4, "A3": A3}
FORMATS = ("pdf", "docx", "html")


def _code_font(text: str) -> str:
    """Fixed width for ASCII (hashes, most file names); Gothic where a name holds Japanese."""
    return mono_font() if text.isascii() else GOTHIC


def _inline_pdf(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = CODE.sub(lambda m: f'<font name="{_code_font(m.group(1))}" size="8">{m.group(1)}</font>', escaped)
    return BOLD.sub(lambda m: f'<font name="{GOTHIC}">{m.group(1)}</font>', escaped)


def _styles(doc: Document) -> dict[str, ParagraphStyle]:
    # CJK wrapping also breaks English at spaces (it backs up to the last space), and keeps the
    # Japanese names and addresses an English document quotes from running off the page.
    wrap = "CJK"
    scale = 1.41 if doc.size == "A3" else 1.0
    if doc.poster:
        scale *= 1.3 if doc.lang != "en" else 1.1  # English runs longer: a little smaller, still one sheet
    base = ParagraphStyle(
        "body", fontName=MINCHO, fontSize=10.5 * scale, leading=17 * scale, wordWrap=wrap, spaceAfter=4 * scale
    )
    if doc.poster:
        # read from two metres: body about 7 mm high on A4 (20 pt), more on A3; words never cut
        base = ParagraphStyle("body", fontName=GOTHIC, fontSize=12.5 * scale, leading=19 * scale, wordWrap=wrap,
                              spaceAfter=6 * scale)
    styles = {
        "para": base,
        "title": ParagraphStyle("title", parent=base, fontName=GOTHIC, fontSize=18 * scale, leading=26 * scale,
                                alignment=TA_CENTER, spaceAfter=10 * scale),
        "h2": ParagraphStyle("h2", parent=base, fontName=GOTHIC, fontSize=13.5 * scale, leading=20 * scale,
                             spaceBefore=10 * scale, spaceAfter=5 * scale, textColor=colors.HexColor("#1f3a5f"),
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName=GOTHIC, fontSize=11.5 * scale, leading=18 * scale,
                             spaceBefore=6 * scale, spaceAfter=3 * scale, keepWithNext=1),
        "source": ParagraphStyle("source", parent=base, fontName=GOTHIC, fontSize=7.5 * scale, leading=11 * scale,
                                 textColor=colors.HexColor("#555555"), leftIndent=8 * scale),
        "caution": ParagraphStyle("caution", parent=base, fontName=GOTHIC, fontSize=9 * scale, leading=14 * scale,
                                  textColor=colors.HexColor("#7a4b00")),
        "big": ParagraphStyle("big", parent=base, fontName=GOTHIC, fontSize=(27 if doc.poster else 26) * scale,
                              leading=38 * scale,
                              alignment=TA_CENTER, spaceBefore=4 * scale, spaceAfter=4 * scale,
                              textColor=colors.HexColor("#8b1a1a")),
        "center": ParagraphStyle("center", parent=base, fontName=GOTHIC, fontSize=(14.5 if doc.poster else 14) * scale,
                                 leading=22 * scale, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9 * scale, leading=13 * scale, spaceAfter=0,
                               alignment=TA_LEFT),
        "head": ParagraphStyle("head", parent=base, fontName=GOTHIC, fontSize=9 * scale, leading=13 * scale,
                               spaceAfter=0),
        "tile": ParagraphStyle("tile", parent=base, fontName=GOTHIC, fontSize=14 * scale, leading=19 * scale,
                               alignment=TA_CENTER, spaceAfter=0, textColor=colors.HexColor("#222222")),
    }
    for name, style in styles.items():
        # a poster never cuts a word (土下座, 従業員) across lines; nor does a narrow table cell
        style.wholeWords = doc.poster or name in ("cell", "head")
    return styles


def column_widths(rows: list[list[str]], ncols: int, width: float) -> list[float]:
    """Share the width by how much text each column holds (long hashes get room, numbers less)."""

    def weight(text: str) -> float:
        return sum(2.0 if ord(ch) > 0x2E7F else 1.0 for ch in strip_inline(text))

    need = [0.0] * ncols
    for row in rows:
        for i, cell in enumerate(row[:ncols]):
            need[i] = max(need[i], weight(cell))
    capped = [min(max(n, 6.0), 60.0) + 3.0 for n in need]  # + room for the cell padding
    total = sum(capped)
    return [width * c / total for c in capped]


def _pdf_block(block: Block, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    if block.kind == "pagebreak":
        return [PageBreak()]
    if block.kind in ("bullets", "numbered", "checklist"):
        items = [ListItem(Paragraph(_inline_pdf(i), st["para"]), leftIndent=14) for i in block.items]
        kwargs: dict[str, str] = {
            "bullets": {"bulletType": "bullet", "start": "•"},
            "checklist": {"bulletType": "bullet", "start": "□"},
            "numbered": {"bulletType": "1"},
        }[block.kind]
        return [ListFlowable(items, bulletFontName=MINCHO, bulletFontSize=st["para"].fontSize,
                             leftIndent=16, **kwargs)]
    if block.kind == "flow":
        return _pdf_flow(block, st, width)
    if block.kind == "tiles":
        cols = 3 if width > 200 * mm else 2
        rows = -(-len(block.items) // cols)
        tile = st["tile"] if rows <= 6 else ParagraphStyle(  # more rows: a little smaller, still one sheet
            "tile-small", parent=st["tile"], fontSize=st["tile"].fontSize * 0.86, leading=st["tile"].leading * 0.86)
        tile.wholeWords = True
        cells: list[Flowable | str] = [Paragraph(_inline_pdf(i), tile) for i in block.items]
        cells += [""] * (-len(cells) % cols)
        grid = Table([cells[k:k + cols] for k in range(0, len(cells), cols)], colWidths=[width / cols] * cols)
        grid.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), GOTHIC),
            ("GRID", (0, 0), (-1, -1), 2, colors.white),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbeaea")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 7 if rows <= 6 else 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7 if rows <= 6 else 5),
        ]))
        return [Spacer(1, 4), grid, Spacer(1, 10)]
    if block.kind == "table":
        ncols = max(len(r) for r in block.rows)
        data = [
            [Paragraph(_inline_pdf(c), st["head" if ri == 0 else "cell"]) for c in row + [""] * (ncols - len(row))]
            for ri, row in enumerate(block.rows)
        ]
        table = Table(data, colWidths=column_widths(block.rows, ncols, width), repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), MINCHO),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        if len(block.rows) <= 12:  # a short table (an evidence item, a signature block) is never split
            return [KeepTogether([table, Spacer(1, 6)])]
        return [table, Spacer(1, 6)]
    if block.kind == "caution":
        cell = Table([[Paragraph(_inline_pdf(block.text), st["caution"])]], colWidths=[width])
        cell.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), GOTHIC),
            ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#c28a00")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff7e0")),
        ]))
        return [KeepTogether([cell, Spacer(1, 4)])]
    return [Paragraph(_inline_pdf(block.text), st[block.kind])]


def _pdf_flow(block: Block, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """A flowchart: one box per step (its question in the middle, where "yes" and "no" lead at the
    sides), joined by arrows, kept on one page."""
    parts: list[Flowable] = []
    arrow = ParagraphStyle("arrow", parent=st["cell"], alignment=TA_CENTER, fontName=GOTHIC, fontSize=12, leading=14)
    for n, row in enumerate(block.rows):
        name, question, yes, no = [*row, "", "", "", ""][:4]
        box = Table(
            [[Paragraph(_inline_pdf(name), st["head"]), Paragraph(_inline_pdf(question), st["cell"]),
              Paragraph(_inline_pdf(yes), st["cell"]), Paragraph(_inline_pdf(no), st["cell"])]],
            colWidths=[width * 0.14, width * 0.42, width * 0.22, width * 0.22],
        )
        box.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), MINCHO),
            ("BOX", (0, 0), (1, 0), 1.2, colors.HexColor("#1f3a5f")),
            ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#e8eef5")),
            ("BACKGROUND", (2, 0), (2, 0), colors.HexColor("#eef7ee")),
            ("BACKGROUND", (3, 0), (3, 0), colors.HexColor("#fbeeee")),
            ("LINEBEFORE", (2, 0), (3, 0), 0.5, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        parts.append(box)
        if n < len(block.rows) - 1:
            parts.append(Paragraph("↓", arrow))
    return [KeepTogether(parts), Spacer(1, 6)]


def to_pdf(doc: Document, *, author: str, generated_on: date) -> bytes:
    """PDF with the IPAex fonts embedded (subset) and CJK line breaking with kinsoku hanging."""
    register_fonts()
    pagesize = PAGE_SIZES[doc.size]
    margin = 18 * mm if doc.size == "A4" else 24 * mm
    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=doc.title, author=author, subject=doc.kind, creator="kasuhara", lang=doc.lang, initialFontName=MINCHO,
    )
    st = _styles(doc)
    story: list[Flowable] = []
    for block in doc.blocks:
        made = _pdf_block(block, st, template.width)
        # reportlab keeps a heading with a plain flowable but not with a KeepTogether: join them here
        if made and isinstance(made[0], KeepTogether) and story and getattr(story[-1], "getKeepWithNext", lambda: 0)():
            made[0] = KeepTogether([story.pop(), *made[0]._content])
        story.extend(made)
    footer_label = f"{doc.title} — {author}"

    def footer(canvas: Canvas, tmpl: SimpleDocTemplate) -> None:
        if doc.poster:
            return
        canvas.saveState()
        canvas.setFont(GOTHIC, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(margin, margin / 2, footer_label)
        canvas.drawRightString(pagesize[0] - margin, margin / 2, f"{canvas.getPageNumber()}  ({generated_on.isoformat()})")
        canvas.restoreState()

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def _docx_runs(paragraph: object, text: str, *, font_size: float | None = None, bold_all: bool = False) -> None:
    pos = 0
    parts: list[tuple[str, str]] = []
    for m in _INLINE.finditer(text):
        parts.append((text[pos:m.start()], ""))
        parts.append((m.group(1), "bold") if m.group(1) is not None else (m.group(2), "code"))
        pos = m.end()
    parts.append((text[pos:], ""))
    for chunk, style in parts:
        if not chunk:
            continue
        run = paragraph.add_run(chunk)  # type: ignore[attr-defined]
        run.bold = style == "bold" or bold_all
        if style == "code" and chunk.isascii():
            run.font.name = "Courier New"
            run.font.size = Pt(8)
        elif font_size:
            run.font.size = Pt(font_size)


def _restarted_numbering(d: Any) -> int:
    """A new numbering instance of the List Number style that starts again at 1 (each list its own)."""
    numbering = d.part.numbering_part.numbering_definitions._numbering
    style_num = d.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _page_field(paragraph: Any) -> None:
    """A PAGE field, so Word prints the page number however the text reflows."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if tag is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def to_docx(doc: Document, *, author: str, generated_on: date) -> bytes:
    """An editable Word file: headings as Word headings, so a company can restyle it."""
    d = DocxDocument()
    section = d.sections[0]
    if doc.size == "A3":
        section.page_width, section.page_height = Mm(297), Mm(420)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    for margin_attr in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin_attr, Mm(20))
    font_name = "IPAexMincho" if doc.lang == "ja" else "Times New Roman"
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"):
        style = d.styles[style_name]
        style.font.name = font_name if style_name == "Normal" else "IPAexGothic"
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(theme), None)  # a theme font would override the document's Japanese font
        rfonts.set(qn("w:eastAsia"), "IPAexMincho" if style_name == "Normal" else "IPAexGothic")
    d.styles["Normal"].font.size = Pt(10.5)
    d.core_properties.title = doc.title
    d.core_properties.author = author
    d.core_properties.language = doc.lang
    big = 40 if doc.size == "A3" else 28
    for block in doc.blocks:
        if block.kind == "title":
            p = d.add_heading(level=0)
            _docx_runs(p, block.text)
        elif block.kind in ("h2", "h3"):
            p = d.add_heading(level=1 if block.kind == "h2" else 2)
            _docx_runs(p, block.text)
        elif block.kind in ("bullets", "numbered"):
            num_id = _restarted_numbering(d) if block.kind == "numbered" else None
            for item in block.items:
                p = d.add_paragraph(style="List Bullet" if block.kind == "bullets" else "List Number")
                if num_id is not None:
                    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
                _docx_runs(p, item)
        elif block.kind == "checklist":
            for item in block.items:
                p = d.add_paragraph()
                _docx_runs(p, "□ " + item)
        elif block.kind == "tiles":
            cols = 3 if doc.size == "A3" else 2
            grid = d.add_table(rows=0, cols=cols)
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for k in range(0, len(block.items), cols):
                cells = grid.add_row().cells
                for ci, text in enumerate(block.items[k:k + cols]):
                    cells[ci].text = ""
                    para = cells[ci].paragraphs[0]
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _docx_runs(para, text, font_size=22 if doc.size == "A3" else 16, bold_all=True)
        elif block.kind in ("table", "flow"):
            ncols = max(len(r) for r in block.rows)
            table = d.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for ri, row in enumerate(block.rows):
                cells = table.add_row().cells
                for ci, text in enumerate(row):
                    cells[ci].text = ""
                    _docx_runs(cells[ci].paragraphs[0], text, font_size=9,
                               bold_all=(ri == 0 and block.kind == "table") or (ci == 0 and block.kind == "flow"))
        elif block.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            p = d.add_paragraph()
            size = {"source": 8.0, "caution": 9.5, "big": float(big), "center": 14.0}.get(block.kind)
            _docx_runs(p, block.text, font_size=size, bold_all=block.kind in ("big", "center", "caution"))
            if block.kind in ("big", "center"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.kind == "right":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if block.kind == "source":
                for run in p.runs:
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
            if block.kind == "caution":
                for run in p.runs:
                    run.font.color.rgb = RGBColor(0x7A, 0x4B, 0x00)
    footer = section.footer.paragraphs[0]
    footer.text = f"{doc.title} — {author} ({generated_on.isoformat()})　"
    if not doc.poster:
        _page_field(footer)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _inline_html(text: str) -> str:
    return CODE.sub(r'<code class="kdoc-code">\1</code>', BOLD.sub(r"<strong>\1</strong>", html.escape(text)))


def to_html_fragment(doc: Document) -> str:
    """The document body as HTML, for a web page to place inside its layout."""
    out: list[str] = [f'<article class="kdoc kdoc-{doc.kind} kdoc-{doc.size.lower()}" lang="{doc.lang}">']
    tags = {"title": "h1", "h2": "h2", "h3": "h3"}
    for b in doc.blocks:
        if b.kind in tags:
            out.append(f"<{tags[b.kind]}>{_inline_html(b.text)}</{tags[b.kind]}>")
        elif b.kind in ("bullets", "numbered"):
            tag = "ul" if b.kind == "bullets" else "ol"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b.items) + f"</{tag}>")
        elif b.kind == "flow":
            out.append('<ol class="kdoc-flow">' + "".join(
                f"<li><strong>{_inline_html(r[0])}</strong> {_inline_html(r[1] if len(r) > 1 else '')}"
                + "".join(f"<span>{_inline_html(c)}</span>" for c in r[2:]) + "</li>" for r in b.rows) + "</ol>")
        elif b.kind == "tiles":
            out.append('<ul class="kdoc-tiles">' + "".join(f"<li>{_inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "checklist":
            out.append('<ul class="kdoc-checklist">' + "".join(f"<li>☐ {_inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head, *rows = b.rows
            out.append(
                "<table><thead><tr>" + "".join(f"<th>{_inline_html(c)}</th>" for c in head) + "</tr></thead><tbody>"
                + "".join("<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in r) + "</tr>" for r in rows)
                + "</tbody></table>"
            )
        elif b.kind == "pagebreak":
            out.append('<hr class="kdoc-pagebreak">')
        else:
            cls = {"source": "kdoc-source", "caution": "kdoc-caution", "big": "kdoc-big", "center": "kdoc-center",
                   "right": "kdoc-right"}.get(b.kind, "")
            attr = f' class="{cls}"' if cls else ""
            out.append(f"<p{attr}>{_inline_html(b.text)}</p>")
    out.append("</article>")
    return "\n".join(out)


HTML_CSS = """
body{font-family:"IPAexMincho","Noto Serif CJK JP",serif;max-width:48rem;margin:2rem auto;line-height:1.8;padding:0 1rem}
h1,h2,h3,.kdoc-big,.kdoc-center{font-family:"IPAexGothic","Noto Sans CJK JP",sans-serif}
h1{text-align:center}.kdoc-big{font-size:2.4rem;text-align:center;color:#8b1a1a}.kdoc-center{text-align:center;font-size:1.3rem}
.kdoc-right{text-align:right}.kdoc-source{font-size:.8rem;color:#555;margin-left:1rem}
.kdoc-caution{border:1px solid #c28a00;background:#fff7e0;padding:.4rem .6rem;color:#7a4b00}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #888;padding:.2rem .4rem;vertical-align:top}
th{background:#e8eef5}.kdoc-tiles{list-style:none;padding:0;display:grid;grid-template-columns:repeat(2,1fr);gap:4px}
.kdoc-tiles li{background:#fbeaea;text-align:center;padding:.6rem;font-weight:bold;word-break:keep-all}
.kdoc-flow{list-style:none;padding:0}.kdoc-flow li{border:2px solid #1f3a5f;padding:.4rem .6rem;margin:0 0 1.4rem;position:relative}
.kdoc-flow li:not(:last-child)::after{content:"↓";position:absolute;left:50%;bottom:-1.4rem}.kdoc-flow span{display:inline-block;margin-left:1rem;color:#333}.kdoc-code{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;white-space:nowrap}
.kdoc-checklist{list-style:none;padding-left:1rem}
"""


def to_html(doc: Document, *, author: str, generated_on: date) -> bytes:
    """A standalone HTML file (the CLI's `--format html`)."""
    page = (
        f'<!doctype html><html lang="{doc.lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(doc.title)}</title><meta name=\"author\" content=\"{html.escape(author)}\">"
        f"<style>{HTML_CSS}</style></head><body>{to_html_fragment(doc)}"
        f'<footer class="kdoc-source">{html.escape(author)} — {generated_on.isoformat()}</footer></body></html>'
    )
    return page.encode("utf-8")


WRITERS: dict[str, Callable[..., bytes]] = {"pdf": to_pdf, "docx": to_docx, "html": to_html}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def render(doc: Document, fmt: str, *, author: str, generated_on: date) -> bytes:
    return WRITERS[fmt](doc, author=author, generated_on=generated_on)


__all__ = ["FORMATS", "MEDIA_TYPES", "render", "strip_inline", "to_html_fragment"]
