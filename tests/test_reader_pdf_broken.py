"""Broken PDFs give the same clear Chinese message from both PDF readers (and gongkai.read)."""

from __future__ import annotations

import io
import random
import shutil
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from corpus_util import local_raw

import gongkai
from gongkai.errors import GongkaiError
from gongkai.model import Document
from gongkai.readers.convert import convert_with_soffice
from gongkai.readers.pdf import MSG_DAMAGED, MSG_ENCRYPTED, MSG_SCAN, read_pdf
from gongkai.readers.pdf_grid import read_pdf_grid

Reader = Callable[[bytes, str | None], object]


def _via_read(data: bytes, path: str | None) -> object:
    return gongkai.read(data, name=path)


READERS: list[Reader] = [read_pdf, read_pdf_grid, _via_read]
IDS = ["pdf", "pdf_grid", "gongkai.read"]


def _message(reader: Reader, data: bytes, name: str) -> tuple[str, str | None]:
    with pytest.raises(GongkaiError) as err:
        reader(data, name)
    return err.value.message, err.value.path


@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_random_bytes(reader: Reader) -> None:
    noise = random.Random(7).randbytes(20000)
    assert _message(reader, noise, "report.pdf") == (MSG_DAMAGED, "report.pdf")


@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_truncated_pdf(reader: Reader) -> None:
    data = local_raw("p001").read_bytes()
    for cut in (len(data) // 10, len(data) // 2, len(data) - 100):
        assert _message(reader, data[:cut], "cut.pdf")[0] == MSG_DAMAGED


@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_scanned_pdf_needs_ocr(reader: Reader) -> None:
    """Pages rendered to images and saved as a PDF: pages, but no text layer."""
    pdf = pdfium.PdfDocument(local_raw("p001").read_bytes())
    images = [pdf[i].render(scale=1).to_pil().convert("RGB") for i in range(2)]
    pdf.close()
    scan = io.BytesIO()
    images[0].save(scan, format="PDF", save_all=True, append_images=images[1:])
    assert _message(reader, scan.getvalue(), "scan.pdf") == (MSG_SCAN, "scan.pdf")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("reader", READERS, ids=IDS)
def test_encrypted_pdf(reader: Reader) -> None:
    options = (
        '{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    html = "<html><body><p>加密文件</p></body></html>".encode()
    locked = convert_with_soffice(html, ".html", f"pdf:writer_pdf_Export:{options}")
    assert _message(reader, locked, "locked.pdf") == (MSG_ENCRYPTED, "locked.pdf")


def test_readers_return_documents() -> None:
    data = local_raw("p002").read_bytes()
    assert isinstance(read_pdf(data, "p002.pdf"), Document)
    assert isinstance(read_pdf_grid(data, "p002.pdf"), Document)
