"""The hostile-input suite (issue 11, items 22-26): every kind of hostile file, small, read by
``gongkai.read`` and by the batch reader together with the corpus: no traceback, one Chinese
message per bad file naming it, every good file's result present.

The inputs are tiny versions of the issue's (tests/hostile_kinds.py); the product's limits
(gongkai.readers.limits) are lowered to match, so each input crosses the limit it tests.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import hostile_kinds as kinds
import pytest

import gongkai
import gongkai.batch as batch
from gongkai.batch import collect, read_many
from gongkai.errors import GongkaiError
from gongkai.readers import limits

LOW_LIMITS = {
    "MAX_TEXT_BYTES": 200 * 1024,
    "MAX_XML_BYTES": 1024 * 1024,
    "MAX_PAGES": 20,
    "MAX_CHARS": 100_000,
    "MAX_LINES": 5_000,
    "MAX_TABLES": 50,
    "MAX_CELLS_PER_TABLE": 2_000,
    "MAX_CELLS": 10_000,
}

# file name -> (bytes, a phrase its message must contain; None: it reads, with this warning)
HOSTILE: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "grid-before.docx": (lambda: kinds.docx_grid_before(10**8), "表格过大"),
    "inflating.docx": (lambda: kinds.docx_inflating(2 * 1024 * 1024), "文档内容"),
    "bad-zip-name.docx": (kinds.docx_bad_member_name, "UTF-8"),
    "rowspan0.html": (lambda: kinds.html_rowspan_zero(300), "过大"),
    "colspan.html": (lambda: kinds.html_colspan(20, 20, 1000), "过大"),
    "nested.html": (lambda: kinds.html_nested_tables(100), "表格数量过大"),
    "pipes.txt": (lambda: kinds.txt_pipe_table(8 * 1024), "表格过大"),
    "big.txt": (lambda: kinds.txt_big(300 * 1024), "文本文件过大"),
    "lines.txt": (lambda: (kinds.TITLE + "\n" + "某\n" * 6_000).encode(), "文字行数过大"),
    "pages.pdf": (lambda: kinds.pdf_pages(30), "PDF 页数过大"),
    "repeat.pdf": (lambda: kinds.pdf_repeated_page(30), "PDF 页数过大"),
}
READABLE: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "bad-byte.txt": (kinds.txt_bad_byte, "3 个字节不是有效的 UTF-8 编码"),
    "mediabox-names.pdf": (kinds.pdf_bad_mediabox, None),
    "mediabox-empty.pdf": (lambda: kinds.pdf_bad_mediabox(b"[]"), None),
}
CORPUS = sorted(p for p in kinds.RAW.iterdir() if p.is_file())


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LOW_LIMITS.items():
        monkeypatch.setattr(limits, name, value)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, (make, _) in {**HOSTILE, **READABLE}.items():
        (root / name).write_bytes(make())
    return root


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_with_one_message(
    folder: Path, low_limits: None, name: str
) -> None:
    path = folder / name
    with pytest.raises(GongkaiError) as info:
        gongkai.read(path)
    assert HOSTILE[name][1] in info.value.message  # type: ignore[operator]
    assert _chinese(info.value.message) and "Traceback" not in info.value.message
    assert str(path) in str(info.value)


@pytest.mark.parametrize("name", sorted(READABLE))
def test_damaged_but_readable_file_is_read(folder: Path, low_limits: None, name: str) -> None:
    rep = gongkai.read(folder / name)
    assert rep.agency
    warning = READABLE[name][1]
    if warning:
        assert any(warning in w for w in rep.warnings)


@pytest.mark.parametrize("path", [p.name for p in CORPUS])
def test_corpus_reads_under_the_lowered_limits(low_limits: None, path: str) -> None:
    assert gongkai.read(kinds.RAW / path).agency  # the limits are far above real reports


def _special_files(tmp: Path) -> Iterator[Path]:
    fifo = tmp / "pipe.txt"
    os.mkfifo(fifo)
    yield fifo
    for device in ("/dev/zero", "/dev/stdin"):
        if os.path.exists(device):
            yield Path(device)


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    for path in _special_files(tmp_path):
        with pytest.raises(GongkaiError) as info:
            gongkai.read(path)  # a FIFO without a writer would block a plain open()
        assert "不是普通文件" in info.value.message, path


def test_batch_over_hostile_and_corpus_files(folder: Path, low_limits: None) -> None:
    fifo = folder / "batch-pipe.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    files = [*sorted(folder.iterdir()), *CORPUS]
    outcomes = list(read_many(files, jobs=2))
    assert [o.path for o in outcomes] == [str(f) for f in files]
    by_name = {Path(o.path).name: o for o in outcomes}
    for name, (_, phrase) in HOSTILE.items():
        outcome = by_name[name]
        assert outcome.report is None and outcome.error and phrase in outcome.error, name
        assert "Traceback" not in outcome.error
    assert by_name["batch-pipe.txt"].error
    for name in [*READABLE, *(p.name for p in CORPUS)]:
        assert by_name[name].report is not None, (name, by_name[name].error)


def _misbehaving_read(path: str | Path) -> gongkai.Report:
    name = Path(path).name
    if name.startswith("slow"):
        time.sleep(600)
    if name.startswith("killed"):
        os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does
    if name.startswith("hog"):
        hoard = bytearray(8 * 1024**3)  # more than the memory budget allows
        del hoard
    return gongkai.read(path)


def test_batch_survives_slow_killed_and_huge_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file has a time and a memory budget; a dead worker costs only its own file."""
    monkeypatch.setattr(batch, "read", _misbehaving_read)  # the workers are forked from here
    good = [kinds.RAW / "s000.txt", kinds.RAW / "d001.html", kinds.RAW / "g001.txt"]
    bad = [tmp_path / n for n in ("slow.txt", "killed.txt", "hog.txt")]
    for p in bad:
        p.write_bytes(kinds.TITLE.encode())
    files = [good[0], bad[0], good[1], bad[1], bad[2], good[2]]
    outcomes = list(read_many(files, jobs=2, timeout=3, memory=512 * 1024**2))
    assert [o.path for o in outcomes] == [str(f) for f in files]
    errors = {Path(o.path).name: o.error or "" for o in outcomes if o.report is None}
    assert set(errors) == {"slow.txt", "killed.txt", "hog.txt"}
    assert "超过 3 秒" in errors["slow.txt"]
    assert "意外终止" in errors["killed.txt"]
    assert "内存" in errors["hog.txt"]
    assert all(_chinese(e) for e in errors.values())
    assert sum(1 for o in outcomes if o.report is not None) == len(good)


