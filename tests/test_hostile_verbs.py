"""Every verb over a folder of hostile files mixed with real reports (issue 11, must show):
no traceback, one message per bad file naming it, the good files' results present.

The hostile files are the small versions of tests/hostile_kinds.py (the same the reader suite
uses); what each is refused for is tested there. Here the verbs run through the real command
line (click's runner, in process; files are read in worker processes as users get them).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import hostile_kinds as kinds
import pytest
from click.testing import CliRunner, Result
from test_hostile_inputs import HOSTILE, READABLE

from gongkai.cli import main

GOOD = ("s000.txt", "s001.txt", "d001.html")
# Text that breaks the readers' neighbours: markup for the terminal, formulas for spreadsheets.
NASTY_TEXT: dict[str, Callable[[], bytes]] = {
    "markup[bold red]x[blink].txt": lambda: b"[link=http://x]\x1b[31m\x01 not a report",
    "=HYPERLINK(1).txt": lambda: b'=HYPERLINK("x")\n@SUM(1)\n',
    "empty.txt": lambda: b"",
    "random.pdf": lambda: bytes(range(256)) * 40,
    "bad.json": lambda: b'{"year": "2023\xe5\xb9\xb4", "requests": "x"}',
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("verbs")
    for name, (make, _) in {**HOSTILE, **READABLE}.items():
        (root / name).write_bytes(make())
    for name, make_text in NASTY_TEXT.items():
        (root / name).write_bytes(make_text())
    for name in GOOD:
        shutil.copy(kinds.RAW / name, root / name)
    return root


def _bad_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in GOOD and p.name not in READABLE)


def _run(args: list[str]) -> Result:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert "Traceback" not in result.output
    assert "\x1b[31m" not in result.output  # the file's escape sequence never reaches a terminal
    return result


def test_extract_reads_the_good_files_and_names_each_bad_one(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = _run(["extract", str(folder), "-o", str(out)])
    assert result.exit_code == 1  # some files could not be read
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    read = {Path(r["file"]).name for r in records if not r.get("error")}
    assert set(GOOD) <= read
    for name in _bad_files(folder):
        if name.endswith(".json"):
            continue  # extract reads report files, not JSON
        assert sum(name in line for line in result.output.splitlines()) >= 1, name


def test_extract_to_spreadsheets_neutralises_formulas(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    _run(["extract", str(folder), "-o", str(out)])
    text = out.read_text("utf-8-sig")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_check_names_each_bad_file_and_checks_the_good_ones(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    result = _run(["check", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    data = json.loads(out.read_text("utf-8"))
    checked = {Path(r["file"]).name for r in data["reports"]}
    assert set(GOOD) <= checked
    failed = {Path(f["file"]).name for f in data["failures"]}
    for name in _bad_files(folder):
        if not name.endswith(".json"):  # a folder scan reads report files, not JSON
            assert name in failed, name


def test_check_names_a_malformed_json_given_by_name(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    result = _run(["check", str(folder / "bad.json"), str(folder / "s000.txt"), "-o", str(out)])
    assert result.exit_code == 1
    data = json.loads(out.read_text("utf-8"))
    assert [Path(r["file"]).name for r in data["reports"]] == ["s000.txt"]
    (failure,) = data["failures"]
    assert Path(failure["file"]).name == "bad.json" and "year" in failure["message"]


def test_summarize_goes_on_and_says_it_failed(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "sum.json"
    result = _run(
        ["summarize", str(folder), "--agency", "某某县人民政府", "--year", "2021", "-o", str(out)]
    )
    assert result.exit_code == 1  # files could not be read: said, and the exit status shows it
    assert out.exists()


@pytest.mark.parametrize("name", [*sorted(HOSTILE), *sorted(NASTY_TEXT)])
def test_render_refuses_each_bad_file_with_a_message(
    folder: Path, tmp_path: Path, name: str
) -> None:
    result = _run(["render", str(folder / name), "-o", str(tmp_path / "x.docx"), "--force"])
    assert result.exit_code != 0
    assert name in result.output
    assert not (tmp_path / "x.docx").exists()
