""".doc, .wps, .rtf and .odt: converted to DOCX by LibreOffice, then read as DOCX.

LibreOffice runs headless with a private, temporary user profile (parallel runs would otherwise
fight over the default one), under a time limit; on timeout its whole process group is killed
(``soffice`` is a shell script that starts ``soffice.bin``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import GongkaiError, NeedsTool
from ..model import Document

TIMEOUT_SECONDS = 120.0  # one LibreOffice conversion (see docs/limits.md)
MSG_NO_SOFFICE = (
    "需要安装 LibreOffice 才能读取 .doc/.wps/.rtf/.odt 文件"
    "（例如 apt-get install libreoffice-writer-nogui）"
)

# What the bytes are, by signature: LibreOffice trusts the file name, so name the input after it.
_SIGNATURES = (
    (b"{\\rtf", ".rtf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc"),  # OLE: Word 97-2003, and WPS's .wps/.wpt
    (b"PK\x03\x04", ".odt"),
)


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(
    data: bytes, suffix: str, target: str = "docx", *, path: str | None = None
) -> bytes:
    """Convert a document with LibreOffice and return the converted file's bytes.

    ``suffix`` is the input's file extension (".doc", ".rtf", ".docx", ...), ``target`` a
    ``--convert-to`` argument ("docx", "pdf", or "ext:FilterName"). ``path`` only names the
    file in error messages. Raises NeedsTool without LibreOffice and GongkaiError when the
    conversion fails or takes longer than TIMEOUT_SECONDS.
    """
    program = find_soffice()
    if program is None:
        raise NeedsTool(MSG_NO_SOFFICE, path)
    ext = target.split(":", 1)[0].lower()
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix if suffix.startswith('.') else '.' + suffix}"
        source.write_bytes(data)
        outdir = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ]
        _run(command, path)
        result = outdir / f"{source.stem}.{ext}"
        if not result.is_file() or result.stat().st_size == 0:
            raise GongkaiError(
                f"LibreOffice 无法把这个文件转换为 {ext.upper()}（文件可能已损坏或格式不受支持）",
                path,
            )
        return result.read_bytes()


def _run(command: list[str], path: str | None) -> None:
    """Run LibreOffice; kill its whole process group when it takes too long."""
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout can end all of it
        )
    except OSError as exc:
        raise GongkaiError(f"无法启动 LibreOffice（{exc.strerror or exc}）", path) from None
    try:
        proc.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise GongkaiError(
            f"LibreOffice 转换超时（超过 {TIMEOUT_SECONDS:g} 秒），文件可能过大或已损坏", path
        ) from None
    finally:
        if proc.poll() is None:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def source_suffix(data: bytes, path: str | None) -> str:
    """The extension to give LibreOffice: from the content when it is clear, else the name.

    WPS Office's .wps/.wpt files are Word 97-2003 documents inside, so OLE files become ".doc".
    """
    head = data[:8].lstrip()
    for signature, suffix in _SIGNATURES:
        if head.startswith(signature):
            return suffix
    return (Path(path).suffix.lower() if path else "") or ".doc"


def read_converted(data: bytes, path: str | None = None) -> Document:
    """Read a .doc/.wps/.rtf/.odt file: LibreOffice turns it into DOCX, the DOCX reader reads it."""
    from .docx import read_docx

    suffix = source_suffix(data, path)
    docx = convert_with_soffice(data, suffix, "docx", path=path)
    doc = read_docx(docx, path)
    doc.path = path
    doc.format = (Path(path).suffix.lower().lstrip(".") if path else "") or suffix.lstrip(".")
    return doc
