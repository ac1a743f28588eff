"""HTML reader: saved government web pages (CMS articles, Word-exported HTML).

The page is parsed like a browser would (Lexbor, via selectolax), so malformed markup without
``</td>``/``</tr>`` comes out as the browser shows it. Text outside data tables becomes one
paragraph per block element and per ``<br>`` line; a table that contains other tables is page
layout and is read through, its inner tables and text kept in document order.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import GongkaiError
from ..model import Block, Document, Paragraph, Provenance
from . import limits
from ._tables import RawCell, cell_text, clean_line, has_text, make_table

# Whitespace-separated tag lists read better than 60 one-per-line literals.
SKIP_TAGS = frozenset(
    "script style noscript template head title meta link svg math iframe object embed "  # noqa: SIM905
    "select textarea canvas".split()
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "  # noqa: SIM905
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
HEADINGS = {f"h{n}": n for n in range(1, 7)}

# Generic CMS <meta name> tags (the 政府网站 article metadata convention), kept as written.
META_NAMES = ("ArticleTitle", "PubDate", "ContentSource", "Author", "SiteName", "ColumnName")
# Labels a CMS prints next to an article (in a small table or as "label：value" text).
META_LABELS = (
    "发布机构",
    "发文机关",
    "发布单位",
    "信息来源",
    "来源",
    "索引号",
    "文号",
    "成文日期",
    "发布日期",
    "发布时间",
    "公开日期",
)
_LABEL_VALUE = re.compile("(" + "|".join(META_LABELS) + r")\s*[：:]\s*([^\s：]+)")

_BLANKS = "[ \t\n\r\f]+"  # HTML's collapsible whitespace; NBSP and U+3000 are not in it
_SEGMENT = re.compile(_BLANKS)
_SINGLE_BYTE = frozenset({"ascii", "latin_1", "iso8859_1", "cp1252"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)|<\?xml[^>]+encoding\s*=\s*["']([-\w.]+)""",
    re.IGNORECASE,
)


def read_html(data: bytes, path: str | None) -> Document:
    """Read an HTML page into a Document; raise GongkaiError if it holds no text."""
    if len(data) > limits.MAX_TEXT_BYTES:
        size, limit = len(data) // limits.MB, limits.MAX_TEXT_BYTES // limits.MB
        raise GongkaiError(limits.too_big("网页文件", size, limit, "MB"), path)
    text, warning = decode_html(data)
    tree = LexborHTMLParser(text)
    tables = len(tree.css("table"))  # before the walk, which looks into each table
    if tables > limits.MAX_TABLES:
        raise GongkaiError(limits.too_big("表格数量", tables, limits.MAX_TABLES, "个"), path)
    root = tree.body or tree.root
    blocks: list[Block] = []
    if root is not None:
        blocks = _Builder(limits.Budget(path)).build(root)
    if not blocks:
        raise GongkaiError("页面中没有可读的文字", path)
    doc = Document(blocks=blocks, path=path, format="html")
    doc.title = _title(tree)
    doc.meta = _meta(tree, blocks)
    if warning:
        doc.warnings.append(warning)
    return doc


