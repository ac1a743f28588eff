"""The grid PDF reader on the real WPS-made reports, on PDFs rendered from every corpus label,
and on PDFs made in the test with LibreOffice (merged cells across a page break, wrapped cells).
"""

from __future__ import annotations

import functools
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx_builder import add_request_table, new_document, request_values, to_bytes

from gongkai.extract import extract
from gongkai.model import Cell, Document, Paragraph, Table
from gongkai.readers.convert import convert_with_soffice, find_soffice
from gongkai.readers.pdf_grid import read_pdf_grid
from gongkai.report import Report
from gongkai.templates import ACTIVE_2021, REQUEST_GROUPS, REQUEST_OUTER, REQUESTS_2021

HERE = Path(__file__).parent
CORPORA = [p for p in (HERE / "corpus", HERE.parents[1] / "shared" / "corpus") if p.is_dir()]
PDF_CASES = [
    pytest.param(raw, c / "labels" / f"{raw.stem}.json", id=f"{c.parent.name}/{raw.stem}")
    for c in CORPORA
    for raw in sorted((c / "raw").glob("*.pdf"))
    if (c / "labels" / f"{raw.stem}.json").exists()
]
LABELS = [
    pytest.param(p, id=f"{c.parent.name}/{p.stem}")
    for c in CORPORA
    for p in sorted((c / "labels").glob("*.json"))
]
LEGACY_LABELS = [
    pytest.param(p, id=f"{c.parent.name}/{p.stem}")
    for c in CORPORA
    for p in sorted((c / "labels").glob("*.json"))
    if json.loads(p.read_text("utf-8")).get("template") == "legacy"
]
# Appendices long enough to cross an A4 page when rendered (s002's 50-odd rows; the short
# Pingtan forms of r006-r008 fit on one page).
LONG_LEGACY_LABELS = [
    p for p in LEGACY_LABELS if len(json.loads(p.values[0].read_text("utf-8"))["legacy"]) > 30
]
COMPARED = ("agency", "year", "template", "active", "requests", "review_litigation", "legacy")
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
PAGE_MARK = re.compile(r"^(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页|\d+\s*/\s*\d+)$")
CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


def tables_of(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in COMPARED}


