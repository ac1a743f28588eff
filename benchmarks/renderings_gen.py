"""Renderings of a labelled report in the shapes real annual reports arrive in.

Every generator takes a :class:`Source` (the label as a Report plus the original document's
narrative) and returns ``(bytes, file name)``. The shapes copy what real producers write:
scrapers of CMS pages (one cell per line, or cells joined with spaces), crawlers that
concatenate page text, PDF-to-markdown converters, CMS pages with Word-pasted tables, Word
files, and PDFs printed by LibreOffice or Chromium. Slow PDF printing is cached on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai import GongkaiError, read  # noqa: E402
from gongkai.render import render  # noqa: E402
from gongkai.render.layout import LABEL, Layout, LTable, layout  # noqa: E402
from gongkai.report import Report, SectionText  # noqa: E402

CACHE = Path(os.environ.get("GONGKAI_RENDER_CACHE", Path.home() / ".cache/gongkai-renderings"))
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")

# Sections whose body in real reports is only their table: the original's text there is the
# table as the original rendered it, which must not leak into another rendering.
TABLE_SECTIONS = {"二", "三", "四"}


class NotAvailable(Exception):
    """A rendering needs a tool that is not installed."""


@dataclass(slots=True)
class Source:
    case: str
    label: dict[str, Any]
    report: Report  # label values plus the original's narrative sections

    @property
    def layout(self) -> Layout:
        return layout(self.report)


def load_source(corpus: Path, label_path: Path) -> Source:
    """The label as a Report, with narrative sections taken from the original document."""
    label = json.loads(label_path.read_text(encoding="utf-8"))
    rep = Report.from_dict(label)
    try:
        original = read(corpus / label["raw"])
    except GongkaiError:
        original = None  # no narrative then; the title line still names agency and year
    if original is not None:
        for number, sec in original.sections.items():
            if number in TABLE_SECTIONS and rep.template != "legacy":
                continue
            # Lines with table separators are the original's own table text; so is what
            # follows a legacy appendix's header.
            text = "\n".join(ln for ln in sec.text.splitlines() if "|" not in ln and "\t" not in ln)
            text = re.split(r"附\s*表|统\s*计\s*指\s*标|指\s*标\s*名\s*称", text)[0]
            if text.strip():
                rep.sections[number] = SectionText(number, sec.title, text)
        # Labels carry no units; the document's own units come along as it prints them.
        for key, lv in rep.legacy.items():
            read_lv = original.legacy.get(key)
            for mine, theirs in zip(
                lv if isinstance(lv, list) else [lv],
                (read_lv if isinstance(read_lv, list) else [read_lv]) if read_lv else [],
                strict=False,
            ):
                mine.unit = theirs.unit
    return Source(label.get("case", label_path.stem), label, rep)


# ---------------------------------------------------------------------------------------------
# table rows as a scraper sees them
# ---------------------------------------------------------------------------------------------


def html_rows(lt: LTable) -> list[list[str]]:
    """Per table row the texts of the cells that start in it (what <tr><td>… holds)."""
    rows: list[list[str]] = [[] for _ in lt.rows]
    for r, _, cell in lt.origins():
        rows[r].append(cell.text)
    return rows


def grid_rows(lt: LTable) -> list[list[str]]:
    """The full grid, a merged label written once (last column it spans, first row)."""
    out = []
    for line in lt.grid():
        texts = []
        for s in line:
            c = s.cell
            shown = (s.dr == 0 and s.dc == c.colspan - 1) if c.kind == LABEL else s.origin
            texts.append(c.text if shown else "")
        out.append(texts)
    return out


def _blocks(lay: Layout) -> list[str | LTable]:
    """Title, headings and paragraphs as strings, tables as LTable, in document order."""
    out: list[str | LTable] = [lay.title]
    for sec in lay.sections:
        out.append(sec.heading)
        out.extend(sec.paragraphs)
        if sec.table is not None:
            out.append(sec.table)
    return out


# ---------------------------------------------------------------------------------------------
# text renderings
# ---------------------------------------------------------------------------------------------


def cell_lines_text(src: Source) -> str:
    """One cell per line as raw/r001.txt: cell + 3 newlines, rows end with 2 more."""
    out: list[str] = []
    for b in _blocks(src.layout):
        if isinstance(b, str):
            out.append(b + "\n")
            continue
        out.append("\n" * 5)
        for row in html_rows(b):
            out.extend(t + "\n\n\n" for t in row)
            out.append("\n\n")
        out.append("\n")
    return "".join(out)


def row_text(src: Source, sep: str) -> str:
    """One table row per line, cell texts joined by ``sep`` (a blank cell leaves two seps)."""
    out: list[str] = []
    for b in _blocks(src.layout):
        if isinstance(b, str):
            out.append(b)
        else:
            out.extend(sep.join(t.replace("\n", "") for t in row) for row in html_rows(b))
    return "\n".join(out) + "\n"


def glued_text(src: Source) -> str:
    """A crawler's page text: title line, then everything on one line as raw/r005.txt."""
    lay = src.layout
    parts: list[str] = []
    for b in _blocks(lay)[1:]:
        if isinstance(b, str):
            parts.append("\u3000\u3000" + b)
        else:
            parts.append("".join(t.replace("\n", "") for row in html_rows(b) for t in row))
    return lay.title + "\n" + "".join(parts) + "\n"


