"""The layout every output format shares: title, six sections and the tables as span grids.

Tables are built from the template data (:mod:`gongkai.templates`) as rows of cells that
start in that row, each with a rowspan/colspan (HTML notation), exactly as spec §2.2–§3.3
describe the official tables. DOCX and HTML draw them with real merged cells; Markdown writes
:meth:`LTable.grid` with label and header text repeated over the positions a merged cell covers
(the convention of :mod:`gongkai.model`) and value cells blank there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..report import Report, Value
from ..templates import (
    ACTIVE_CAPTIONS,
    ACTIVE_FIRST_COLUMN,
    LEGACY_HEADER_LABELS,
    LEGACY_INDICATORS,
    LEGACY_TABLE_CAPTION,
    LEGACY_UNIT_LABELS,
    LEGACY_VALUE_LABEL,
    LITIGATION_HEADER,
    OUTCOMES,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_HEADER,
    REQUEST_NOTE,
    REQUEST_ORG_HEADER,
    REQUEST_OUTER,
    REVIEW_GROUPS,
    REVIEW_KEYS,
    SECTIONS,
    SUBTOTAL_KEYS,
    Row,
    request_rows_for,
)
from ..templates import (
    REQUEST_COLUMN_KEYS as COLUMN_KEYS,
)
from .prose import clean_text, paragraphs, split_sign_off, title_lines

HEADER = "header"  # column headers and captions
LABEL = "label"  # row labels
VALUE = "value"  # numbers and "/"-style text

# Row labels such as "一、本年新收…" sit outside 三、本年度办理结果 and span all label columns.
_TOP_LEVEL = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True, slots=True)
class LCell:
    text: str
    kind: str = VALUE
    rowspan: int = 1
    colspan: int = 1
    name: str | None = None  # a value cell's name (requests.new.total): pages link by it


@dataclass(frozen=True, slots=True)
class Slot:
    """One grid position: the cell covering it and the offset from that cell's origin."""

    cell: LCell
    dr: int = 0
    dc: int = 0

    @property
    def origin(self) -> bool:
        return self.dr == 0 and self.dc == 0


@dataclass(slots=True)
class LTable:
    name: str  # "active" | "requests" | "review" | "legacy"
    width: int
    rows: list[list[LCell]]
    header_rows: int  # leading rows repeated on each page
    widths: tuple[float, ...]  # relative column widths
    small: bool = False  # wide tables use a smaller font

    def grid(self) -> list[list[Slot]]:
        """The table with spans resolved: one Slot per (row, column)."""
        placed: dict[tuple[int, int], Slot] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in placed:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        placed[(r + dr, c + dc)] = Slot(cell, dr, dc)
                c += cell.colspan
        empty = Slot(LCell(""))
        return [
            [placed.get((r, c), empty) for c in range(self.width)] for r in range(len(self.rows))
        ]

    def origins(self) -> list[tuple[int, int, LCell]]:
        """(row, column, cell) for every cell, in reading order."""
        return [
            (r, c, s.cell)
            for r, line in enumerate(self.grid())
            for c, s in enumerate(line)
            if s.origin
        ]


@dataclass(slots=True)
class LSection:
    heading: str
    paragraphs: list[str]
    table: LTable | None = None
    sign_off: list[str] = field(default_factory=list)  # the body and date ending the report


@dataclass(slots=True)
class Layout:
    title: str
    title_lines: list[str] = field(default_factory=list)  # where the title may break
    sections: list[LSection] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------------------------


def format_value(v: Value | None) -> str:
    """The cell text: blank for None, text as written, floats as written when ``raw`` agrees."""
    if v is None or v.value is None:
        return ""
    x = v.value
    if isinstance(x, str):
        return x
    if isinstance(x, bool):  # not a report value; keep it visible rather than "True"
        return str(int(x))
    if isinstance(x, int):
        return str(x)
    raw = v.raw.strip().replace(",", "")
    try:
        if raw and float(raw) == x:
            return raw
    except ValueError:
        pass
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _values(vals: list[Value] | None, n: int) -> list[str]:
    vals = vals or []
    return [format_value(vals[i]) if i < len(vals) else "" for i in range(n)]


def _named(vals: list[Value] | None, names: list[str]) -> list[LCell]:
    """Value cells with their cell names."""
    return [LCell(t, name=n) for t, n in zip(_values(vals, len(names)), names, strict=True)]


# ---------------------------------------------------------------------------------------------
# Table A — 第二十条
# ---------------------------------------------------------------------------------------------


def active_table(rep: Report) -> LTable | None:
    rows = [r for r in rep.active_rows() if r.key in rep.active]
    if not rows:
        return None
    width = 1 + max(len(r.columns) for r in rep.active_rows())
    out: list[list[LCell]] = []
    for caption in ACTIVE_CAPTIONS:
        block = [r for r in rows if r.group == caption]
        if not block:
            continue
        cols = block[0].columns
        out.append([LCell(caption, HEADER, colspan=width)])
        heads = _spread([c.label for c in cols], width - 1, HEADER)
        out.append([LCell(ACTIVE_FIRST_COLUMN, HEADER), *heads])
        for row in block:
            texts = _values(rep.active[row.key], len(row.columns))
            names = [f"active.{row.key}.{c.key}" for c in row.columns]
            out.append([LCell(row.label, LABEL), *_spread(texts, width - 1, VALUE, names)])
    return LTable("active", width, out, 0, (1.6,) + (1.0,) * (width - 1))


