"""The DOCX reader on Word files built here with python-docx, then edited for Word quirks."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx_builder import (
    add_phantom_grid_column,
    add_request_table,
    add_review_table,
    add_tracked_deletion,
    add_tracked_insertion,
    cell_element,
    check_request_grid,
    new_document,
    set_split_runs,
    to_bytes,
    wrap_in_sdt,
)

from gongkai.errors import GongkaiError
from gongkai.model import Document, Paragraph, Table
from gongkai.readers import load
from gongkai.readers.docx import BOMB, CORRUPT, NOT_WORD, read_docx
from gongkai.templates import OUTCOMES, REQUESTS_2021, REVIEW_GROUPS

HERE = Path(__file__).parent
CORPORA = [p for p in (HERE / "corpus", HERE.parents[1] / "shared" / "corpus") if p.is_dir()]
KEYS = [row.key for row in REQUESTS_2021]


def _label_values() -> list[Any]:
    """Table B values of every corpus report on the 2021 template, as cell texts."""
    cases = []
    for corpus in CORPORA:
        for path in sorted((corpus / "labels").glob("*.json")):
            truth = json.loads(path.read_text("utf-8"))
            requests = truth.get("requests", {})
            if all(k in requests for k in KEYS):
                values = {k: [cell_str(v) for v in requests[k]] for k in KEYS}
                cases.append(pytest.param(values, id=f"{corpus.parent.name}/{path.stem}"))
    return cases


def cell_str(value: Any) -> str:
    return "" if value is None else str(value)


def read(document: Any) -> Document:
    return read_docx(to_bytes(document), "t.docx")


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def simple_values() -> dict[str, list[str]]:
    return {k: [str(i), "", "", "", "", "", str(i)] for i, k in enumerate(KEYS, 1)}


# --- real Word tables ------------------------------------------------------------------------


@pytest.mark.parametrize("values", _label_values())
def test_official_request_table(values: dict[str, list[str]]) -> None:
    document = new_document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    add_request_table(document, values)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc = read(document)
    assert doc.format == "docx"
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    check_request_grid(doc.tables[0], values)
    for r, row in enumerate(doc.tables[0].rows, 1):
        for c, cell in enumerate(row, 1):
            if not cell.covered:
                assert (cell.source.table, cell.source.row, cell.source.col) == (1, r, c)


def test_review_table_and_tables_in_order() -> None:
    document = new_document()
    numbers = [str(n) for n in range(15)]
    add_review_table(document, numbers)
    document.add_paragraph("续表")
    add_review_table(document, numbers[::-1])
    doc = read(document)
    first, second = doc.tables
    assert [t.source.table for t in doc.tables] == [1, 2]
    assert first.rows[0][5].text == second.rows[0][5].text and first.rows[0][5].colspan == 10
    assert [c.text for c in first.rows[2][5:]] == [o.label for o in OUTCOMES] * 2
    assert first.rows[1][10].text == REVIEW_GROUPS[2].label
    assert [c.text for c in first.rows[3]] == numbers
    assert [c.text for c in second.rows[3]] == numbers[::-1]


# --- Word quirks written into the XML ----------------------------------------------------------


def test_number_split_across_runs_comes_back_whole() -> None:
    document = new_document()
    table = add_request_table(document, simple_values())
    set_split_runs(cell_element(table, 3, 3), ["3", "0", "9"])
    set_split_runs(cell_element(table, 3, 9), ["1", "2", "", "3", "4"])
    row = read(document).tables[0].rows[3]
    assert (row[3].text, row[9].text) == ("309", "1234")


def test_tracked_insertion_read_and_deletion_not() -> None:
    document = new_document()
    table = add_request_table(document, simple_values())
    tc = cell_element(table, 4, 3)
    set_split_runs(tc, [])
    add_tracked_insertion(tc, "8304")
    add_tracked_deletion(tc, "777")
    deleted_only = cell_element(table, 4, 9)
    set_split_runs(deleted_only, [])
    add_tracked_deletion(deleted_only, "5")
    row = read(document).tables[0].rows[4]
    assert (row[3].text, row[9].text) == ("8304", "")


def test_tracked_changes_in_body_paragraph() -> None:
    document = new_document()
    p = document.add_paragraph("共收到申请")._p
    ins, deletion = OxmlElement("w:ins"), OxmlElement("w:del")
    for element, tag, text in ((ins, "w:t", "26件"), (deletion, "w:delText", "25件")):
        run, t = OxmlElement("w:r"), OxmlElement(tag)
        t.text = text
        run.append(t)
        element.append(run)
    p.append(deletion)
    p.append(ins)
    assert [b.text for b in read(document).blocks] == ["共收到申请26件"]


def test_content_controls_around_cell_row_paragraph_and_table() -> None:
    document = new_document()
    document.add_paragraph("前言")
    wrap_in_sdt(document.add_paragraph("二、主动公开政府信息情况")._p)
    values = simple_values()
    table = add_request_table(document, values)
    wrap_in_sdt(cell_element(table, 5, 9))  # the crash case of python-docx's table API
    wrap_in_sdt(table.rows[8]._tr)
    wrap_in_sdt(table._tbl)
    doc = read(document)
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "前言",
        "二、主动公开政府信息情况",
    ]
    check_request_grid(doc.tables[0], values)


def test_phantom_grid_column_is_reported_without_crash() -> None:
    document = new_document()
    numbers = [str(n) for n in range(100, 115)]
    table = add_review_table(document, numbers)
    add_phantom_grid_column(table, 0, 5)  # 行政诉讼 now spans 11 grid columns
    tr = table.rows[2]._tr
    tr.remove(tr.findall(qn("w:tc"))[-1])  # and a row one cell short
    (read_table,) = read(document).tables
    assert read_table.width == 16
    assert all(len(row) == 16 for row in read_table.rows)
    assert read_table.rows[0][5].colspan == 11
    assert [c.text for c in read_table.rows[3][:15]] == numbers
    assert read_table.rows[3][15].covered and read_table.rows[3][15].text == ""
    assert read_table.rows[2][14].covered and read_table.rows[2][14].text == ""


def test_grid_before_and_after_leave_empty_positions() -> None:
    document = new_document()
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    for row_index, tag, drop in ((1, "w:gridBefore", 0), (2, "w:gridAfter", -1)):
        tr = table.rows[row_index]._tr
        tr.remove(tr.findall(qn("w:tc"))[drop])
        marker = OxmlElement(tag)
        marker.set(qn("w:val"), "1")
        tr.get_or_add_trPr().append(marker)
    (read_table,) = read(document).tables
    assert texts(read_table) == [["00", "01", "02"], ["", "11", "12"], ["20", "21", ""]]
    assert read_table.rows[1][0].covered and read_table.rows[2][2].covered
    assert read_table.rows[1][1].source.col == 2


def test_cell_paragraphs_joined_and_wrapped_number_rejoined() -> None:
    document = new_document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "商业"
    table.cell(0, 0).add_paragraph("企业")
    table.cell(0, 1).text = "4575"
    table.cell(0, 1).add_paragraph("0")
    table.cell(0, 2).text = "\u3000 12 \xa034 "
    assert texts(read(document).tables[0]) == [["商业\n企业", "45750", "12 34"]]


def test_nested_table_follows_outer_table() -> None:
    document = new_document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外"
    outer.cell(0, 1).text = "1"
    inner = outer.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内"
    inner.cell(0, 1).text = "2"
    outer.cell(1, 1).text = "3"
    document.add_paragraph("后文")
    doc = read(document)
    kinds = [b.text if isinstance(b, Paragraph) else texts(b) for b in doc.blocks]
    assert kinds == [[["外", "1"], ["", "3"]], [["内", "2"]], "后文"]
    assert [t.source.table for t in doc.tables] == [1, 2]


def test_headings_from_styles_and_outline_and_title() -> None:
    document = new_document()
    document.core_properties.title = " 某局2023年政府信息公开工作年度报告 "
    document.add_heading("报告", level=1)
    document.styles["Heading 2"].style_id = "2"  # Chinese Word numbers its heading style ids
    document.add_paragraph("一、总体情况", style="Heading 2")
    document.styles.add_style("标题 3", WD_STYLE_TYPE.PARAGRAPH)  # WPS names
    document.add_paragraph("（一）主动公开", style="标题 3")
    custom = document.styles.add_style("我的标题", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 1"]
    document.add_paragraph("二、主动公开", style="我的标题")
    outlined = document.add_paragraph("三、依申请")
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    outlined._p.get_or_add_pPr().append(level)
    document.add_paragraph("正文第一行\n正文第二行")
    doc = read(document)
    assert doc.title == "某局2023年政府信息公开工作年度报告"
    assert [(b.text, b.level, b.source.line) for b in doc.blocks if isinstance(b, Paragraph)] == [
        ("报告", 1, 1),
        ("一、总体情况", 2, 2),
        ("（一）主动公开", 3, 3),
        ("二、主动公开", 1, 4),
        ("三、依申请", 2, 5),
        ("正文第一行", 0, 6),
        ("正文第二行", 0, 7),
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_resaved_document(tmp_path: Path) -> None:
    # LibreOffice re-saves Table C with a phantom 16th grid column (总计 spans two).
    document = new_document()
    document.add_heading("三、收到和处理政府信息公开申请情况", level=1)
    values = {k: [str(i * 101), "", "", "", "", "", str(i * 101)] for i, k in enumerate(KEYS)}
    add_request_table(document, values)
    numbers = [str(n * 7) for n in range(15)]
    add_review_table(document, numbers)
    source = tmp_path / "in.docx"
    source.write_bytes(to_bytes(document))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    doc = read_docx((tmp_path / "out" / "in.docx").read_bytes(), "in.docx")
    assert (doc.blocks[0].text, getattr(doc.blocks[0], "level", None)) == (
        "三、收到和处理政府信息公开申请情况",
        1,
    )
    requests, review = doc.tables
    check_request_grid(requests, values)
    assert review.width in (15, 16)
    assert [c.text for c in review.rows[3] if not c.covered] == numbers


def test_document_without_text_is_read_with_a_warning() -> None:
    document = new_document()
    document.add_paragraph("   ")
    document.add_table(rows=2, cols=2)
    doc = read(document)
    assert doc.blocks == [] and doc.warnings == ["文档中没有文字（可能只有图片或扫描件）"]


# --- damaged and hostile files ------------------------------------------------------------------


def small_docx() -> bytes:
    document = new_document()
    document.add_paragraph("一、总体情况")
    return to_bytes(document)


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: small_docx()[: len(small_docx()) // 2], CORRUPT),
        (lambda: small_docx()[:-30], CORRUPT),
        (lambda: random.Random(7).randbytes(5000), CORRUPT),
        (lambda: b"PK\x03\x04" + random.Random(8).randbytes(2000), CORRUPT),
        (lambda: rezip(small_docx(), {"word/document.xml": b"<w:document><w:body>"}), CORRUPT),
        (lambda: rezip(small_docx(), {"[Content_Types].xml": b"not xml"}), CORRUPT),
    ],
    ids=["truncated-half", "truncated-end", "random", "zip-signature", "bad-xml", "bad-types"],
)
def test_damaged_files_give_a_clear_error(make: Any, message: str) -> None:
    with pytest.raises(GongkaiError) as error:
        read_docx(make(), "bad.docx")
    assert (error.value.message, error.value.path) == (message, "bad.docx")


def test_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(GongkaiError) as error:
        read_docx(out.getvalue(), "book.docx")
    assert error.value.message == NOT_WORD


def test_random_bytes_named_docx_through_load() -> None:
    with pytest.raises(GongkaiError) as error:
        load(random.Random(9).randbytes(4096), "report.docx")
    assert error.value.message == CORRUPT and "report.docx" in str(error.value)


def zeros_zip(megabytes: int) -> bytes:
    """A Word-looking zip whose document.xml inflates to ``megabytes`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("megabytes", [300, 30], ids=["total-size", "ratio"])
def test_zip_bomb_refused_before_inflating(megabytes: int) -> None:
    data = zeros_zip(megabytes)
    assert len(data) < megabytes * 1024 * 1024 / 500
    tracemalloc.start()
    try:
        with pytest.raises(GongkaiError) as error:
            read_docx(data, "bomb.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.message == BOMB
    assert peak < 16 * 1024 * 1024  # nothing was inflated
