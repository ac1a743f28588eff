"""Ruled PDF tables with blank cells: real PDFs of reports with blanks, every cell checked.

Fixtures (tests/fixtures/pdf, made by make.py there): r002 (2019 template, all-blank rows, a
表四 row where only the three 总计 cells hold 0) and d001 (2021 template, blanks between
numbers), each rendered by gongkai to PDF through LibreOffice and printed from gongkai's HTML
by headless Chromium. The labels next to them are the truth: None is a blank cell.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import gongkai
from gongkai.extract import extract
from gongkai.model import Paragraph, Table
from gongkai.readers.pdf import read_pdf
from gongkai.readers.pdf_grid import read_pdf_grid
from gongkai.report import Report

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
PDFS = sorted(FIXTURES.glob("*.pdf"))
IDS = [p.stem for p in PDFS]
R002 = [p for p in PDFS if p.stem.startswith("r002")]
VALUE = re.compile(r"^(?:-?\d+(?:\.\d+)?)?$")  # a number or a blank cell
KANGXI = re.compile(r"[\u2f00-\u2fdf]")


def label_of(pdf: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{pdf.stem.split('_')[0]}.json").read_text())
    return data


def as_cells(values: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def value_rows(rows: list[list[str]], width: int) -> list[list[str]]:
    """The last ``width`` cells of rows that end in exactly that many value cells."""
    out = []
    for cells in rows:
        if len(cells) not in (width, width + 1) or not all(VALUE.match(c) for c in cells[-width:]):
            continue
        if len(cells) == width or not VALUE.match(cells[0]):  # no wider row cut short
            out.append(cells[-width:])
    return out


def fast_rows(pdf: Path) -> list[list[str]]:
    doc = read_pdf(pdf.read_bytes(), str(pdf))
    return [b.text.split("\t") for b in doc.blocks if isinstance(b, Paragraph)]


def grid_rows(pdf: Path) -> list[list[str]]:
    doc = read_pdf_grid(pdf.read_bytes(), str(pdf))
    rows = []
    for table in (b for b in doc.blocks if isinstance(b, Table)):
        for row in table.rows:
            cells = [c.text for c in row]
            k = len(cells)  # a merged label repeats: keep its last copy and the values
            while k > 0 and VALUE.match(cells[k - 1]):
                k -= 1
            rows.append(cells[max(0, k - 1) :])
    return rows


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
@pytest.mark.parametrize("reader", [fast_rows, grid_rows], ids=["fast", "grid"])
def test_every_request_row_has_seven_cells(pdf: Path, reader: Any) -> None:
    """Each row of 表三, all-blank ones included, is seven cells equal to the label's."""
    want = [as_cells(v) for v in label_of(pdf)["requests"].values()]
    assert value_rows(reader(pdf), 7) == want


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
@pytest.mark.parametrize("reader", [fast_rows, grid_rows], ids=["fast", "grid"])
def test_review_row_keeps_its_blank_cells(pdf: Path, reader: Any) -> None:
    """表四's row: fifteen cells, blanks where the document is blank (no glued "000")."""
    assert value_rows(reader(pdf), 15) == [as_cells(label_of(pdf)["review_litigation"])]


@pytest.mark.parametrize("pdf", R002, ids=[p.stem for p in R002])
def test_all_blank_rows_are_rows(pdf: Path) -> None:
    """An all-blank row is its label and seven blank cells; a wrapped label is one line."""
    lines = ["\t".join(cells) for cells in fast_rows(pdf)]
    for label in ("（六）其他处理", "1.属于国家秘密", "5.要求行政机关确认或重新出具已获取信息"):
        assert label + "\t" * 7 in lines
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" + "\t" * 7 in lines


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
def test_read_gives_every_cell(pdf: Path) -> None:
    """gongkai.read: every cell equals the label; blanks are None, numbers are numbers."""
    rep = gongkai.read(pdf)
    want = {k: v.value for k, v in Report.from_dict(label_of(pdf)).cells()}
    got = {k: v.value for k, v in rep.cells()}
    assert {k: got.get(k, "缺") for k in want} == want
    assert not [w for w in rep.warnings if "粘连" in w or "单元格" in w]


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
def test_fast_reading_alone_gives_every_cell(pdf: Path) -> None:
    rep = extract(read_pdf(pdf.read_bytes(), str(pdf)))
    want = {k: v.value for k, v in Report.from_dict(label_of(pdf)).cells()}
    assert {k: v.value for k, v in rep.cells()} == want


def test_browser_pdf_text_is_kangxi_for_pdfminer() -> None:
    """The Chromium fixtures carry what real browser PDFs carry: pdfminer reads Kangxi
    radicals (⾏ for 行); test_read_gives_every_cell shows they are normalised away."""
    doc = read_pdf_grid((FIXTURES / "r002_chromium.pdf").read_bytes())
    text = "".join(c.text for t in doc.tables for r in t.rows for c in r)
    assert KANGXI.search(text)


@pytest.mark.parametrize("pdf", PDFS, ids=IDS)
def test_no_library_noise(
    pdf: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Neither reader lets pdfminer/pdfplumber/pypdfium2 log, warn or print."""
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_pdf(pdf.read_bytes(), str(pdf))
        read_pdf_grid(pdf.read_bytes(), str(pdf))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pdf")] == []
    assert [str(w.message) for w in caught] == []


def test_no_noise_on_the_terminal() -> None:
    """In a plain process (no pytest log capture) reading prints nothing on stderr."""
    code = (
        "import sys, gongkai\n"
        "from gongkai.readers.pdf_grid import read_pdf_grid\n"
        "for p in sys.argv[1:]:\n"
        "    gongkai.read(p)\n"
        "    read_pdf_grid(open(p, 'rb').read(), p)\n"
    )
    paths = [str(p) for p in PDFS]
    done = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