def _spread(texts: list[str], width: int, kind: str, names: list[str] | None = None) -> list[LCell]:
    """Cells filling ``width`` columns; the last one spans what is left (spec §2.2, §3.2)."""
    named: list[str | None] = list(names) if names else [None] * len(texts)
    cells = [LCell(t, kind, name=n) for t, n in zip(texts[:-1], named, strict=False)]
    cells.append(LCell(texts[-1], kind, colspan=max(1, width - len(cells)), name=named[-1]))
    return cells


# ---------------------------------------------------------------------------------------------
# Table B — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------


def request_rows(rep: Report) -> list[Row]:
    """Template rows of Table B that the report has, in order (（六） as one row if so)."""
    keys = set(rep.requests)
    return [r for r in request_rows_for(rep.template, keys) if r.key in keys]


def _request_header() -> list[list[LCell]]:
    applicant, org, total = REQUEST_COLUMNS[0], REQUEST_COLUMNS[1:6], REQUEST_COLUMNS[6]
    return [
        [
            LCell(REQUEST_NOTE, HEADER, rowspan=3, colspan=3),
            LCell(REQUEST_HEADER, HEADER, colspan=len(REQUEST_COLUMNS)),
        ],
        [
            LCell(applicant.label, HEADER, rowspan=2),
            LCell(REQUEST_ORG_HEADER, HEADER, colspan=len(org)),
            LCell(total.label, HEADER, rowspan=2),
        ],
        [LCell(c.label, HEADER) for c in org],
    ]


def _request_body(rep: Report) -> list[list[LCell]]:
    """Data rows: [labels…, 7 values]; label cells carry the spans of spec §2.3/§3.3."""
    groups = {g.key: g.label for g in REQUEST_GROUPS}
    lines: list[tuple[str, str | None, list[LCell]]] = []  # (area, group, label cells)
    for row in request_rows(rep):
        vals = _named(rep.requests[row.key], [f"requests.{row.key}.{k}" for k in COLUMN_KEYS])
        if _TOP_LEVEL.match(row.label):
            lines.append(("top", None, [LCell(row.label, LABEL, colspan=3), *vals]))
        elif row.group in groups:
            lines.append(("result", row.group, [LCell(row.label, LABEL), *vals]))
        else:  # （一）（二）（七） and a single （六）
            lines.append(("result", None, [LCell(row.label, LABEL, colspan=2), *vals]))
    lines = _with_subtotals(rep, lines, groups)
    out: list[list[LCell]] = []
    i = 0
    while i < len(lines):
        area, _, cells = lines[i]
        if area == "top":
            out.append(cells)
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j][0] == "result":
            j += 1
        out.extend(_result_block(lines[i:j], groups))
        i = j
    return out


def _with_subtotals(
    rep: Report, lines: list[tuple[str, str | None, list[LCell]]], groups: dict[str, str]
) -> list[tuple[str, str | None, list[LCell]]]:
    """Insert printed subtotal rows (spec §8.1) before their group, labelled with the group."""
    out = list(lines)
    for gkey, skey in SUBTOTAL_KEYS.items():
        if skey not in rep.requests:
            continue
        at = next((k for k, ln in enumerate(out) if ln[1] == gkey), None)
        if at is None:
            continue
        vals = _named(rep.requests[skey], [f"requests.{skey}.{k}" for k in COLUMN_KEYS])
        out.insert(at, ("result", gkey, [LCell(groups[gkey], LABEL), *vals]))
    return out


def _result_block(
    lines: list[tuple[str, str | None, list[LCell]]], groups: dict[str, str]
) -> list[list[LCell]]:
    """Rows under 三、本年度办理结果: outer label spanning all, group labels spanning theirs."""
    out: list[list[LCell]] = []
    prev: str | None = None
    for k, (_, group, cells) in enumerate(lines):
        lead: list[LCell] = []
        if k == 0:
            lead.append(LCell(REQUEST_OUTER, LABEL, rowspan=len(lines)))
        if group is not None and group != prev:
            span = sum(1 for ln in lines[k:] if ln[1] == group)
            lead.append(LCell(groups[group], LABEL, rowspan=span))
        out.append(lead + cells)
        prev = group
    return out


def requests_table(rep: Report) -> LTable | None:
    if not request_rows(rep):
        return None
    rows = _request_header() + _request_body(rep)
    widths = (1.0, 1.5, 4.5) + (1.23,) * len(REQUEST_COLUMNS)
    return LTable("requests", 3 + len(REQUEST_COLUMNS), rows, 3, widths, small=True)


# ---------------------------------------------------------------------------------------------
# Table C — 行政复议、行政诉讼
# ---------------------------------------------------------------------------------------------


