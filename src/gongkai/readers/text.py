"""Plain text and Markdown: decode, then recognise the table renderings seen in real files.

- one cell per line, each cell line starting with a tab, rows separated by blank lines (Word
  "save as text"); a line without the tab continues the cell above (labels wrapped in the cell);
- one row per line with tab-separated cells (leading cells may be missing);
- pipe rows ("a | b | c |", with or without edge pipes; Markdown tables with a --- line);
- anything else is a paragraph per line (PDF-layout text, crawler text with glued cells): the
  extractor finds labels and numbers inside those.
"""

from __future__ import annotations

import re

from ..errors import GongkaiError
from ..model import BLANK_CELL, Block, Cell, Document, Paragraph, Provenance, Table
from . import limits
from ._tables import PAGE_MARK

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# Artefacts of Word-to-text converters, never part of the content.
_ARTEFACT = re.compile(r"\[(?:bookmark|image|picture|图片): [^\]]*\]")


def decode(data: bytes, path: str | None = None) -> str:
    """Decode UTF-8 (with or without BOM), GB18030/GBK, or whatever charset-normalizer finds."""
    return decode_with_warning(data, path)[0]


# A damaged file (a cut in the middle of a character, a stray byte) is read with the bad bytes
# replaced when they are at most this share of the file; more is a wrong guess of the encoding.
MAX_BAD_BYTES_SHARE = 0.01
_BAD = re.compile("[\udc80-\udcff]+")  # bytes the decoder could not take (surrogateescape)


def decode_with_warning(data: bytes, path: str | None = None) -> tuple[str, str | None]:
    """Decode as :func:`decode` does; a few undecodable bytes are replaced with a warning."""
    if data.count(b"\x00") > len(data) // 100 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GongkaiError("不是文本文件（含有大量二进制字节）", path)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" or _looks_chinese(text):
            return text, None
    for enc, name in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        text = data.decode(enc, errors="surrogateescape")
        bad = sum(m.end() - m.start() for m in _BAD.finditer(text))
        if bad <= max(1, MAX_BAD_BYTES_SHARE * len(data)) and _looks_chinese(text):
            warning = (
                f"文件中有 {bad} 个字节不是有效的 {name} 编码（文件可能损坏或被截断），"
                "已替换为“\ufffd”，其余内容照常读取"
            )
            return _BAD.sub("\ufffd", text), warning
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _looks_chinese(str(best)):
        return str(best), None
    raise GongkaiError("无法识别文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030）", path)


