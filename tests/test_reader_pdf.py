"""The PDF reader on the real WPS-made reports (p001-p003) and on PDFs made in the test."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from docx_builder import add_request_table, new_document, request_values, to_bytes

from gongkai.model import Document, Paragraph
from gongkai.readers.convert import convert_with_soffice, find_soffice
from gongkai.readers.pdf import read_pdf
from gongkai.templates import ACTIVE_2021, REQUESTS_2021

HERE = Path(__file__).parent
CORPORA = [p for p in (HERE / "corpus", HERE.parents[1] / "shared" / "corpus") if p.is_dir()]
CASES = [
    pytest.param(raw, c / "labels" / f"{raw.stem}.json", id=f"{c.parent.name}/{raw.stem}")
    for c in CORPORA
    for raw in sorted((c / "raw").glob("*.pdf"))
    if (c / "labels" / f"{raw.stem}.json").exists()
]
needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")

NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
PAGE_MARK = re.compile(r"^(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页|\d+\s*/\s*\d+)$")
CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


def lines(doc: Document) -> list[str]:
    assert all(isinstance(b, Paragraph) for b in doc.blocks)
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def value_tail(line: str) -> list[str]:
    """The trailing TAB-separated cells that are numbers or blank (at least one number)."""
    fields = line.split("\t")
    k = 0
    while k < len(fields) and (NUMBER.match(fields[-1 - k]) or fields[-1 - k] == ""):
        k += 1
    tail = fields[len(fields) - k :]
    return tail if any(tail) else []


def rows_of(doc: Document, width: int) -> list[list[str]]:
    """The value cells of every line holding exactly ``width`` of them, in order."""
    return [t for t in map(value_tail, lines(doc)) if len(t) == width]


def cells(values: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


# --- the corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "labels"), CASES)
def test_table_rows_come_out_one_per_line(raw: Path, labels: Path) -> None:
    truth = json.loads(labels.read_text("utf-8"))
    doc = read_pdf(raw.read_bytes(), str(raw))
    assert doc.format == "pdf"
    text = lines(doc)
    # Table B: every row's 7 numbers as 7 cells, in the document's order.
    assert rows_of(doc, 7) == [cells(v) for v in truth["requests"].values()]
    # Table C: the 15 numbers of the one data row.
    assert rows_of(doc, 15) == [cells(truth["review_litigation"])]
    # The first row's label and its numbers share one line ("一、本年新收… 3001 53 0 0 61 4 3119").
    first = REQUESTS_2021[0]
    line = next(t for t in text if t.startswith(first.label))
    assert line.split("\t") == [first.label, *cells(truth["requests"][first.key])]
    # Table A (第二十条): label, then its numbers, one cell each.
    for row in ACTIVE_2021:
        if row.label in truth["active"]:
            found = [t.split("\t") for t in text if t.split("\t")[0] in row.all_labels]
            assert [cells(truth["active"][row.label])] == [f[1:] for f in found]


@pytest.mark.parametrize(("raw", "labels"), CASES)
def test_page_numbers_dropped_and_provenance(raw: Path, labels: Path) -> None:
    data = raw.read_bytes()
    doc = read_pdf(data, str(raw))
    text = lines(doc)
    assert not [t for t in text if PAGE_MARK.match(t.strip())]
    assert not [t for t in text if CJK_SPACE_CJK.search(t)]  # "总 计" comes out as "总计"
    pdf = pdfium.PdfDocument(data)
    n_pages = len(pdf)
    pdf.close()
    pages = [b.source.page for b in doc.blocks]
    assert pages == sorted(pages) and set(pages) == set(range(1, n_pages + 1))
    for page in range(1, n_pages + 1):
        numbers = [b.source.line for b in doc.blocks if b.source.page == page]
        assert numbers == list(range(1, len(numbers) + 1))
    if shutil.which("pdftotext"):  # an independent extractor agrees on the pages
        squeeze = re.compile(r"\s+")
        for block in doc.blocks[:: max(1, len(doc.blocks) // 25)]:
            page = str(block.source.page)
            other = subprocess.run(
                ["pdftotext", "-f", page, "-l", page, str(raw), "-"],
                capture_output=True,
                check=True,
            ).stdout.decode("utf-8")
            assert isinstance(block, Paragraph)
            first_cell = squeeze.sub("", block.text.split("\t")[0])
            assert first_cell in squeeze.sub("", other)


@pytest.mark.parametrize(("raw", "labels"), CASES)
def test_title_from_metadata(raw: Path, labels: Path) -> None:
    data = raw.read_bytes()
    pdf = pdfium.PdfDocument(data)
    title = pdf.get_metadata_value("Title").strip()
    pdf.close()
    assert read_pdf(data, str(raw)).title == (title or None)


# --- PDFs made by LibreOffice ------------------------------------------------------------------


def request_pdf(values: dict[str, list[str]], ruled: bool) -> bytes:
    document = new_document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = add_request_table(document, values)
    if not ruled:
        table.style = None  # python-docx's default table style has no borders
    return convert_with_soffice(to_bytes(document), ".docx", "pdf")


@needs_soffice
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_blank_cells_keep_their_columns(ruled: bool) -> None:
    values = request_values()
    doc = read_pdf(request_pdf(values, ruled), "made.pdf")
    assert rows_of(doc, 7) == [values[r.key] for r in REQUESTS_2021]


@needs_soffice
def test_markers_title_and_spacing() -> None:
    markers = ["- 3 -", "-3-", "— 3 —", "第 3 页", "3 / 5", "第3页 共5页"]
    body = ["正文第一段：受理申请 21 件。", "第3页所列数据", "2024", "总计 与 合计"]
    document = new_document()
    document.core_properties.title = "测试标题"
    for i, text in enumerate(markers):
        if i < len(body):
            document.add_paragraph(body[i])
        document.add_paragraph(text)
    doc = read_pdf(convert_with_soffice(to_bytes(document), ".docx", "pdf"), "made.pdf")
    assert doc.title == "测试标题"
    assert lines(doc) == ["正文第一段：受理申请21件。", "第3页所列数据", "2024", "总计与合计"]
    assert [b.source.line for b in doc.blocks] == [1, 2, 3, 4]


@pytest.mark.parametrize("angle", [90, 270])
@pytest.mark.parametrize(("raw", "labels"), CASES[:1])
def test_rotated_text_reads_the_same(raw: Path, labels: Path, angle: int) -> None:
    """A page drawn turned by a quarter (as landscape tables are) gives the same lines."""
    source = pdfium.PdfDocument(raw.read_bytes())
    index = 2
    width, height = source[index].get_size()
    rotated = pdfium.PdfDocument.new()
    drawing = source.page_as_xobject(index, rotated).as_pageobject()
    shift = (height, 0) if angle == 90 else (0, width)
    drawing.transform(pdfium.PdfMatrix().rotate(angle).translate(*shift))
    page = rotated.new_page(height, width)
    page.insert_obj(drawing)
    page.gen_content()
    out = io.BytesIO()
    rotated.save(out)
    page.close()
    rotated.close()
    source.close()
    original = read_pdf(raw.read_bytes(), str(raw))
    expected = [b.text for b in original.blocks if b.source.page == index + 1]
    assert sorted(lines(read_pdf(out.getvalue(), "rotated.pdf"))) == sorted(expected)