_DIGITS = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _map_values(src: Source, fn: Callable[[str], str]) -> Source:
    """A copy whose value cells are rewritten by ``fn`` (labels and headers untouched)."""
    rep = Report.from_dict(src.label)
    rep.sections = dict(src.report.sections)
    for _, v in rep.cells():
        if v.value is not None and not isinstance(v.value, str):
            v.raw = fn(v.raw or str(v.value))
            v.value = v.raw  # layout writes text values as they stand
    return Source(src.case, src.label, rep)


def fullwidth(s: str) -> str:
    return s.translate(_DIGITS) if _NUMBER.match(s) else s


def thousands(s: str) -> str:
    if not _NUMBER.match(s):
        return s
    whole, dot, frac = s.partition(".")
    return f"{int(whole):,}" + dot + frac if abs(int(whole)) >= 1000 else s


# ---------------------------------------------------------------------------------------------
# PDF-to-markdown
# ---------------------------------------------------------------------------------------------

_PAGE_MARKS = ("— {} —", "- {} -", "第 {} 页")
LONG_LABEL = 16  # labels this long wrap in the PDF cell and the converter detaches them


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("\n", " ").replace("|", "\\|") for c in cells) + " |"


def _md_table(lt: LTable, page: list[int]) -> list[str]:
    rows = grid_rows(lt)
    kinds = [[s.cell.kind for s in line] for line in lt.grid()]
    nhead = max(lt.header_rows, 1)
    head = [_pipe(rows[0]), "|" + "---|" * lt.width] + [_pipe(r) for r in rows[1:nhead]]
    out = list(head)
    for k in range(nhead, len(rows)):
        row = rows[k]
        if lt.header_rows and k > nhead and (k - nhead) % 12 == 0:
            # a page break inside the table: the page number, then the header repeated
            page[0] += 1
            out += ["", _PAGE_MARKS[page[0] % 3].format(page[0]), "", *head]
        lab = {i for i, t in enumerate(row) if t and kinds[k][i] == LABEL}
        if any(len(row[i]) >= LONG_LABEL for i in lab) and len(lab) < lt.width:
            # the wrapped label on its own row, the numbers (vertically centred) on the next
            out.append(_pipe([t if i in lab else "" for i, t in enumerate(row)]))
            out.append(_pipe(["" if i in lab else t for i, t in enumerate(row)]))
        else:
            out.append(_pipe(row))
    return out


def pdf_markdown(src: Source) -> str:
    page = [1]
    out: list[str] = []
    for b in _blocks(src.layout):
        if isinstance(b, str):
            out += [b, ""]
            if len(out) % 9 == 0:
                page[0] += 1
                out += [_PAGE_MARKS[page[0] % 3].format(page[0]), ""]
        else:
            out += [*_md_table(b, page), ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# HTML, DOCX, PDF
# ---------------------------------------------------------------------------------------------

_CMS_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html><head>'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    "<title>{title}_政府信息公开年报</title></head><body>\n"
    '<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="#">政府信息公开</a> &gt; '
    "政府信息公开年报</div>\n"
    '<div class="article"><h2 class="title">{title}</h2>\n'
    '<div class="info">发布时间：{year}-01-20 来源：本站 【字体：大 中 小】 打印本页</div>\n'
    '<div class="TRS_Editor" id="zoom">\n'
)
_CMS_TAIL = '</div></div>\n<div class="footer">主办单位：…… 网站标识码：……</div></body></html>\n'
_P = (
    '<p style="text-indent:2em;line-height:1.5"><span style="font-family:仿宋_GB2312">{}</span></p>'
)