def cells(values: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def texts(row: list[Cell]) -> list[str]:
    return [c.text for c in row]


def value_rows(table: Table, width: int) -> list[list[str]]:
    """The last ``width`` cells of every row whose last ``width`` cells are numbers or blank."""
    out = []
    for row in table.rows:
        tail = texts(row)[-width:]
        if len(row) >= width and any(tail) and all(NUMBER.match(t) or t == "" for t in tail):
            out.append(tail)
    return out


def table_with(doc: Document, text: str) -> Table:
    return next(t for t in doc.tables if any(c.text == text for r in t.rows for c in r))


def origin(table: Table, text: str) -> Cell:
    return next(c for r in table.rows for c in r if c.text == text and not c.covered)


def check_grid(doc: Document) -> None:
    """Every table is a rectangle whose cells know their place; merged cells cover their area."""
    for number, table in enumerate(doc.tables, 1):
        assert table.source.table == number
        width = table.width
        for r, row in enumerate(table.rows):
            assert len(row) == width
            for c, cell in enumerate(row):
                if cell.covered:
                    continue
                place = (cell.source.table, cell.source.row, cell.source.col)
                assert place == (number, r + 1, c + 1)
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            other = table.rows[r + dr][c + dc]
                            assert other.covered and other.text == cell.text


# --- the corpus PDFs -----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "labels"), PDF_CASES)
def test_corpus_pdf_extracts_exactly(raw: Path, labels: Path) -> None:
    truth = json.loads(labels.read_text("utf-8"))
    doc = read_pdf_grid(raw.read_bytes(), str(raw))
    assert doc.format == "pdf" and doc.path == str(raw)
    assert tables_of(extract(doc).to_dict(detail=False)) == tables_of(truth)


@pytest.mark.parametrize(("raw", "labels"), PDF_CASES)
def test_corpus_tables_are_grids(raw: Path, labels: Path) -> None:
    truth = json.loads(labels.read_text("utf-8"))
    doc = read_pdf_grid(raw.read_bytes(), str(raw))
    check_grid(doc)
    # Table B crosses a page break in every corpus PDF: one table, its rows in order.
    first = REQUESTS_2021[0]
    requests = table_with(doc, first.label)
    assert len({c.source.page for r in requests.rows for c in r}) == 2
    assert value_rows(requests, 7) == [cells(v) for v in truth["requests"].values()]
    # Merged label cells span their rows, also where the page break cut them.
    keys = list(truth["requests"])
    outer = origin(requests, REQUEST_OUTER)
    assert outer.rowspan == keys.index("total") - keys.index("granted") + 1
    for group in REQUEST_GROUPS:
        rows = [r.key for r in REQUESTS_2021 if r.group == group.key and r.key in truth["requests"]]
        if rows:
            assert origin(requests, group.label).rowspan == len(rows)
    # Table C: the one row of 15 numbers.
    review = table_with(doc, "行政复议")
    assert value_rows(review, 15) == [cells(truth["review_litigation"])]
    # Table A (第二十条): each row's label cell, then its numbers.
    for row in ACTIVE_2021:
        if row.label in truth["active"]:
            active = table_with(doc, row.label)
            found = [r for r in active.rows if r[0].text in row.all_labels]
            assert len(found) == 1
            numbers = [c.text for c in found[0][1:] if not c.covered]
            assert numbers == cells(truth["active"][row.label])


@pytest.mark.parametrize(("raw", "labels"), PDF_CASES)
def test_corpus_paragraphs_and_provenance(raw: Path, labels: Path) -> None:
    data = raw.read_bytes()
    doc = read_pdf_grid(data, str(raw))
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert not [p.text for p in paragraphs if PAGE_MARK.match(p.text.strip())]
    assert not [p.text for p in paragraphs if CJK_SPACE_CJK.search(p.text)]
    in_cells = [c.text for t in doc.tables for r in t.rows for c in r]
    assert not [t for t in in_cells if CJK_SPACE_CJK.search(t)]
    pdf = pdfium.PdfDocument(data)
    n_pages = len(pdf)
    pdf.close()
    pages = [b.source.page or 0 for b in doc.blocks]
    assert pages == sorted(pages) and set(pages) == set(range(1, n_pages + 1))
    for page in range(1, n_pages + 1):
        numbers = [p.source.line for p in paragraphs if p.source.page == page]
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize(("raw", "labels"), PDF_CASES[:1])
def test_turned_pages_read_the_same(raw: Path, labels: Path) -> None:
    """A page turned by /Rotate, or drawn turned on the page, reads like the upright one."""
    data = raw.read_bytes()
    upright = read_pdf_grid(data, "upright.pdf")
    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        pdf[i].set_rotation(90)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    assert shape(read_pdf_grid(out.getvalue(), "rotated.pdf")) == shape(upright)
    flat = shape(read_pdf_grid(drawn_turned(data, 2, 0), "flat.pdf"))
    assert any(isinstance(b, list) for b in flat)
    for angle in (90, 180, 270):
        assert shape(read_pdf_grid(drawn_turned(data, 2, angle), "turned.pdf")) == flat


def shape(doc: Document) -> list[Any]:
    return [[texts(r) for r in b.rows] if isinstance(b, Table) else b.text for b in doc.blocks]


def drawn_turned(data: bytes, index: int, angle: int) -> bytes:
    """Page ``index`` drawn turned by ``angle`` degrees on a page of its own."""
    source = pdfium.PdfDocument(data)
    width, height = source[index].get_size()
    turned = pdfium.PdfDocument.new()
    drawing = source.page_as_xobject(index, turned).as_pageobject()
    shift = {0: (0, 0), 90: (height, 0), 180: (width, height), 270: (0, width)}[angle]
    drawing.transform(pdfium.PdfMatrix().rotate(angle).translate(*shift))
    page = turned.new_page(*((height, width) if angle in (90, 270) else (width, height)))
    page.insert_obj(drawing)
    page.gen_content()
    out = io.BytesIO()
    turned.save(out)
    page.close()
    turned.close()
    source.close()
    return out.getvalue()


# --- PDFs rendered from every label ----------------------------------------------------------


@functools.cache
def rendered(label_text: str) -> bytes:
    from gongkai.render import render

    return render(Report.from_dict(json.loads(label_text)), "pdf")


@needs_soffice
@pytest.mark.parametrize("labels", LABELS)
def test_rendered_pdf_extracts_exactly(labels: Path) -> None:
    text = labels.read_text("utf-8")
    doc = read_pdf_grid(rendered(text), "rendered.pdf")
    check_grid(doc)
    assert tables_of(extract(doc).to_dict(detail=False)) == tables_of(json.loads(text))


@needs_soffice
@pytest.mark.parametrize("labels", LONG_LEGACY_LABELS)
def test_rendered_legacy_table_is_one_table(labels: Path) -> None:
    """The legacy appendix crosses pages with its header repeated: one table, header once."""
    truth = json.loads(labels.read_text("utf-8"))
    doc = read_pdf_grid(rendered(labels.read_text("utf-8")), "legacy.pdf")
    (table,) = doc.tables
    assert len({c.source.page for r in table.rows for c in r}) > 1
    header = texts(table.rows[0])
    assert [texts(r) for r in table.rows].count(header) == 1
    assert len(value_rows(table, 1)) == sum(1 for v in truth["legacy"].values() if v is not None)


# --- PDFs made with LibreOffice ----------------------------------------------------------------

LONG_NUMBER = "4575000000000123"
WRAPPED_LABEL = "本机关不掌握相关政府信息需要另行制作"


def merged_table_pdf() -> bytes:
    """A table pushed over a page break: a merged cell down its first column, a repeated
    header row, a long number and a long label in narrow columns (both wrap)."""
    document = new_document()
    for i in range(18):
        document.add_paragraph(f"正文第{i}段。")
    table = document.add_table(rows=32, cols=4)
    table.style = "Table Grid"
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for col, text in enumerate(["分类", "项目", "件数", "说明"]):
        table.cell(0, col).text = text
    for r in range(1, 32):
        table.cell(r, 1).text = f"项目{r}"
        table.cell(r, 2).text = str(r * 10)
    table.cell(3, 2).text = LONG_NUMBER
    table.cell(4, 3).text = WRAPPED_LABEL
    for r in range(32):
        table.cell(r, 2).width = Cm(1.2)
        table.cell(r, 3).width = Cm(1.6)
    merged = table.cell(1, 0).merge(table.cell(31, 0))
    merged.text = "合并的分类"
    return convert_with_soffice(to_bytes(document), ".docx", "pdf")


@needs_soffice
def test_merged_cell_across_a_page_break() -> None:
    doc = read_pdf_grid(merged_table_pdf(), "made.pdf")
    check_grid(doc)
    (table,) = doc.tables
    assert len({c.source.page for r in table.rows for c in r}) == 2
    assert len(table.rows) == 32 and table.width == 4
    assert texts(table.rows[0]) == ["分类", "项目", "件数", "说明"]
    first = table.rows[1][0]
    assert (first.text, first.rowspan, first.covered) == ("合并的分类", 31, False)
    assert all(r[0].covered and r[0].text == "合并的分类" for r in table.rows[2:])
    assert [r[1].text for r in table.rows[1:]] == [f"项目{r}" for r in range(1, 32)]
    expected = [str(r * 10) for r in range(1, 32)]
    expected[2] = LONG_NUMBER
    assert [r[2].text for r in table.rows[1:]] == expected
    assert table.rows[4][3].text == WRAPPED_LABEL


@needs_soffice
def test_blank_cells_keep_their_columns() -> None:
    values = request_values()
    document = new_document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    add_request_table(document, values)
    doc = read_pdf_grid(convert_with_soffice(to_bytes(document), ".docx", "pdf"), "made.pdf")
    check_grid(doc)
    (table,) = doc.tables
    assert value_rows(table, 7) == [values[r.key] for r in REQUESTS_2021]
