"""PDF output: the DOCX rendering converted by LibreOffice (headless, private profile)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import GongkaiError, NeedsTool
from ..report import Report
from .docx import render_docx

TIMEOUT_S = 180


def render_pdf(rep: Report) -> bytes:
    return docx_to_pdf(render_docx(rep))


def docx_to_pdf(data: bytes) -> bytes:
    """Convert DOCX bytes to PDF bytes with the shared converter, or our own soffice call."""
    try:
        from ..readers.convert import convert_with_soffice
    except ImportError:
        return _soffice_pdf(data)
    return convert_with_soffice(data, ".docx", "pdf")


def _soffice_pdf(data: bytes) -> bytes:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise NeedsTool("生成 PDF 需要 LibreOffice（soffice），但本机未安装")
    with tempfile.TemporaryDirectory(prefix="gongkai-render-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(data)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        # Own process group, so a hung soffice.bin child can be killed with its launcher.
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise GongkaiError(f"LibreOffice 转换 PDF 超时（{TIMEOUT_S} 秒）") from None
        out = Path(tmp) / "report.pdf"
        if not out.exists():
            detail = err.decode("utf-8", "replace").strip()[-300:]
            raise GongkaiError(f"LibreOffice 未能生成 PDF：{detail or '无输出'}")
        return out.read_bytes()
