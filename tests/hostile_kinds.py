"""Hostile inputs of issue 11 (items 22-25), generated at any size.

Shared by tests/test_hostile_inputs.py (tiny versions, with the product's limits lowered) and
benchmarks/hostile.py (the sizes of the issue). Each generator returns the file's bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

TITLE = "某某局2021年政府信息公开工作年度报告"
RAW = Path(__file__).resolve().parent / "corpus" / "raw"


def _docx(body_xml: str) -> bytes:
    """A minimal DOCX package around a w:body's inner XML."""
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                head = text[: text.index("<w:body>") + len("<w:body>")]
                data = (head + body_xml + "</w:body></w:document>").encode()
            z.writestr(item, data)
    return out.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_grid_before(n: int = 10**8) -> bytes:
    """A table row claiming n empty grid columns before its cells (gridBefore)."""
    row = (
        f'<w:tr><w:trPr><w:gridBefore w:val="{n}"/><w:gridAfter w:val="{n}"/></w:trPr>'
        "<w:tc><w:p><w:r><w:t>收到申请数</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr>"
    )
    return _docx(_p(TITLE) + f"<w:tbl>{row}</w:tbl>" + "<w:sectPr/>")


def docx_inflating(xml_bytes: int = 60 * 1024 * 1024) -> bytes:
    """A document.xml of about xml_bytes, varied enough to stay under the zip-bomb ratio."""
    parts = [_p(TITLE)]
    size, i = 0, 0
    while size < xml_bytes:
        para = _p(f"第{i}段：本机关主动公开政府信息{i * 7919 % 100003}条。")
        parts.append(para)
        size += len(para.encode())
        i += 1
    return _docx("".join(parts) + "<w:sectPr/>")


def docx_bad_member_name() -> bytes:
    """A DOCX whose zip member name is flagged UTF-8 but is not valid UTF-8."""
    data = bytearray(_docx(_p(TITLE) + "<w:sectPr/>"))
    data = bytearray(data.replace(b"[Content_Types].xml", b"[Content_Type\xff\xfe.xml"))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = 0
        while (pos := data.find(signature, pos)) != -1:
            data[pos + flags_at + 1] |= 0x08  # general purpose bit 11: the name is UTF-8
            pos += 4
    return bytes(data)


def _html(body: str) -> bytes:
    return f"<html><body><h1>{TITLE}</h1>{body}</body></html>".encode()


def html_rowspan_zero(rows: int = 3000) -> bytes:
    return _html("<table>" + '<tr><td rowspan="0">1</td></tr>' * rows + "</table>")


def html_colspan(rows: int = 200, cells: int = 200, span: int = 1000) -> bytes:
    row = "<tr>" + f'<td colspan="{span}">1</td>' * cells + "</tr>"
    return _html("<table>" + row * rows + "</table>")


def html_nested_tables(depth: int = 10_000) -> bytes:
    return _html("<table><tr><td>" * depth + "1" + "</td></tr></table>" * depth)


def txt_pipe_table(size: int = 10 * 1024 * 1024) -> bytes:
    row = "|" + "|".join(["1"] * 50) + "|\n"
    return (TITLE + "\n" + row * (size // len(row) + 1)).encode()


def txt_spaced_row(n: int = 100_000) -> bytes:
    """One row of about 9n characters whose cells are separated by one or two spaces."""
    line = " ".join(["1 2 3"] * n) + "  " + "  ".join(["4"] * n)
    return (TITLE + "\n" + line + "\n").encode()


def txt_big(size: int = 99 * 1024 * 1024) -> bytes:
    line = ("本机关全年主动公开政府信息若干条，" * 4 + "\n").encode()
    return (TITLE + "\n").encode() + line * (size // len(line) + 1)


def txt_bad_byte() -> bytes:
    """A corpus TXT report with one invalid byte in the middle and a character cut at the end."""
    data = (RAW / "s000.txt").read_bytes()
    middle = len(data) // 2
    while data[middle] & 0xC0 == 0x80:  # not inside a character: the stray byte stands alone
        middle += 1
    return data[:middle] + b"\xff" + data[middle:] + "局".encode()[:2]


def pdf_pages(n: int = 5000) -> bytes:
    """A PDF of n pages, each with one line of text."""
    return _pdf(n, repeat=False)


def pdf_repeated_page(n: int = 5000) -> bytes:
    """A PDF whose page tree lists the same page n times."""
    return _pdf(n, repeat=True)


def _pdf(n: int, repeat: bool) -> bytes:
    objects: list[bytes] = []
    pages = 1 if repeat else n
    first_page = 4
    kids = " ".join(f"{first_page if repeat else first_page + k} 0 R" for k in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    content = b"BT /F1 12 Tf 72 720 Td (Annual report page text line) Tj ET"
    content_ref = first_page + pages
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> " + f"/Contents {content_ref} 0 R >>".encode()
        )
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_corpus_pages(n: int = 300) -> bytes:
    """A PDF of n real report pages (the corpus report p002 over and over)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument((RAW / "p002.pdf").read_bytes())
    out = pdfium.PdfDocument.new()
    count = len(source)
    out.import_pages(source, [k % count for k in range(n)])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def pdf_bad_mediabox(box: bytes = b"[ /a /b /c /d ]") -> bytes:
    """A corpus PDF whose page boxes are not numbers (or empty: box=b"[]")."""
    data = (RAW / "p002.pdf").read_bytes()
    return re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox " + box, data)


# name -> (file name, generator at the size)
KINDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "docx-gridBefore-1e8": ("grid.docx", docx_grid_before),
    "docx-xml-inflating": ("inflate.docx", docx_inflating),
    "docx-bad-zip-name": ("badname.docx", docx_bad_member_name),
    "html-rowspan0-3000": ("rowspan.html", html_rowspan_zero),
    "html-colspan-1000x200x200": ("colspan.html", html_colspan),
    "html-nested-10000": ("nested.html", html_nested_tables),
    "txt-pipe-table-10MB": ("pipes.txt", txt_pipe_table),
    "txt-99MB": ("big.txt", txt_big),
    "txt-spaced-row-900KB": ("spaced.txt", txt_spaced_row),
    "txt-bad-byte": ("badbyte.txt", txt_bad_byte),
    "pdf-5000-pages": ("pages.pdf", pdf_pages),
    "pdf-page-x5000": ("repeat.pdf", pdf_repeated_page),
    "pdf-mediabox-names": ("mediabox.pdf", pdf_bad_mediabox),
    "pdf-mediabox-empty": ("mediabox-empty.pdf", lambda: pdf_bad_mediabox(b"[]")),
}