def cms_html(src: Source) -> str:
    """A CMS article page with the tables pasted from Word (spans kept, &nbsp; in blanks)."""
    lay = src.layout
    year = (src.report.year or 2000) + 1
    out = [_CMS_HEAD.format(title=escape(lay.title), year=year)]
    for b in _blocks(lay)[1:]:
        if isinstance(b, str):
            out.append(_P.format(escape(b)))
            continue
        out.append('<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>')
        by_row: dict[int, list[str]] = {}
        for r, _, c in b.origins():
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            text = "<br>".join(escape(t) for t in c.text.split("\n")) or "&nbsp;"
            by_row.setdefault(r, []).append(
                f'<td valign="center"{span} style="border:solid windowtext 1pt">'
                f'<p align="center"><span style="font-size:10.5pt">{text}</span></p></td>'
            )
        out += [f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(len(b.rows))]
        out.append("</tbody></table>")
    out.append(_CMS_TAIL)
    return "\n".join(out)


def _cached(kind: str, data: bytes, make: Callable[[], bytes]) -> bytes:
    """``make()`` cached under CACHE by a hash of the input bytes (PDF printing is slow)."""
    path = CACHE / f"{hashlib.sha256(data).hexdigest()[:24]}.{kind}.pdf"
    if path.is_file():
        return path.read_bytes()
    out = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(out)
    tmp.replace(path)
    return out


def pdf_libreoffice(src: Source) -> bytes:
    if shutil.which("soffice") is None:
        raise NotAvailable("soffice not installed")
    # DOCX bytes carry timestamps, so the (deterministic) HTML of the same layout is the key.
    key = render(src.report, "html")
    return _cached("lo", key, lambda: render(src.report, "pdf"))


def pdf_chromium(src: Source) -> bytes:
    exe = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    if exe is None:
        raise NotAvailable("chromium not installed")
    html = render(src.report, "html")

    def make() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            page, out = Path(tmp, "report.html"), Path(tmp, "out.pdf")
            page.write_bytes(html)
            cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
            cmd += ["--disable-background-networking", "--disable-component-update"]
            cmd += ["--disable-sync", f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer"]
            cmd += [f"--print-to-pdf={out}", page.as_uri()]
            subprocess.run(cmd, capture_output=True, timeout=120, check=False)
            if not out.is_file():
                raise NotAvailable("chromium did not print")
            return out.read_bytes()

    return _cached("chromium", html, make)


# ---------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------

Generator = Callable[[Source], tuple[bytes, str]]


def _utf8(fn: Callable[[Source], str], name: str) -> Generator:
    return lambda s: (fn(s).encode("utf-8"), name)


RENDERINGS: dict[str, Generator] = {
    "cell_lines": _utf8(cell_lines_text, "report.txt"),
    "row_spaces": _utf8(lambda s: row_text(s, " "), "report.txt"),
    "row_nbsp": _utf8(lambda s: row_text(s, "\xa0"), "report.txt"),
    "row_u3000": _utf8(lambda s: row_text(s, "\u3000"), "report.txt"),
    "glued": _utf8(glued_text, "report.txt"),
    "pdf_md": _utf8(pdf_markdown, "report.md"),
    "html": lambda s: (render(s.report, "html"), "report.html"),
    "html_cms": _utf8(cms_html, "report.html"),
    "docx": lambda s: (render(s.report, "docx"), "report.docx"),
    "pdf_lo": lambda s: (pdf_libreoffice(s), "report.pdf"),
    "pdf_chromium": lambda s: (pdf_chromium(s), "report.pdf"),
    # Encodings and number spellings, each on the cell-per-line scrape (one change at a time).
    "gbk": lambda s: (cell_lines_text(s).encode("gbk", errors="replace"), "report.txt"),
    "crlf": _utf8(lambda s: cell_lines_text(s).replace("\n", "\r\n"), "report.txt"),
    "fullwidth": _utf8(lambda s: cell_lines_text(_map_values(s, fullwidth)), "report.txt"),
    "thousands": _utf8(lambda s: cell_lines_text(_map_values(s, thousands)), "report.txt"),
}
GLUED = {"glued"}
SLOW = {"pdf_lo", "pdf_chromium"}
