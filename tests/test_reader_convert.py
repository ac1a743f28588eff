"""The LibreOffice conversion reader: real RTF, ODT, DOC and WPS files made in the test."""

from __future__ import annotations

import shutil

import pytest
from docx_builder import new_document, to_bytes

from gongkai.errors import GongkaiError, NeedsTool
from gongkai.model import Document, Paragraph
from gongkai.readers import convert, load
from gongkai.readers.convert import (
    MSG_NO_SOFFICE,
    convert_with_soffice,
    find_soffice,
    read_converted,
    source_suffix,
)
from gongkai.templates import ACTIVE_2021, ACTIVE_FIRST_COLUMN, ITEM_1, SECTIONS

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")

TITLE = "某某局2024年政府信息公开工作年度报告"
BODY = f"{SECTIONS[0].number}、{SECTIONS[0].title}"
ROWS = [r for r in ACTIVE_2021 if r.group == ITEM_1]  # 规章, 行政规范性文件: 3 columns each
HEADER = [ACTIVE_FIRST_COLUMN, *(c.label for c in ROWS[0].columns)]
GRID = [HEADER, [ROWS[0].label, "1", "0", "11"], [ROWS[1].label, "8", "26", "66"]]


def rtf_escape(text: str) -> str:
    """RTF for ``text``: non-ASCII characters as \\uN? escapes (signed 16-bit)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 128:
            out.append("\\" + ch if ch in "\\{}" else ch)
        else:
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)


def hand_written_rtf() -> bytes:
    """A small RTF document typed by hand: a title, a paragraph and a 3x4 table."""
    width = 2000
    cells = "".join(f"\\cellx{width * (i + 1)}" for i in range(len(HEADER)))
    rows = []
    for row in GRID:
        body = "".join(f"\\pard\\intbl {rtf_escape(text)}\\cell " for text in row)
        rows.append(f"\\trowd\\trgaph108{cells}\n{body}\\row\n")
    return (
        "{\\rtf1\\ansi\\deff0\\uc1\n"
        "{\\fonttbl{\\f0\\fnil Noto Sans CJK SC;}}\n"
        f"\\pard\\plain\\f0\\fs32 {rtf_escape(TITLE)}\\par\n"
        f"\\pard\\plain\\f0\\fs24 {rtf_escape(BODY)}\\par\n"
        f"{''.join(rows)}"
        "\\pard\\plain\\f0 \\par\n}"
    ).encode("ascii")


def docx_with_table() -> bytes:
    document = new_document()
    document.add_heading(TITLE, 1)
    document.add_paragraph(BODY)
    table = document.add_table(rows=len(GRID), cols=len(HEADER))
    table.style = "Table Grid"
    for r, row in enumerate(GRID):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return to_bytes(document)


def check_content(doc: Document) -> None:
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert TITLE in texts
    assert BODY in texts
    assert len(doc.tables) == 1
    grid = [[c.text for c in row] for row in doc.tables[0].rows]
    assert grid == GRID
    kinds = [b.text if isinstance(b, Paragraph) else "<table>" for b in doc.blocks]
    assert kinds.index("<table>") > kinds.index(BODY)  # in document order


@needs_soffice
def test_hand_written_rtf() -> None:
    data = hand_written_rtf()
    doc = read_converted(data, "report.rtf")
    check_content(doc)
    assert doc.format == "rtf"
    assert doc.path == "report.rtf"
    # The reader dispatch finds RTF by its signature, whatever the name says.
    via_load = load(data, name="report.doc")
    assert [b.text for b in via_load.blocks if isinstance(b, Paragraph)] == [
        b.text for b in doc.blocks if isinstance(b, Paragraph)
    ]


@needs_soffice
def test_odt_exported_by_libreoffice() -> None:
    odt = convert_with_soffice(docx_with_table(), ".docx", "odt")
    assert odt.startswith(b"PK\x03\x04")
    doc = load(odt, name="report.odt")
    check_content(doc)
    assert doc.format == "odt"


@needs_soffice
def test_doc_and_wps() -> None:
    odt = convert_with_soffice(docx_with_table(), ".docx", "odt")
    doc_bytes = convert_with_soffice(odt, ".odt", "doc")
    assert doc_bytes.startswith(b"\xd0\xcf\x11\xe0")
    check_content(read_converted(doc_bytes, "report.doc"))
    # WPS Office's .wps files are Word 97-2003 inside: the same bytes under that name.
    wps = read_converted(doc_bytes, "report.wps")
    check_content(wps)
    assert wps.format == "wps"


@needs_soffice
def test_damaged_file_gives_chinese_message() -> None:
    damaged = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
    with pytest.raises(GongkaiError) as err:
        read_converted(damaged, "broken.doc")
    assert "LibreOffice 无法把这个文件转换为 DOCX" in err.value.message
    assert err.value.path == "broken.doc"


@needs_soffice
def test_timeout_gives_chinese_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "TIMEOUT_SECONDS", 0.01)
    with pytest.raises(GongkaiError) as err:
        read_converted(hand_written_rtf(), "slow.rtf")
    assert "超时" in err.value.message


def test_missing_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    assert find_soffice() is None
    with pytest.raises(NeedsTool) as err:
        read_converted(hand_written_rtf(), "report.rtf")
    assert err.value.message == MSG_NO_SOFFICE
    assert err.value.path == "report.rtf"
    with pytest.raises(NeedsTool):
        convert_with_soffice(b"anything", ".docx", "pdf")
    with pytest.raises(NeedsTool):
        load(hand_written_rtf(), name="report.rtf")


def test_source_suffix_follows_content() -> None:
    assert source_suffix(hand_written_rtf(), "report.doc") == ".rtf"
    assert source_suffix(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8), "a.wps") == ".doc"
    assert source_suffix(b"PK\x03\x04rest", "a.odt") == ".odt"
    assert source_suffix(b"plain", "a.rtf") == ".rtf"
