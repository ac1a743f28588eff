"""DOCX reader: Word and WPS documents.

python-docx opens the package, but the body XML is walked here directly: python-docx's table
API crashes on a content control around a cell and drops text inside tracked insertions
(/work/shared/notes/parsing-libs.md, "Pitfalls"). Tracked insertions are read, deletions are
not; content controls (``w:sdt``) and custom XML wrappers are unwrapped wherever they occur.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import GongkaiError
from ..model import Block, Document, Paragraph, Provenance
from . import limits
from ._tables import RawCell, cell_text, clean_line, has_text, make_table

CORRUPT = "DOCX 文件已损坏或不完整，无法打开"
BOMB = "文件解压后过大，疑似压缩炸弹，已拒绝读取"
NOT_WORD = "文件不是 Word 文档（压缩包中没有 word/document.xml 正文）"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC, T = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}t"
SDT, SDT_CONTENT, CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
VAL = f"{_W}val"
LINE_BREAKS = frozenset({f"{_W}br", f"{_W}cr"})
TABS = frozenset({f"{_W}tab", f"{_W}ptab"})
# Never read: deletions, moved-away text, properties, and the VML duplicate of a text box.
SKIP = frozenset(
    f"{_W}{name}" for name in ("del", "moveFrom", "pPr", "rPr", "sdtPr", "sdtEndPr", "tcPr")
) | {f"{_MC}Fallback"}
HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


class _Element(Protocol):
    """The part of the lxml element API used here (python-docx hands out lxml elements)."""

    tag: Any
    text: str | None

    def get(self, key: str) -> str | None: ...
    def find(self, path: str) -> _Element | None: ...
    def iterchildren(self) -> Iterator[_Element]: ...


def read_docx(data: bytes, path: str | None) -> Document:
    """Read a DOCX file into a Document; raise GongkaiError for a bad or hostile file."""
    check_package(data, path)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body: _Element = document.element.body
        levels = _style_levels(document.styles.element)
        title = clean_line(document.core_properties.title or "")
        builder = _Builder(levels, limits.Budget(path))
        builder.blocks_of(body)
    except GongkaiError as exc:
        if exc.path is None:
            raise GongkaiError(exc.message, path) from None
        raise
    except RecursionError:
        raise GongkaiError("文档中的表格嵌套过深，无法读取", path) from None
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on damaged parts
        raise GongkaiError(CORRUPT, path) from exc
    doc = Document(blocks=builder.blocks, path=path, format="docx", title=title or None)
    if not doc.blocks:
        doc.warnings.append("文档中没有文字（可能只有图片或扫描件）")
    return doc


def check_package(data: bytes, path: str | None) -> None:
    """Refuse a corrupt zip, a zip bomb, or a zip that is not a Word document, before inflating."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except UnicodeDecodeError as exc:  # a member name flagged UTF-8 that is not
        raise GongkaiError(f"{CORRUPT}（压缩包中的文件名不是有效的 UTF-8 编码）", path) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise GongkaiError(CORRUPT, path) from exc
    total = sum(m.file_size for m in members)
    if total > limits.MAX_UNZIPPED_BYTES or any(
        m.file_size > limits.MAX_RATIO_MEMBER_BYTES
        and m.file_size > limits.MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise GongkaiError(BOMB, path)
    for m in members:  # an XML part is parsed into a tree several times its size
        if m.filename.lower().endswith((".xml", ".rels")) and m.file_size > limits.MAX_XML_BYTES:
            size = m.file_size // limits.MB
            limit = limits.MAX_XML_BYTES // limits.MB
            raise GongkaiError(limits.too_big(f"文档内容（{m.filename}）", size, limit, "MB"), path)
    if not any(re.fullmatch(r"word/document\d*\.xml", m.filename) for m in members):
        raise GongkaiError(NOT_WORD, path)


def _children(parent: _Element, wanted: str) -> Iterator[_Element]:
    """Children with tag ``wanted``, looking through content controls and custom XML."""
    for child in parent.iterchildren():
        if child.tag == wanted:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, wanted)
        elif child.tag == CUSTOM_XML:
            yield from _children(child, wanted)


def _blocks(parent: _Element) -> Iterator[_Element]:
    """Paragraphs and tables of a body or a cell, in order, through content controls."""
    for child in parent.iterchildren():
        if child.tag in (P, TBL):
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == CUSTOM_XML:
            yield from _blocks(child)


def _text(element: _Element) -> str:
    """Visible text of a paragraph: every w:t, including inside tracked insertions."""
    out: list[str] = []
    stack = [element]
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == T:
            out.append(node.text or "")
        elif tag in TABS:
            out.append("\t")
        elif tag in LINE_BREAKS:
            out.append("\n")
        elif tag in SKIP or not isinstance(tag, str):
            continue
        else:
            if tag == P and node is not element:
                out.append("\n")  # a paragraph of a text box inside this one
            stack.extend(reversed(list(node.iterchildren())))
    return "".join(out)


def _val(element: _Element | None, default: str | None = None) -> str | None:
    return default if element is None else element.get(VAL)


def _int(value: str | None, default: int) -> int:
    if not value or not (digits := value.strip()).isdigit():
        return default
    return int(digits) if len(digits) <= 9 else 10**9  # past any limit; int() stays cheap