def review_table(rep: Report) -> LTable | None:
    if rep.review_litigation is None:
        return None
    n = len(OUTCOMES)
    review, *lit = REVIEW_GROUPS
    rows = [
        [
            LCell(review.label, HEADER, colspan=n),
            LCell(LITIGATION_HEADER, HEADER, colspan=n * len(lit)),
        ],
        [LCell(o.label, HEADER, rowspan=2) for o in OUTCOMES]
        + [LCell(g.label, HEADER, colspan=n) for g in lit],
        [LCell(o.label, HEADER) for _ in lit for o in OUTCOMES],
        _named(rep.review_litigation, [f"review_litigation.{k}" for k in REVIEW_KEYS]),
    ]
    width = n * len(REVIEW_GROUPS)
    return LTable("review", width, rows, 3, (1.0,) * width, small=True)


# ---------------------------------------------------------------------------------------------
# Legacy statistics table
# ---------------------------------------------------------------------------------------------


def legacy_table(rep: Report) -> LTable | None:
    """统计指标 | 单位 | value columns, one row per indicator as the national form prints it.

    A top-level row without a value of its own is printed as a label row with empty cells
    (as the forms do); units come from the values or else from the national indicator list.
    """
    if not rep.legacy:
        return None
    ncols = max((len(v) if isinstance(v, list) else 1 for v in rep.legacy.values()), default=1)
    names = list(rep.legacy_columns[:ncols])
    for i in range(len(names), ncols):
        names.append(LEGACY_VALUE_LABEL if ncols == 1 else f"{LEGACY_VALUE_LABEL}{i + 1}")
    width = 2 + ncols
    rows: list[list[LCell]] = [
        [LCell(LEGACY_HEADER_LABELS[0], HEADER), LCell(LEGACY_UNIT_LABELS[0], HEADER)]
        + [LCell(n, HEADER) for n in names]
    ]
    seen: set[str] = set()
    for key, lv in rep.legacy.items():
        top, _, label = key.partition("/")
        if label and top not in seen and top not in rep.legacy:
            rows.append([LCell(top, LABEL)] + [LCell("") for _ in range(width - 1)])
        seen.add(top)
        vals = lv if isinstance(lv, list) else [lv]
        unit = next((v.unit for v in vals if v.unit), None) or indicator_unit(label or top)
        texts = _values(vals, ncols)
        names = [f"legacy.{key}[{i}]" for i in range(len(vals))] if isinstance(lv, list) else []
        names = (names or [f"legacy.{key}"]) + [""] * ncols
        cells = [LCell(t, name=names[i] or None) for i, t in enumerate(texts)]
        rows.append([LCell(label or top, LABEL), LCell(unit, LABEL), *cells])
    return LTable("legacy", width, rows, 1, (6.0, 1.0) + (1.6,) * ncols)


# Numbering and "其中：" in front of an indicator name, e.g. "(一)", "1.", "七、", "其中:".
_INDICATOR_PREFIX = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．])?(?:其中[:：])?"
)


def indicator_unit(label: str) -> str:
    """The unit of a national-form indicator named by ``label`` (spec §4.3), or ""."""
    name = _INDICATOR_PREFIX.sub("", re.sub(r"\s+", "", label))
    for ind in LEGACY_INDICATORS:
        if any(name.startswith(n) for n in (ind.label, *ind.aliases)):
            return ind.unit
    return ""


# ---------------------------------------------------------------------------------------------
# whole report
# ---------------------------------------------------------------------------------------------


def report_title(rep: Report) -> str:
    year = f"{rep.year}年" if rep.year is not None else ""
    return f"{rep.agency or ''}{year}政府信息公开工作年度报告"


def layout(rep: Report) -> Layout:
    """Title, sections with their text and tables, in document order; text without control
    characters, the sign-off ending the last section set apart."""
    lines = title_lines(clean_text(rep.agency or "").strip() or None, rep.year)
    out = Layout("".join(lines), lines)
    if rep.template == "legacy":
        for number, text in rep.sections.items():
            heading = clean_text(f"{number}、{text.title}")
            out.sections.append(LSection(heading, paragraphs(text.text)))
        table = legacy_table(rep)
        if table is not None:
            out.sections.append(LSection(LEGACY_TABLE_CAPTION, [], table))
    else:
        tables = {"二": active_table(rep), "三": requests_table(rep), "四": review_table(rep)}
        for s in SECTIONS:
            sec = rep.sections.get(s.number)
            paras = paragraphs(sec.text) if sec else []
            out.sections.append(LSection(f"{s.number}、{s.title}", paras, tables.get(s.number)))
    for part in out.sections:
        if part.table is not None:
            part.table.rows = [
                [replace(c, text=clean_text(c.text)) for c in r] for r in part.table.rows
            ]
    # Only a sign-off that nothing follows is one.
    last = next((s for s in reversed(out.sections) if s.paragraphs or s.table), None)
    if last is not None and last.table is None:
        last.paragraphs, last.sign_off = split_sign_off(last.paragraphs)
    return out