def test_in_process_batch_without_budgets() -> None:
    outcomes = list(read_many(CORPUS[:2], jobs=1, timeout=0, memory=0))
    assert all(o.report is not None for o in outcomes)


def test_scan_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    scanned, outside = tmp_path / "scanned", tmp_path / "outside"
    scanned.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    (outside / "sub").mkdir()
    (outside / "sub" / "deep.txt").write_text("x")
    (scanned / "report.txt").write_text("x")
    (scanned / "link-out.txt").symlink_to(outside / "secret.txt")
    (scanned / "link-in.txt").symlink_to(scanned / "report.txt")
    (scanned / "dir-out").symlink_to(outside / "sub", target_is_directory=True)
    (scanned / ".hidden").mkdir()
    (scanned / ".hidden" / "h.txt").write_text("x")
    os.mkfifo(scanned / "fifo.txt")
    names = [p.name for p in collect([scanned])]
    assert names == ["link-in.txt", "report.txt"]
    assert collect([scanned / "link-out.txt"]) == [scanned / "link-out.txt"]  # named: read


def test_workers_are_recycled_and_results_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "FILES_PER_WORKER", 2)
    files = CORPUS * 2
    outcomes = list(read_many(files, jobs=3))
    assert [o.path for o in outcomes] == [str(f) for f in files]
    assert all(o.report is not None for o in outcomes)


def test_pdf_page_with_more_text_than_a_report_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CHARS", 100)
    with pytest.raises(GongkaiError, match="单页文字过大"):
        gongkai.read(kinds.RAW / "p002.pdf")


def test_text_row_with_many_separators_reads(low_limits: None) -> None:
    """A long spaced row was quadratic; it is read (or refused) like any other text."""
    with pytest.raises(GongkaiError) as info:
        gongkai.read(kinds.txt_spaced_row(5_000), name="spaced.txt")
    assert "年度报告" in info.value.message
