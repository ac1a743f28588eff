"""Bad input gives one clear Chinese message naming the problem, never a traceback, and a
batch that contains bad files still finishes the good ones."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus_util import local_raw

import gongkai
from gongkai.batch import read_many
from gongkai.cli import main
from gongkai.errors import GongkaiError


def _docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("某某局2021年政府信息公开工作年度报告")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(block)


def make_bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase its message must contain)."""
    files: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes, phrase: str) -> None:
        p = tmp / name
        p.write_bytes(data)
        files[name] = (p, phrase)

    rnd = bytes(range(256)) * 40
    put("empty.txt", b"", "文件为空")
    put("random.pdf", b"%PDF-1.4\n" + rnd, "PDF")
    put("noise.pdf", rnd, "")
    put("random.docx", rnd, "")
    put("random.html", b"<html><body>" + rnd + b"</body></html>", "")
    put("truncated.docx", _docx_bytes()[:3000], "DOCX")
    put(
        "not-a-report.html",
        "<html><body><p>欢迎访问本网站，今日天气晴。</p></body></html>".encode(),
        "不是政府信息公开工作年度报告",
    )
    put("latin1.txt", "caf\xe9 na\xefve r\xe9sum\xe9 ".encode("cp1252") * 50, "编码")
    bomb = tmp / "bomb.docx"
    _zip_bomb(bomb)
    files["bomb.docx"] = (bomb, "压缩炸弹")
    huge = tmp / "huge.txt"
    with huge.open("wb") as f:  # sparse: 200 MB on paper, nothing on disk
        f.truncate(200 * 1024 * 1024)
    files["huge.txt"] = (huge, "文件过大")
    return files


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return make_bad_files(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(
    "name",
    [
        "empty.txt",
        "random.pdf",
        "noise.pdf",
        "random.docx",
        "random.html",
        "truncated.docx",
        "not-a-report.html",
        "latin1.txt",
        "bomb.docx",
        "huge.txt",
    ],
)
def test_bad_file_gives_clear_message(bad_files: dict[str, tuple[Path, str]], name: str) -> None:
    path, phrase = bad_files[name]
    with pytest.raises(GongkaiError) as info:
        gongkai.read(path)
    message = info.value.message
    assert phrase in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # Chinese, for users
    assert "Traceback" not in message
    assert str(path) in str(info.value)  # names the file


def test_report_missing_a_table_reads_with_a_warning() -> None:
    text = local_raw("s000").read_text(encoding="utf-8")
    start = text.index("四、政府信息公开行政复议")
    end = text.index("五、存在的主要问题")
    rep = gongkai.read((text[:start] + text[end:]).encode(), name="no-table-4.txt")
    assert rep.review_litigation is None
    assert rep.requests["new"][6].value == 31
    assert any("缺少表格" in w and "行政复议" in w for w in rep.warnings)


def test_batch_with_bad_files_finishes_the_good_ones(
    bad_files: dict[str, tuple[Path, str]],
) -> None:
    paths = [p for p, _ in bad_files.values()] + [local_raw("s000"), local_raw("d001")]
    outcomes = list(read_many(paths, jobs=1))
    assert [o.path for o in outcomes] == [str(p) for p in paths]
    good = [o for o in outcomes if o.report is not None]
    assert [Path(o.path).name for o in good] == ["s000.txt", "d001.html"]
    assert all(o.error for o in outcomes if o.report is None)


def test_cli_batch_reports_failures_and_exit_status(bad_files: dict[str, tuple[Path, str]]) -> None:
    paths = [str(p) for p, _ in bad_files.values()] + [str(local_raw("s000"))]
    result = CliRunner().invoke(main, ["extract", "--brief", "-f", "jsonl", *paths])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert len(lines) == len(paths)
    assert '"agency": "北京市西城区人力资源和社会保障局"' in lines[-1]


def test_parallel_batch_matches_serial(tmp_path: Path) -> None:
    files = [local_raw(c) for c in ("s000", "s001", "s002", "s003", "s004", "g001", "g002", "d001")]
    serial = [o.report.to_dict(detail=False) for o in read_many(files, jobs=1) if o.report]
    parallel = [o.report.to_dict(detail=False) for o in read_many(files, jobs=2) if o.report]
    assert serial == parallel and len(serial) == len(files)
    assert os.cpu_count()


# --- issue 11, items 22-25: damaged and hostile files -----------------------------------------


@pytest.mark.parametrize("box", [b"[ /a /b /c /d ]", b"[]", b"[0 0 x y]", b"(abc)"])
def test_pdf_with_a_non_numeric_or_empty_mediabox_reads(box: bytes) -> None:
    from hostile_kinds import pdf_bad_mediabox

    from gongkai.readers.pdf_grid import read_pdf_grid

    rep = gongkai.read(pdf_bad_mediabox(box), name="mediabox.pdf")
    assert rep.agency
    try:  # the exact reader may refuse such a file, but only with a message
        read_pdf_grid(pdf_bad_mediabox(box), "mediabox.pdf")
    except GongkaiError as exc:
        assert "PDF" in exc.message


def test_docx_with_an_invalid_utf8_member_name_gives_a_message() -> None:
    from hostile_kinds import docx_bad_member_name

    with pytest.raises(GongkaiError) as info:
        gongkai.read(docx_bad_member_name(), name="name.docx")
    assert "文件名不是有效的 UTF-8 编码" in info.value.message
    assert "name.docx" in str(info.value)


def test_txt_with_an_invalid_byte_and_a_cut_character_is_read_with_a_warning() -> None:
    text = local_raw("s000").read_bytes()
    clean = gongkai.read(text, name="clean.txt")
    middle = text.index("政府信息公开工作年度报告".encode()) + 3  # inside a character
    damaged = text[:middle] + b"\xff" + text[middle:] + "局".encode()[:1]
    rep = gongkai.read(damaged, name="damaged.txt")
    assert rep.requests["new"][6].value == clean.requests["new"][6].value
    assert any("个字节不是有效的 UTF-8 编码" in w for w in rep.warnings)
    gbk = text.decode().encode("gb18030")
    rep = gongkai.read(gbk[:100] + b"\xff" + gbk[100:], name="gbk.txt")
    assert any("个字节不是有效的 GB18030 编码" in w for w in rep.warnings)


def test_fifo_and_devices_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(GongkaiError) as info:
            gongkai.read(path)
        assert "不是普通文件" in info.value.message


def test_file_size_is_bounded_by_bytes_read_not_by_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.readers import limits

    status = Path("/proc/self/maps")  # a regular file whose stat size is 0
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64)
    with pytest.raises(GongkaiError) as info:
        gongkai.read(status)
    assert "文件过大" in info.value.message


def test_table_cap_counts_the_whole_table_not_one_cell() -> None:
    from gongkai.model import Provenance, grid_from_spans

    src = Provenance()
    rows = [[("1", 1, 10, src)] * 10 for _ in range(10)]  # 10 x 10 cells of colspan 10
    assert len(grid_from_spans(rows, 1, limit=1000)[0]) == 100
    with pytest.raises(GongkaiError, match="表格1过大"):
        grid_from_spans(rows, 1, limit=999)
    with pytest.raises(GongkaiError, match="过大"):
        grid_from_spans([[("1", 0, 1, src)], *[[] for _ in range(30)]], 1, limit=30)
