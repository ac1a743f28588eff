"""Build real DOCX files in tests with python-docx, plus XML edits for Word quirks.

python-docx writes genuine merged cells (w:gridSpan, w:vMerge); the helpers below then edit
the XML for what it cannot write: runs splitting a number, tracked changes, content controls
and a LibreOffice-style phantom grid column.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from gongkai.templates import (
    LITIGATION_HEADER,
    OUTCOMES,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_HEADER,
    REQUEST_NOTE,
    REQUEST_ORG_HEADER,
    REQUEST_OUTER,
    REQUESTS_2021,
    REVIEW_GROUPS,
)

REQUEST_HEADER_ROWS = 3
REQUEST_WIDTH = 10  # 3 label columns + 7 value columns


def new_document() -> Any:
    return docx.Document()


def to_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_request_table(document: Any, values: dict[str, list[str]]) -> Any:
    """The official 2021 Table B: outer label rowspan 22, groups rowspan 8/3/5/3, org colspan 5.

    ``values`` maps each row key of the 2021 template to its 7 cell texts.
    """
    rows = REQUESTS_2021
    table = document.add_table(rows=REQUEST_HEADER_ROWS + len(rows), cols=REQUEST_WIDTH)
    table.style = "Table Grid"
    cell = table.cell
    cell(0, 0).merge(cell(2, 2)).text = REQUEST_NOTE
    cell(0, 3).merge(cell(0, 9)).text = REQUEST_HEADER
    cell(1, 3).merge(cell(2, 3)).text = REQUEST_COLUMNS[0].label
    cell(1, 4).merge(cell(1, 8)).text = REQUEST_ORG_HEADER
    cell(1, 9).merge(cell(2, 9)).text = REQUEST_COLUMNS[-1].label
    for i, column in enumerate(REQUEST_COLUMNS[1:-1]):
        cell(2, 4 + i).text = column.label
    group_labels = {g.key: g.label for g in REQUEST_GROUPS}
    first = REQUEST_HEADER_ROWS
    result_rows = [r for r, row in enumerate(rows, first) if row.group or row.key == "total"]
    cell(result_rows[0], 0).merge(cell(result_rows[-1], 0)).text = REQUEST_OUTER
    for r, row in enumerate(rows, first):
        if row.group in group_labels:
            same = [i for i, o in enumerate(rows, first) if o.group == row.group]
            if r == same[0]:
                cell(same[0], 1).merge(cell(same[-1], 1)).text = group_labels[row.group]
            cell(r, 2).text = row.label
        elif r in result_rows:
            cell(r, 1).merge(cell(r, 2)).text = row.label
        else:
            cell(r, 0).merge(cell(r, 2)).text = row.label
        for c, text in enumerate(values[row.key]):
            cell(r, 3 + c).text = text
    return table


def add_review_table(document: Any, numbers: list[str]) -> Any:
    """The official Table C: 4 rows x 15 columns, 行政复议 | 行政诉讼 (two groups of five)."""
    table = document.add_table(rows=4, cols=15)
    cell = table.cell
    cell(0, 0).merge(cell(0, 4)).text = REVIEW_GROUPS[0].label
    cell(0, 5).merge(cell(0, 14)).text = LITIGATION_HEADER
    cell(1, 5).merge(cell(1, 9)).text = REVIEW_GROUPS[1].label
    cell(1, 10).merge(cell(1, 14)).text = REVIEW_GROUPS[2].label
    for i, outcome in enumerate(OUTCOMES):
        cell(1, i).merge(cell(2, i)).text = outcome.label
        cell(2, 5 + i).text = outcome.label
        cell(2, 10 + i).text = outcome.label
    for c, text in enumerate(numbers):
        cell(3, c).text = text
    return table


def cell_element(table: Any, row: int, col: int) -> Any:
    """The w:tc at grid position (row, col), 0-based, found through merges."""
    return table.cell(row, col)._tc


def set_split_runs(tc: Any, parts: list[str]) -> None:
    """Replace the cell's text with one run per part (Word splits numbers like this)."""
    p = tc.findall(qn("w:p"))[0]
    for r in p.findall(qn("w:r")):
        p.remove(r)
    for part in parts:
        p.append(_run(part))


def add_tracked_insertion(tc: Any, text: str) -> None:
    """Append ``text`` to the cell as a tracked insertion (w:ins)."""
    ins = _tracked("w:ins")
    ins.append(_run(text))
    tc.findall(qn("w:p"))[-1].append(ins)


