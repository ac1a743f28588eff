"""Every verb treats outputs, inputs, years and messages alike (issue 11: 2-6, 9-11, 21, 29).

The verbs share one set of output options (``gongkai.cli.common``): the format comes from the
output file's suffix, a contradicting ``--format`` or an unknown suffix is refused (exit 2),
missing folders are created, and the exit status is 1 when anything failed.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from corpus_util import local_raw
from openpyxl import load_workbook

from gongkai.authoring import read_workbook
from gongkai.cli import main
from gongkai.cli.common import safe

S000 = str(local_raw("s000"))  # 北京市西城区人力资源和社会保障局, 2021
S001 = str(local_raw("s001"))  # 威海市文登区人力资源和社会保障局, 2021
S004 = str(local_raw("s004"))  # a Markdown report


def gk(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


# -- 2: several reports in JSON are one JSON array ---------------------------------------------


def test_extract_several_files_to_json_file_is_one_json_array(tmp_path: Path) -> None:
    out = tmp_path / "two.json"
    result = gk("extract", S000, S001, "-f", "json", "-o", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and [d["file"] for d in data] == [S000, S001]
    lines = tmp_path / "two.jsonl"
    assert gk("extract", S000, S001, "-o", lines).exit_code == 0
    assert len(lines.read_text(encoding="utf-8").splitlines()) == 2


# -- 3: the format comes from the suffix; a mismatch or an unknown suffix is refused -----------


@pytest.mark.parametrize(
    ("args", "out"),
    [
        (("extract", S000), "out.pdf"),
        (("extract", S000, "-f", "csv"), "out.json"),
        (("check", S000, "-f", "json"), "c.html"),
        (("check", S000), "c.xyz"),
        (("render", S000, "--format", "pdf"), "weird.docx"),
        (("render", S000), "weird"),
        (("summarize", S000, "--agency", "某县人民政府", "--year", "2021", "-f", "md"), "s.docx"),
        (("summarize", S000, "--agency", "某县人民政府", "--year", "2021"), "s.txt"),
        (("new", "--agency", "测试局", "--year", "2025"), "a.docx"),
        (("rules", "-f", "markdown"), "rules.txt"),
    ],
)
def test_mismatched_or_unknown_output_suffix_is_refused(
    tmp_path: Path, args: tuple[str, ...], out: str
) -> None:
    result = gk(*args, "-o", tmp_path / out)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "扩展名" in result.output and "错误" in result.output
    assert not (tmp_path / out).exists()


def test_check_infers_html_from_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    result = gk("check", S000, "-o", out)
    no_traceback(result)
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    rules = tmp_path / "rules.md"
    assert gk("rules", "-o", rules).exit_code == 0
    assert rules.read_text(encoding="utf-8").startswith("#")


# -- 4: every verb creates a missing output folder ----------------------------------------------


def test_every_verb_creates_the_output_folder(tmp_path: Path) -> None:
    year = "2021"
    runs = {
        "extract.json": ("extract", S000),
        "check.html": ("check", S000),
        "render.md": ("render", S000, "--force"),
        "summary.json": ("summarize", S000, "--agency", "某区人民政府", "--year", year),
        "new.xlsx": ("new", "--agency", "测试局", "--year", "2025"),
        "rules.txt": ("rules",),
    }
    for name, args in runs.items():
        out = tmp_path / "not" / "yet" / name.split(".")[0] / name
        result = gk(*args, "-o", out)
        no_traceback(result)
        assert out.is_file(), (name, result.output)


# -- 5: no report file at all is an error -------------------------------------------------------


@pytest.mark.parametrize(
    "verb",
    [
        ("check",),
        ("extract",),
        ("summarize", "--agency", "某县人民政府", "--year", "2021"),
    ],
)
def test_empty_folder_or_folder_without_reports_fails(tmp_path: Path, verb: tuple[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    images = tmp_path / "images"
    images.mkdir()
    (images / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    for folder in (empty, images):
        result = gk(verb[0], folder, *verb[1:])
        no_traceback(result)
        assert result.exit_code == 1, result.output
        assert "没有找到可读取的报告文件" in result.output and str(folder) in result.output
        assert "共检查0份报告" not in result.output


# -- 6: summarize fails when a file could not be read ------------------------------------------


def test_summarize_exits_nonzero_when_a_file_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(S000, folder / "s000.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "sum.json"
    result = gk("summarize", folder, "--agency", "某区人民政府", "--year", "2021", "-o", out)
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert "broken.pdf" in result.output and "无法读取" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2021  # the rest is written


# -- 9: one year check with one message -------------------------------------------------------


@pytest.mark.parametrize("year", ["24", "3025", "2007", "二〇二五", "20244"])
def test_implausible_years_are_refused_with_one_short_message(tmp_path: Path, year: str) -> None:
    last = dt.date.today().year + 1
    for args in (
        ("summarize", S000, "--agency", "某县人民政府", "--year", year),
        ("new", "--agency", "测试局", "--year", year, "-o", tmp_path / "n.xlsx"),
    ):
        result = gk(*args)
        no_traceback(result)
        assert result.exit_code == 2, result.output
        assert f"应为 2008 至 {last} 之间" in result.output
        assert max(len(line) for line in result.output.splitlines()) < 200
        assert not (tmp_path / "n.xlsx").exists()


# -- 10: new picks the template by year and refuses pre-2019 years -----------------------------


def test_new_refuses_pre_2019_and_chooses_the_template_by_year(tmp_path: Path) -> None:
    old = gk("new", "--agency", "测试局", "--year", "2018", "-o", tmp_path / "o.xlsx")
    no_traceback(old)
    assert old.exit_code != 0 and "2019" in old.output and not (tmp_path / "o.xlsx").exists()
    forced = gk("new", "--agency", "测试局", "--year", "2018", "--template", "2019")
    assert forced.exit_code != 0
    for year, template in (("2019", "2019"), ("2020", "2019"), ("2021", "2021"), ("2025", "2021")):
        out = tmp_path / f"{year}.xlsx"
        assert gk("new", "--agency", "测试局", "--year", year, "-o", out).exit_code == 0
        assert read_workbook(out).template == template


# -- 11 and 21: plain lines; untrusted text is printed as text ---------------------------------


def test_messages_are_plain_unwrapped_lines(tmp_path: Path) -> None:
    name = "很长的文件名" * 12 + ".pdf"
    bad = tmp_path / "子目录" / name
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 broken")
    result = gk("extract", bad, S000, "-o", tmp_path / "x.csv")
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "无法读取" in ln)
    assert name in line  # one line, not broken at 80 columns
    assert "\x1b" not in result.output


def test_markup_and_escape_sequences_are_printed_as_text(tmp_path: Path) -> None:
    hostile = "[bold red]x[/x][link=http://e.vil]y[/link]\x1b[2J\x07"
    bad = tmp_path / "[bold red]x[link=e]y\x1b[2J.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = gk("extract", bad, "-o", tmp_path / "x.json")
    no_traceback(result)
    assert "[bold red]x[link=e]y\\x1b[2J.pdf" in result.output and "\x1b" not in result.output
    summary = gk("summarize", S000, "--agency", hostile, "--year", "2021")
    no_traceback(summary)
    assert summary.exit_code == 0, summary.output
    assert "[/x][link=http://e.vil]" in summary.output
    assert "\x1b" not in summary.output and "\x07" not in summary.output
    assert "\\x1b[2J" in summary.output


def test_safe_escapes_control_and_bidi_characters() -> None:
    assert safe("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\\x0ad"
    assert safe("a\nb\tc", keep="\n\t") == "a\nb\tc"
    assert safe("北京市[/x]") == "北京市[/x]"


# -- 29: default names stay in the working folder ----------------------------------------------


def test_new_default_name_is_sanitised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = gk("new", "--agency", "../../x/局", "--year", "2025")
    assert result.exit_code == 0, result.output
    made = list(work.iterdir())
    assert len(made) == 1 and made[0].suffix == ".xlsx"
    assert made[0].name == "x局2025年政府信息公开工作年度报告.xlsx"
    assert not list(tmp_path.glob("*.xlsx")) and not (tmp_path / "x").exists()
    assert load_workbook(made[0])["说明"] is not None


def test_new_refuses_control_characters_in_the_agency(tmp_path: Path) -> None:
    result = gk("new", "--agency", "某局\x1b[2J", "--year", "2025", "-o", tmp_path / "n.xlsx")
    no_traceback(result)
    assert result.exit_code == 2 and "控制字符" in result.output and "\x1b" not in result.output


def test_json_on_stdout_stays_valid_json_with_c1_controls(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    text = Path(S000).read_text(encoding="utf-8")
    report.write_text(text.replace("北京市", "北京\x9b市\u202e", 1), encoding="utf-8")
    result = gk("extract", report)
    assert result.exit_code == 0, result.output
    assert "\x9b" not in result.stdout and "\u202e" not in result.stdout
    assert json.loads(result.stdout)["file"] == str(report)