def _looks_chinese(text: str) -> bool:
    """A decoding is plausible when it has CJK text and few control characters."""
    sample = text[:20000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    ctrl = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return cjk > 0 and ctrl <= len(sample) // 200


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")


def read_text(data: bytes, path: str | None = None) -> Document:
    if len(data) > limits.MAX_TEXT_BYTES:
        size, limit = len(data) // limits.MB, limits.MAX_TEXT_BYTES // limits.MB
        raise GongkaiError(limits.too_big("文本文件", size, limit, "MB"), path)
    decoded, warning = decode_with_warning(data, path)
    if len(decoded) > limits.MAX_CHARS:
        raise GongkaiError(limits.too_big("文字", len(decoded), limits.MAX_CHARS, "字"), path)
    text = _ARTEFACT.sub("", decoded)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > limits.MAX_LINES:
        raise GongkaiError(limits.too_big("文字行数", len(lines), limits.MAX_LINES, "行"), path)
    fmt = "md" if path and path.lower().endswith((".md", ".markdown")) else "txt"
    try:
        blocks = parse_lines(lines, markdown=fmt == "md")
    except GongkaiError as exc:
        raise GongkaiError(exc.message, path) from None
    doc = Document(blocks, path=path, format=fmt)
    if warning:
        doc.warnings.append(warning)
    return doc


def parse_lines(lines: list[str], markdown: bool = False) -> list[Block]:
    blocks = _parse(lines, markdown)
    if markdown:  # backslash escapes are Markdown syntax, not text
        for b in blocks:
            if isinstance(b, Paragraph):
                b.text = _MD_ESCAPE.sub(r"\1", b.text)
            else:
                for row in b.rows:
                    for cell in row:
                        cell.text = _MD_ESCAPE.sub(r"\1", cell.text)
    return blocks


def _parse(lines: list[str], markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    budget = limits.Budget()
    blanks = _blank_cells(lines)
    # Only a file with runs of separators can hold empty cells between them.
    spaced = any(_SEP_RUN.search(ln.strip()) for ln in lines) and _one_space_rows(lines)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        for _ in range(blanks.get(i, 0)):
            blocks.append(Paragraph(BLANK_CELL, Provenance(line=i)))
        if "\t" in line and line.strip():
            end = _tab_region_end(lines, i)
            _check_cells(lines, i, end, "\t")
            table = _tab_table(lines, i, end, len(blocks))
            budget.table(sum(len(r) for r in table.rows))
            blocks.append(table)
            i = end
        elif _is_pipe_row(line) and i + 1 < n and _is_pipe_row(lines[i + 1]):
            end = i
            while end < n and _is_pipe_row(lines[end]):
                end += 1
            if _one_cell_per_line(lines[i:end]):
                blocks.extend(_pipe_cells(lines, i, end))
            else:
                _check_cells(lines, i, end, "|")
                table = _pipe_table(lines, i, end, len(blocks), markdown)
                budget.table(sum(len(r) for r in table.rows))
                blocks.append(table)
            i = end
        else:
            if spaced:
                line = _spaced_blank_cells(line)
            stripped = line.strip().replace("\u3000", " ").strip()
            if stripped and PAGE_MARK.match(re.sub(r"\s+", "", stripped)):
                pass  # a page number left by a PDF-to-text conversion
            elif stripped == "|":
                pass  # a lone pipe between two cells written one per line
            elif stripped:
                m = _MD_HEADING.match(stripped)
                level = len(m.group(1)) if m else 0
                body = m.group(2).strip() if m else stripped
                blocks.append(Paragraph(body, Provenance(line=i + 1), level))
            i += 1
    return blocks


def _check_cells(lines: list[str], start: int, end: int, sep: str) -> None:
    """Refuse a table of more cells than a report can have, before building them."""
    cells = sum(line.count(sep) + 1 for line in lines[start:end])
    if cells > limits.MAX_CELLS_PER_TABLE:
        raise GongkaiError(limits.too_big("表格", cells, limits.MAX_CELLS_PER_TABLE, "个单元格"))


_SEP = "[ \xa0\u3000]"
_SEP_SPLIT = re.compile(rf"({_SEP}+)")
_DIGIT = re.compile(r"\d")
_SEP_RUN = re.compile(rf"{_SEP}{{2,}}")
_NEXT_WORD = re.compile(r"\s*(\S+)")
_VALUE_WORD = re.compile(rf"^(?:[+\-]?\d[\d,.]*(?:万元|元)?|/|-|--|—|——|{BLANK_CELL})$")


def _one_space_rows(lines: list[str]) -> bool:
    """Whether table rows are written with exactly one space between cells.

    Counted at separators next to a number in lines without a full stop: such a file has
    mostly single separators (runs only where cells are empty, at most a row's width), unlike
    PDF-layout text whose columns are aligned with long runs of spaces.
    """
    single = runs = 0
    for line in lines:
        if "。" in line or not _DIGIT.search(line):
            continue
        parts = _SEP_SPLIT.split(line.strip())  # word, separator, word, …
        for k in range(1, len(parts) - 1, 2):
            if not (_VALUE_WORD.match(parts[k - 1]) or _VALUE_WORD.match(parts[k + 1])):
                continue
            n = len(parts[k])
            if n > 16:
                return False
            if n == 1:
                single += 1
            else:
                runs += 1
    return single >= 5 and single >= runs


def _spaced_blank_cells(line: str) -> str:
    """Empty cells of a row written with one space between cells, made explicit.

    In such a file (many "12 0" pairs) n separators in a row hold n - 1 empty cells, and a
    row's trailing (or, before a number, leading) run of n separators holds n. Prose lines
    (with a full stop) are left alone.
    """
    if "。" in line or not _SEP_RUN.search(line):
        return line
    out: list[str] = []
    pos = 0
    for m in _SEP_RUN.finditer(line):
        before = line[pos : m.start()]
        out.append(before)
        prev_word = before.split()[-1] if before.split() else ""
        rest = _NEXT_WORD.match(line, m.end())  # (not a split of the rest: quadratic)
        next_word = rest.group(1) if rest else ""
        n = m.end() - m.start()
        if not prev_word and not next_word:
            k = 0
        elif not prev_word:
            k = n if _VALUE_WORD.match(next_word) and len(out) <= 1 else 0
        elif not next_word:
            k = n
        elif _VALUE_WORD.match(prev_word) or _VALUE_WORD.match(next_word):
            k = n - 1
        else:
            k = 0
        out.append(" " + " ".join([BLANK_CELL] * k) + " " if k else " ")
        pos = m.end()
    out.append(line[pos:])
    return "".join(out)


def _blank_cells(lines: list[str]) -> dict[int, int]:
    """Empty cells of a one-cell-per-line rendering, by the line index they precede.

    Scrapers of HTML tables write each cell followed by a fixed run of line breaks (``step``,
    e.g. 3) and each row end by a few more (``extra``, e.g. 2), so an empty cell leaves only
    its line breaks: a gap of ``step * (k + 1)`` (+ ``extra`` at a row end) holds k empty
    cells. Files without such a rhythm (most lines apart by one break) get none.
    """
    gaps: list[tuple[int, int]] = []  # (line index, line breaks before it)
    prev: int | None = None
    for i, line in enumerate(lines):
        if line.strip():
            if prev is not None:
                gaps.append((i, i - prev))
            prev = i
    counts: dict[int, int] = {}
    for _, g in gaps:
        counts[g] = counts.get(g, 0) + 1
    step = max((g for g in counts if g >= 2), key=lambda g: counts[g], default=0)
    if not step or counts[step] < 20 or counts[step] < 2 * counts.get(1, 0):
        return {}
    ends = [g for g in counts if g > step and g % step]
    extra = max(
        (g % step for g in ends),
        key=lambda r: sum(counts[g] for g in ends if g % step == r),
        default=0,
    )
    if not extra or sum(counts[g] for g in ends if g % step == extra) < 5:
        return {}
    out: dict[int, int] = {}
    for i, g in gaps:
        rest = g % step
        if rest == 0 and g >= 2 * step:
            out[i] = g // step - 1
        elif rest == extra and g >= 2 * step + extra:
            out[i] = (g - extra) // step - 1
    return out


def _is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 or (line.count("|") == 1 and line.rstrip().endswith("|"))


def _tab_region_end(lines: list[str], start: int) -> int:
    """Lines from ``start`` that belong to one tab-rendered table."""
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        if "\t" in line or not line.strip():
            i += 1
            continue
        # A plain line belongs to the table only when it continues a cell: it follows a
        # tab line directly, or it is followed directly by one (a cell whose first
        # paragraph was empty).
        prev_tab = i > start and "\t" in lines[i - 1]
        next_tab = i + 1 < n and "\t" in lines[i + 1]
        if prev_tab or next_tab:
            i += 1
            continue
        break
    while i > start and not lines[i - 1].strip():
        i -= 1
    return i


def _tab_table(lines: list[str], start: int, end: int, index: int) -> Table:
    tab_lines = [ln for ln in lines[start:end] if "\t" in ln]
    single = sum(1 for ln in tab_lines if re.fullmatch(r"\t[^\t]*", ln))
    table_no = index + 1
    rows: list[list[Cell]] = []
    if single >= 0.8 * len(tab_lines):
        # One cell per line; blank line = next row; untabbed line continues the cell.
        row: list[Cell] = []
        for k in range(start, end):
            line = lines[k]
            if not line.strip() and "\t" not in line:
                if row:
                    rows.append(row)
                    row = []
                continue
            src = Provenance(line=k + 1, table=table_no, row=len(rows) + 1, col=len(row) + 1)
            if line.startswith("\t") or not row:
                row.append(Cell(_clean(line), src))
            else:
                prev = row[-1]
                prev.text = f"{prev.text}\n{_clean(line)}" if prev.text else _clean(line)
        if row:
            rows.append(row)
    else:
        for k in range(start, end):
            if not lines[k].strip():
                continue
            parts = lines[k].split("\t")
            rows.append(
                [
                    Cell(
                        _clean(p),
                        Provenance(line=k + 1, table=table_no, row=len(rows) + 1, col=c + 1),
                    )
                    for c, p in enumerate(parts)
                ]
            )
    return Table(rows, Provenance(line=start + 1, table=table_no))


_CELL_LINE = re.compile(r"^([^|]*)\|[\s|]*$")


def _one_cell_per_line(lines: list[str]) -> bool:
    """Pipes ending every line, one cell per line ("8 |", "| ", " 0  | ||"): a page scraped
    cell by cell, not a pipe table."""
    return sum(1 for ln in lines if _CELL_LINE.match(ln.strip())) >= 0.7 * len(lines)


def _pipe_cells(lines: list[str], start: int, end: int) -> list[Block]:
    """One paragraph per cell. Where cells end with their own pipe ("0 |"), a line of pipes
    alone is an empty cell (a surplus one after a full row is trimmed by the extractor);
    where pipe lines only stand between cells ("0", "|", "0"), n of them hold n - 1 empty
    cells."""
    out: list[Block] = []
    own_pipes = any(
        (m := _CELL_LINE.match(lines[k].strip())) and m.group(1).strip() for k in range(start, end)
    )
    if not own_pipes:
        return [Paragraph(BLANK_CELL, Provenance(line=k + 1)) for k in range(start + 1, end)]
    for k in range(start, end):
        line = lines[k].strip()
        m = _CELL_LINE.match(line)
        text = line if m is None else m.group(1)
        out.append(Paragraph(_clean(text) or BLANK_CELL, Provenance(line=k + 1)))
    return out


def _pipe_table(lines: list[str], start: int, end: int, index: int, markdown: bool) -> Table:
    table_no = index + 1
    rows: list[list[Cell]] = []
    for k in range(start, end):
        line = lines[k].strip()
        if _MD_RULE.match(line):
            continue
        # In Markdown "\\|" is a literal pipe inside a cell.
        parts = re.split(r"(?<!\\)\|", line) if markdown else line.split("|")
        if line.startswith("|"):
            parts = parts[1:]
        if line.endswith("|"):
            parts = parts[:-1]
        rows.append(
            [
                Cell(
                    _clean(p), Provenance(line=k + 1, table=table_no, row=len(rows) + 1, col=c + 1)
                )
                for c, p in enumerate(parts)
            ]
        )
    return Table(rows, Provenance(line=start + 1, table=table_no))


def _clean(text: str) -> str:
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()
