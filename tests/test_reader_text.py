"""The text reader's document model: which renderings become tables, cells and paragraphs."""

from __future__ import annotations

from corpus_util import local_raw

from gongkai.model import Paragraph, Table
from gongkai.readers import load


def test_one_cell_per_line_becomes_table_rows() -> None:
    doc = load(local_raw("s000"))
    tables = doc.tables
    assert len(tables) >= 2
    b = next(t for t in tables if any("本年新收" in c.text for row in t.rows for c in row))
    new = next(row for row in b.rows if row and row[0].text.startswith("一、本年新收"))
    assert [c.text for c in new] == [
        "一、本年新收政府信息公开申请数量",
        "29",
        "2",
        "0",
        "0",
        "0",
        "0",
        "31",
    ]
    header = next(row for row in b.rows if any(c.text == "商业\n企业" for c in row))
    assert header  # a label wrapped inside its cell stays one cell
    assert new[1].source.line is not None and new[1].source.table is not None


def test_tab_rows_with_missing_leading_cells() -> None:
    doc = load(local_raw("s004"))
    rows = [row for t in doc.tables for row in t.rows]
    shifted = next(r for r in rows if r[0].text.startswith("5. 要求行政机关确认"))
    assert [c.text for c in shifted[2:9]] == ["0"] * 7
    headings = [b for b in doc.blocks if isinstance(b, Paragraph) and b.level]
    assert headings[0].level == 1 and headings[0].text.startswith("西工区")


def test_pipe_rows_become_a_table() -> None:
    doc = load(local_raw("s002"))
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [c.text for c in table.rows[1]] == ["统计指标", "单位", "统计数"]
    assert [c.text for c in table.rows[-1]] == ["(三)接受培训人员数", "人次", "50"]


def test_glued_text_is_one_paragraph() -> None:
    doc = load(local_raw("g001"))
    assert not doc.tables
    assert len(doc.blocks) == 1


def test_converter_artefacts_and_page_numbers_removed() -> None:
    text = "某局2021年报告\n[bookmark: _GoBack]正文\n- 2 -\n第 3 页\n结束"
    doc = load(text.encode(), name="x.txt")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "某局2021年报告",
        "正文",
        "结束",
    ]