def _style_levels(styles: _Element) -> dict[str, int]:
    """Heading level per paragraph style id, from its name (Heading N / 标题 N) or outline."""
    names: dict[str, str] = {}
    outline: dict[str, int] = {}
    parents: dict[str, str] = {}
    for style in _children(styles, f"{_W}style"):
        sid = style.get(f"{_W}styleId") or ""
        names[sid] = _val(style.find(f"{_W}name")) or ""
        outline_val = _val(style.find(f"{_W}pPr/{_W}outlineLvl"))
        if outline_val is not None:
            outline[sid] = _int(outline_val, 9) + 1
        if (based := _val(style.find(f"{_W}basedOn"))) is not None:
            parents[sid] = based

    def level(sid: str, depth: int = 0) -> int:
        if match := HEADING_NAME.match(names.get(sid, "").strip()):
            return int(match.group(1))
        if sid in outline:
            return outline[sid] if outline[sid] <= 9 else 0
        if sid in parents and depth < 20:
            return level(parents[sid], depth + 1)
        return 0

    return {sid: lvl for sid in names if (lvl := level(sid))}


@dataclass(slots=True)
class _Tc:
    """A w:tc with its grid position, before vertical merges are resolved."""

    col: int
    span: int
    text: str
    vmerge: str | None  # "restart", "continue" or None
    rowspan: int = 1
    consumed: bool = False  # a vMerge continuation absorbed by the cell above


class _Builder:
    def __init__(self, levels: dict[str, int], budget: limits.Budget) -> None:
        self.levels = levels
        self.budget = budget
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def blocks_of(self, parent: _Element) -> None:
        for element in _blocks(parent):
            if element.tag == P:
                self.paragraph(element)
            else:
                self.table(element)

    def paragraph(self, p: _Element) -> None:
        level = self._level(p)
        for raw in _text(p).split("\n"):
            if text := clean_line(raw):
                self.budget.line(len(text))
                self.paragraphs += 1
                self.blocks.append(Paragraph(text, Provenance(line=self.paragraphs), level))

    def _level(self, p: _Element) -> int:
        direct = _val(p.find(f"{_W}pPr/{_W}outlineLvl"))
        if direct is not None:
            return _int(direct, 9) + 1 if _int(direct, 9) < 9 else 0
        return self.levels.get(_val(p.find(f"{_W}pPr/{_W}pStyle")) or "", 0)

    def table(self, tbl: _Element) -> None:
        self.tables += 1
        number = self.tables
        nested: list[_Element] = []
        rows = _rows(tbl, nested)
        if has_text(rows):
            table = make_table(rows, number)
            self.budget.table(len(table.rows) * table.width)
            self.budget.text(sum(len(c.text) for row in table.rows for c in row if not c.covered))
            self.blocks.append(table)
        else:
            self.tables -= 1  # nothing to show; nested tables (processed next) take the number
        for inner in nested:
            self.table(inner)


def _rows(tbl: _Element, nested: list[_Element]) -> list[list[RawCell]]:
    """Rows of RawCells, with vMerge resolved into rowspans and gridBefore/After as gaps."""
    parsed: list[tuple[int, list[_Tc], int]] = []
    positions = 0  # grid positions so far: gridBefore/gridAfter/gridSpan may claim 10^8
    for tr in _children(tbl, TR):
        if tr.find(f"{_W}trPr/{_W}del") is not None:
            continue  # a tracked row deletion
        before = _int(_val(tr.find(f"{_W}trPr/{_W}gridBefore")), 0)
        after = _int(_val(tr.find(f"{_W}trPr/{_W}gridAfter")), 0)
        cells: list[_Tc] = []
        col = before
        for tc in _children(tr, TC):
            span = max(1, _int(_val(tc.find(f"{_W}tcPr/{_W}gridSpan")), 1))
            if _val(tc.find(f"{_W}tcPr/{_W}hMerge"), "") == "continue" and cells:
                cells[-1].span += span  # legacy horizontal merge
                col += span
                continue
            vmerge_el = tc.find(f"{_W}tcPr/{_W}vMerge")
            vmerge = None if vmerge_el is None else (vmerge_el.get(VAL) or "continue")
            cells.append(_Tc(col, span, _cell_text(tc, nested), vmerge))
            col += span
            if col > limits.MAX_CELLS_PER_TABLE:
                break
        positions += col + after
        if positions > limits.MAX_CELLS_PER_TABLE:
            cap = limits.MAX_CELLS_PER_TABLE
            raise GongkaiError(limits.too_big("表格", positions, cap, "个单元格"))
        parsed.append((before, cells, after))
    _merge_vertically([cells for _, cells, _ in parsed])
    rows: list[list[RawCell]] = []
    for before, cells, after in parsed:
        row = [RawCell("", gap=True) for _ in range(before)]
        row += [RawCell(c.text, c.rowspan, c.span) for c in cells if not c.consumed]
        row += [RawCell("", gap=True) for _ in range(after)]
        rows.append(row)
    return rows


def _merge_vertically(rows: list[list[_Tc]]) -> None:
    """A vMerge continuation extends the cell starting at the same grid column just above."""
    above: dict[int, _Tc] = {}
    for cells in rows:
        here: dict[int, _Tc] = {}
        for cell in cells:
            origin = above.get(cell.col)
            if cell.vmerge == "continue" and origin is not None:
                origin.rowspan += 1
                cell.consumed = True
                here[cell.col] = origin
            else:
                here[cell.col] = cell
        above = here


def _cell_text(tc: _Element, nested: list[_Element]) -> str:
    lines: list[str] = []
    for element in _blocks(tc):
        if element.tag == TBL:
            nested.append(element)
        else:
            lines.extend(_text(element).split("\n"))
    return cell_text(lines)