def decode_html(data: bytes) -> tuple[str, str | None]:
    """Decode page bytes: BOM, declared charset, UTF-8, GB18030, then statistical detection."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), None
    candidates = [e for e in dict.fromkeys((_declared_charset(data), "utf-8", "gb18030")) if e]
    for encoding in candidates:
        try:
            return data.decode(encoding), None
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes  # rarely needed: imported on demand

    best = from_bytes(data).best()
    if best is not None:
        return str(best), None
    return data.decode(candidates[0], errors="replace"), "网页编码无法确定，部分文字可能显示为乱码"


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:16384])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "ignore").lower()
    label = label.removeprefix("x-")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in {"gbk", "gb2312", "gb18030", "cp936"}:
        return "gb18030"  # the superset: pages labelled gb2312/gbk often hold GB18030 bytes
    if name in _SINGLE_BYTE:
        return None  # a Chinese page labelled Latin-1 is mislabelled; detect instead
    return name


class _Builder:
    """Walks the DOM once and turns it into blocks."""

    def __init__(self, budget: limits.Budget) -> None:
        self.budget = budget
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def build(self, root: LexborNode) -> list[Block]:
        for text, level, table in _walk(root, stop_at_data_tables=True):
            if table is not None:
                self._table(table)
            else:
                self._paragraph(text, level)
        return self.blocks

    def _paragraph(self, text: str, level: int) -> None:
        self.budget.line(len(text))
        self.paragraphs += 1
        self.blocks.append(Paragraph(text, Provenance(line=self.paragraphs), level))

    def _table(self, node: LexborNode) -> None:
        caption = node.css_first("caption")
        if caption is not None:
            for text, level, _ in _walk(caption, stop_at_data_tables=False):
                self._paragraph(text, level)
        rows = _rows(node)
        if has_text(rows):
            self.tables += 1
            try:
                table = make_table(rows, self.tables)
            except GongkaiError as exc:
                raise GongkaiError(exc.message, self.budget.path) from None
            self.budget.table(len(table.rows) * table.width)
            self.budget.text(sum(len(c.text) for row in table.rows for c in row if not c.covered))
            self.blocks.append(table)


def _rows(table: LexborNode) -> list[list[RawCell]]:
    cells = len(table.css("td, th"))
    if cells > limits.MAX_CELLS_PER_TABLE:
        raise GongkaiError(limits.too_big("表格", cells, limits.MAX_CELLS_PER_TABLE, "个单元格"))
    trs = list(table.css("tr"))
    rows: list[list[RawCell]] = []
    for tr in trs:
        row = []
        for td in tr.iter():
            if td.tag not in ("td", "th"):
                continue
            lines = [text for text, _, _ in _walk(td, stop_at_data_tables=False)]
            rowspan = _span(td.attributes.get("rowspan"))
            row.append(
                RawCell(
                    cell_text(lines),
                    rowspan=len(trs) if rowspan == 0 else rowspan,  # 0 = to the end
                    colspan=max(1, _span(td.attributes.get("colspan"))),
                )
            )
        rows.append(row)
    return rows


def _span(value: str | None) -> int:
    match = re.match(r"\s*(\d{1,9})", value or "")  # more digits: past any limit anyway
    return int(match.group(1)) if match else 1


def _is_data_table(node: LexborNode) -> bool:
    """A data table holds no other table and has more than one cell."""
    if len(node.css("table")) > 1:  # css() matches the node itself too
        return False
    return len(node.css("td, th")) > 1


_Event = tuple[str, int, LexborNode | None]


def _walk(root: LexborNode, *, stop_at_data_tables: bool) -> Iterator[_Event]:
    """Yield (line, heading level, None) per text line and ("", 0, table) per data table.

    Iterative (an explicit stack) because saved pages can nest deeper than Python recursion.
    """
    buffer: list[str] = []
    stack: list[tuple[LexborNode | None, int]] = [(root, 0)]  # node None = end of a block
    while stack:
        node, level = stack.pop()
        if node is None:
            if line := _line(buffer):
                yield line, level, None
            continue
        tag = node.tag or ""
        if tag == "-text":
            buffer.append(node.text_content or "")
            continue
        if tag.startswith("-") or tag in SKIP_TAGS:
            continue
        if tag == "br":
            if line := _line(buffer):
                yield line, level, None
            continue
        if tag == "table" and stop_at_data_tables and _is_data_table(node):
            if line := _line(buffer):
                yield line, level, None
            yield "", 0, node
            continue
        if tag in BLOCK_TAGS:
            if line := _line(buffer):
                yield line, level, None
            level = HEADINGS.get(tag, level)
            stack.append((None, level))
        stack.extend((child, level) for child in reversed(list(node.iter(include_text=True))))
    if line := _line(buffer):
        yield line, 0, None


def _line(buffer: list[str]) -> str:
    """Join and empty the buffer into one line of text, collapsed the way a browser shows it."""
    raw = "".join(buffer)
    buffer.clear()
    return clean_line(_SEGMENT.sub(lambda m: _collapse(m, raw), raw))


def _collapse(match: re.Match[str], raw: str) -> str:
    # CSS Text 3 segment-break rule: a line break in the source between two Chinese
    # characters vanishes (Word HTML breaks lines between <span>s of one label).
    run = match.group()
    if "\n" in run or "\r" in run:
        start, end = match.span()
        if start > 0 and end < len(raw) and _wide(raw[start - 1]) and _wide(raw[end]):
            return ""
    return " "


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "H") and not (
        "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff"
    )


def _title(tree: LexborHTMLParser) -> str | None:
    node = (tree.head.css_first("title") if tree.head else None) or tree.css_first("title")
    title = clean_line(node.text()) if node is not None else ""
    return title or None


def _meta(tree: LexborHTMLParser, blocks: list[Block]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = node.attributes.get("name") or ""
        content = clean_line(node.attributes.get("content") or "")
        for wanted in META_NAMES:
            if name.lower() == wanted.lower() and content:
                meta.setdefault(wanted, content)
    labels = set(META_LABELS)
    for block in blocks:
        if isinstance(block, Paragraph):
            if len(block.text) <= 200:
                for match in _LABEL_VALUE.finditer(block.text):
                    meta.setdefault(match.group(1), match.group(2))
            continue
        for row in block.rows:
            cells = [c.text for c in row if not c.covered]
            for label, value in itertools.pairwise(cells):
                key = label.rstrip("：: ")
                if key in labels and value and value.rstrip("：: ") not in labels:
                    meta.setdefault(key, value)
    return meta
