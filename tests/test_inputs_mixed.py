"""Inputs beyond single report documents (issue 11, items 7 and 13).

A fill-in workbook from ``gongkai new`` is read by every verb and by folder scans; a workbook
that is not one is named with a clear message. Zip bundles are read member by member behind the
DOCX reader's guards; lock files, images and other non-report files are skipped and listed once.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from corpus_util import local_label, local_raw
from test_authoring import filled_s000, tables

import gongkai
from gongkai.batch import read_many, scan
from gongkai.cli import main
from gongkai.errors import GongkaiError
from gongkai.readers import limits


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    return result


def extracted(result: Result) -> list[dict[str, Any]]:
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


# -- item 7: the fill-in workbook --------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path / "填报"
    folder.mkdir()
    path, label = filled_s000(folder)
    return path, label


def test_read_accepts_a_filled_workbook(workbook: tuple[Path, dict[str, Any]]) -> None:
    path, label = workbook
    rep = gongkai.read(path)
    assert tables(rep) == tables(label)
    assert (rep.agency, rep.year, rep.path) == (label["agency"], label["year"], str(path))
    assert tables(gongkai.read(path.read_bytes(), path.name)) == tables(label)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_extract_check_summarize_read_a_filled_workbook(
    workbook: tuple[Path, dict[str, Any]], where: str
) -> None:
    path, label = workbook
    arg = str(path if where == "file" else path.parent)

    result = run("extract", arg)
    assert result.exit_code == 0, result.output
    [item] = extracted(result)
    assert tables(item) == tables(label)
    assert item["file"] == str(path)

    result = run("check", arg, "-f", "json")
    assert "不是 Word 文档" not in result.output
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout

    out = path.parent.parent / f"汇总-{where}.json"
    result = run(
        "summarize", arg, "--agency", "某县人民政府", "--year", str(label["year"]), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert tables(summary) == tables(label)


def test_a_workbook_not_made_by_new_is_named_not_a_traceback(
    workbook: tuple[Path, dict[str, Any]],
) -> None:
    path, label = workbook
    sheet = path.parent / "reports.xlsx"  # extract's own output, lying in the same folder
    assert run("extract", str(path), "-o", str(sheet)).exit_code == 0

    result = run("extract", str(sheet))  # named: an error naming it
    assert result.exit_code == 1
    assert "reports.xlsx" in result.stderr and "gongkai new" in result.stderr

    result = run("extract", str(path.parent))  # in a folder: skipped and listed
    assert result.exit_code == 0, result.output
    assert [tables(i) for i in extracted(result)] == [tables(label)]
    assert "已跳过 1 个文件" in result.stderr and "reports.xlsx（Excel 工作簿" in result.stderr

    with pytest.raises(GongkaiError, match="gongkai new"):
        gongkai.read(sheet)


# -- item 13: mixed folders and zip bundles ----------------------------------------------------


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "各单位"
    folder.mkdir()
    shutil.copy(local_raw("s001"), folder / "乙局.txt")
    inner = make_zip(tmp_path / "inner.zip", {"丙局.txt": local_raw("s002").read_bytes()})
    make_zip(
        folder / "bundle.zip",
        {
            "报告/甲局.txt": local_raw("s000").read_bytes(),
            "报告/~$甲局.docx": b"\x00lock",
            "报告/扫描件.png": b"\x89PNG\r\n\x1a\n",
            "报告/inner.zip": inner.read_bytes(),
            "__MACOSX/报告/._甲局.txt": b"\x00\x05\x16\x07",
        },
    )
    (folder / "~$乙局.docx").write_bytes(b"\x00lock")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "说明.xyz").write_text("notes", encoding="utf-8")
    return folder


def test_a_mixed_folder_reads_bundles_and_lists_what_it_skipped(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    result = run("extract", str(folder), "-f", "jsonl")
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    by_path = {Path(i["file"]).as_posix(): i for i in items}
    member = f"{folder.as_posix()}/bundle.zip!/报告/甲局.txt"
    assert set(by_path) == {member, f"{folder.as_posix()}/乙局.txt"}
    assert tables(by_path[member]) == tables(local_label("s000"))
    assert "无法读取" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("已跳过")]
    assert line.startswith("已跳过 6 个文件：")
    for name, reason in (
        ("~$乙局.docx", "Word 临时锁文件"),
        ("bundle.zip!/报告/~$甲局.docx", "Word 临时锁文件"),
        ("照片.jpg", "图片"),
        ("bundle.zip!/报告/扫描件.png", "图片"),
        ("bundle.zip!/报告/inner.zip", "压缩包中的压缩包"),
        ("说明.xyz", "不是报告文件类型"),
    ):
        assert f"{name}（{reason}" in line, name
    assert "__MACOSX" not in line

    result = run("check", str(folder), "-f", "json")
    assert "无法读取" not in result.output and "bundle.zip!/报告/甲局.txt" in result.stdout


def test_a_bundle_named_alone_and_its_members_read_by_the_library(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    found = scan([folder / "bundle.zip", folder / "~$乙局.docx"])
    assert [str(f) for f in found.files] == [f"{folder / 'bundle.zip'}!/报告/甲局.txt"]
    assert f"{folder / '~$乙局.docx'}" in [s.path for s in found.skipped]
    assert tables(gongkai.read(found.files[0])) == tables(local_label("s000"))
    with pytest.raises(GongkaiError, match="压缩包"):
        gongkai.read(folder / "bundle.zip")


def test_only_skipped_files_says_so(tmp_path: Path) -> None:
    (tmp_path / "~$x.docx").write_bytes(b"\x00lock")
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    assert "没有找到可读取的报告文件" in result.stderr
    assert "已跳过 2 个文件" in result.stderr and "~$x.docx（Word 临时锁文件）" in result.stderr


def outcomes(paths: list[Path]) -> dict[str, str | None]:
    files = scan(paths).files
    return {Path(o.path).name: o.error for o in read_many(files, jobs=1, timeout=0, memory=0)}


def test_bundle_guards_refuse_the_bundle_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = shutil.copy(local_raw("s000"), tmp_path / "good.txt")
    many = make_zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(5)})
    bomb = make_zip(tmp_path / "bomb.zip", {"a.txt": b"\0" * (3 * 1024 * 1024)})
    big = make_zip(tmp_path / "big.zip", {"a.txt": b"ab" * 40_000, "b.txt": b"cd" * 40_000})
    monkeypatch.setattr(limits, "MAX_BUNDLE_MEMBERS", 4)
    monkeypatch.setattr(limits, "MAX_BUNDLE_UNZIPPED_BYTES", 100_000)
    monkeypatch.setattr(limits, "MAX_RATIO_MEMBER_BYTES", 1024 * 1024)
    errors = outcomes([Path(good), many, bomb, big])
    assert errors["good.txt"] is None
    assert "压缩包中的文件数过大（5 个，上限 4 个）" in (errors["many.zip"] or "")
    assert "压缩炸弹" in (errors["bomb.zip"] or "")
    assert "压缩炸弹" in (errors["big.zip"] or "")


def test_member_names_are_sanitised_and_bad_names_refused(tmp_path: Path) -> None:
    report = local_raw("s000").read_bytes()
    odd = make_zip(tmp_path / "odd.zip", {"../../etc/\x1b[31m甲局.txt": report})
    [member] = scan([odd]).files
    assert str(member) == f"{odd}!/etc/_[31m甲局.txt"
    assert tables(gongkai.read(member)) == tables(local_label("s000"))

    gbk = make_zip(tmp_path / "gbk.zip", {"abcd.txt": report})  # a name in GBK, unflagged
    gbk.write_bytes(gbk.read_bytes().replace(b"abcd.txt", "甲局.txt".encode("gbk")))
    assert [str(f) for f in scan([gbk]).files] == [f"{gbk}!/甲局.txt"]
    assert outcomes([gbk]) == {"甲局.txt": None}

    bad = make_zip(tmp_path / "bad.zip", {"é.txt": report})
    bad.write_bytes(bad.read_bytes().replace("é".encode(), b"\xff\xfe"))  # flagged UTF-8
    errors = outcomes([bad])
    assert "UTF-8" in (errors["bad.zip"] or "")