def add_tracked_deletion(tc: Any, text: str) -> None:
    """Append ``text`` to the cell as a tracked deletion (w:del with w:delText)."""
    deletion = _tracked("w:del")
    run = OxmlElement("w:r")
    deleted = OxmlElement("w:delText")
    deleted.text = text
    run.append(deleted)
    deletion.append(run)
    tc.findall(qn("w:p"))[-1].append(deletion)


def wrap_in_sdt(element: Any) -> None:
    """Put a content control (w:sdt) around ``element`` in place."""
    sdt = OxmlElement("w:sdt")
    sdt.append(OxmlElement("w:sdtPr"))
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    element.addprevious(sdt)
    content.append(element)


def add_phantom_grid_column(table: Any, row: int, col: int) -> None:
    """What LibreOffice does on re-save: one more w:gridCol, one cell spanning one more."""
    tbl = table._tbl
    tbl.tblGrid.append(OxmlElement("w:gridCol"))
    tc = cell_element(table, row, col)
    tc_pr = tc.get_or_add_tcPr()
    span = tc_pr.find(qn("w:gridSpan"))
    if span is None:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), "1")
        tc_pr.append(span)
    span.set(qn("w:val"), str(int(span.get(qn("w:val"))) + 1))


def _run(text: str) -> Any:
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    return run


def _tracked(tag: str) -> Any:
    element = OxmlElement(tag)
    element.set(qn("w:id"), "901")
    element.set(qn("w:author"), "reviewer")
    element.set(qn("w:date"), "2024-01-15T10:00:00Z")
    return element


def check_request_grid(table: Any, values: dict[str, list[str]]) -> None:
    """Assert that a reader's Table is the official 2021 Table B holding ``values``.

    ``table`` is a gongkai.model.Table; header texts are compared without line breaks
    (pages wrap 商业企业 as 商业<br>企业).
    """
    rows = REQUESTS_2021
    grid = table.rows
    assert len(grid) == REQUEST_HEADER_ROWS + len(rows)
    assert all(len(row) == REQUEST_WIDTH for row in grid)

    def text(r: int, c: int) -> str:
        return str(grid[r][c].text).replace("\n", "")

    assert grid[0][0].text == REQUEST_NOTE and (grid[0][0].rowspan, grid[0][0].colspan) == (3, 3)
    assert all(grid[r][c].covered for r in range(3) for c in range(3) if (r, c) != (0, 0))
    assert text(0, 3) == REQUEST_HEADER and grid[0][3].colspan == 7
    assert text(1, 3) == REQUEST_COLUMNS[0].label and grid[1][3].rowspan == 2
    assert text(1, 4) == REQUEST_ORG_HEADER and grid[1][4].colspan == 5
    assert all(grid[1][c].covered and text(1, c) == REQUEST_ORG_HEADER for c in range(5, 9))
    assert text(1, 9) == REQUEST_COLUMNS[-1].label and grid[1][9].rowspan == 2
    assert [text(2, c) for c in range(4, 9)] == [c.label for c in REQUEST_COLUMNS[1:-1]]
    first = REQUEST_HEADER_ROWS
    outer = next(r for r, row in enumerate(rows, first) if row.group)
    assert text(outer, 0) == REQUEST_OUTER and grid[outer][0].rowspan == 22
    group_labels = {g.key: g.label for g in REQUEST_GROUPS}
    for r, row in enumerate(rows, first):
        if row.group in group_labels:
            same = [i for i, o in enumerate(rows, first) if o.group == row.group]
            assert text(r, 1) == group_labels[row.group]
            assert grid[r][1].covered == (r != same[0])
            if r == same[0]:
                assert grid[r][1].rowspan == len(same)
            label = text(r, 2)
        elif first + 2 <= r < first + len(rows) - 1:
            label = text(r, 1)
        else:
            label = text(r, 0)
        assert label in row.all_labels, (r, label)
        assert [grid[r][c].text for c in range(3, 10)] == values[row.key], row.key
        assert not any(grid[r][c].covered for c in range(3, 10))


def request_values() -> dict[str, list[str]]:
    """Distinct numbers for every row, with blank cells first, inside and last in a row."""
    values = {r.key: [str((i * 7 + c) % 13) for c in range(7)] for i, r in enumerate(REQUESTS_2021)}
    values["new"][1] = ""
    values["granted"][0] = ""
    values["partial"][3] = values["partial"][4] = ""
    values["total"][6] = ""
    return values
