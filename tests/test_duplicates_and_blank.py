"""Issue 11, items 8 and 14: a blank report is refused; duplicate reports are flagged and the
better copy is summed.

Item 8: an unfilled workbook from ``gongkai new`` has an empty 表三 (F8) and an empty
一、总体情况 (F9), both errors, so ``render`` refuses it (``--force`` still writes).
Item 14: g001 is s000 glued by a crawler (every cell inferred from the arithmetic): ``check``
flags the two files as one body's one year (D1), ``summarize`` keeps s000 and says why, and
``--prefer`` / ``prefer=`` keeps the copy the user names.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus_util import local_raw

import gongkai
from gongkai.checks import check, duplicate_groups
from gongkai.cli import main
from gongkai.errors import GongkaiError
from gongkai.report import Report
from gongkai.summary import summarize

AGENCY = "某市人民政府"


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gongkai.new(
        "某某县人力资源和社会保障局", 2023, tmp_path_factory.mktemp("new") / "b.xlsx"
    )


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {case: gongkai.read(local_raw(case)) for case in ("g001", "s000", "p001", "p002")}


def _codes(rep: Report, severity: str = "error") -> set[str]:
    return {f.code for f in check(rep) if f.severity == severity and f.applicable}


# -- item 8 ----------------------------------------------------------------------------------


def test_blank_workbook_has_the_empty_table_and_overview_errors(blank: Path) -> None:
    result = gongkai.render(blank, blank.with_name("b.md"))
    assert {"F8", "F9"} <= {f.code for f in result.errors}
    assert result.refused and not blank.with_name("b.md").exists()
    f8 = next(f for f in result.errors if f.code == "F8")
    assert "三、依申请公开" in result.location(f8)  # points at the worksheet cells to fill in


def test_render_cli_refuses_a_blank_workbook_and_force_still_writes(blank: Path) -> None:
    out = blank.with_name("cli.md")
    refused = CliRunner().invoke(main, ["render", str(blank), "-o", str(out)])
    assert refused.exit_code == 1 and not out.exists()
    assert "[F8]" in refused.output and "[F9]" in refused.output
    forced = CliRunner().invoke(main, ["render", str(blank), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.exists()


def test_real_reports_and_an_all_zero_table_are_not_empty(reports: dict[str, Report]) -> None:
    for rep in reports.values():
        assert not _codes(rep) & {"F8", "F9"}
    zeros = copy.deepcopy(reports["s000"])
    for vals in zeros.requests.values():
        for v in vals:
            v.value, v.raw, v.derived = 0, "0", None
    assert "F8" not in _codes(zeros)  # no requests received is a valid 表三


def test_an_overview_of_whitespace_is_empty(reports: dict[str, Report]) -> None:
    rep = copy.deepcopy(reports["s000"])
    rep.sections["一"].text = "\n  \u3000"
    assert "F9" in _codes(rep)


# -- item 14: check --------------------------------------------------------------------------


def test_check_flags_two_files_of_one_body_and_year() -> None:
    g001, s000, p001 = local_raw("g001"), local_raw("s000"), local_raw("p001")
    batch = gongkai.check([g001, s000, p001])
    d1 = {c.report.path: [f for f in c.findings if f.code == "D1"] for c in batch.checked}
    assert [f.severity for f in d1[str(g001)]] == ["warning"]
    assert str(s000) in d1[str(g001)][0].message
    assert str(g001) in d1[str(s000)][0].message
    assert d1[str(p001)] == []
    ignored = gongkai.check([g001, s000], ignore="D1")
    assert not any(f.code == "D1" for c in ignored.checked for f in c.findings)


def test_check_cli_names_the_other_copy() -> None:
    result = CliRunner().invoke(main, ["check", str(local_raw("g001")), str(local_raw("s000"))])
    assert "D1" in result.output and "可能是同一报告的重复文件" in result.output


def test_a_place_prefix_does_not_hide_a_duplicate(reports: dict[str, Report]) -> None:
    p001, p002 = reports["p001"], copy.deepcopy(reports["p002"])  # 洪泽区 / 淮安市洪泽区
    assert duplicate_groups([p001, p002]) == []  # 2023 and 2024: consecutive years, no copy
    p002.year = p001.year
    assert duplicate_groups([p001, p002]) == [[0, 1]]


# -- item 14: summarize ----------------------------------------------------------------------


@pytest.mark.parametrize("order", [("g001", "s000"), ("s000", "g001")])
def test_summarize_keeps_the_copy_read_directly(
    reports: dict[str, Report], order: tuple[str, str]
) -> None:
    summary = summarize([reports[c] for c in order], AGENCY, 2021)
    assert [Path(b.file).stem for b in summary.included] == ["s000"]
    (dup,) = summary.duplicates
    assert Path(dup.file).stem == "g001" and dup.duplicate_of == str(local_raw("s000"))
    assert "推断得到" in dup.reason
    assert "选用本份" in summary.included[0].reason


def test_prefer_keeps_the_named_copy(reports: dict[str, Report]) -> None:
    both = [reports["g001"], reports["s000"]]
    summary = summarize(both, AGENCY, 2021, prefer=[local_raw("g001")])
    assert [Path(b.file).stem for b in summary.included] == ["g001"]
    assert "--prefer" in summary.included[0].reason
    with pytest.raises(GongkaiError, match="不在本次汇总"):
        summarize(both, AGENCY, 2021, prefer=["nothere.txt"])


def test_the_later_publication_wins_between_equal_readings(reports: dict[str, Report]) -> None:
    early, late = copy.deepcopy(reports["s000"]), copy.deepcopy(reports["s000"])
    early.path, early.published = "early.txt", "2022-01-20"
    late.path, late.published = "late.txt", "2022-01-28"
    summary = summarize([early, late], AGENCY, 2021)
    assert [b.file for b in summary.included] == ["late.txt"]
    assert "公布日期较晚" in summary.duplicates[0].reason


def test_summarize_cli_prefer_option() -> None:
    g001, s000 = str(local_raw("g001")), str(local_raw("s000"))
    args = ["summarize", g001, s000, "--agency", AGENCY, "--year", "2021"]
    default = CliRunner().invoke(main, args)
    assert default.exit_code == 0, default.output
    assert "推断得到" in default.output and "重复 1 个" in default.output
    chosen = CliRunner().invoke(main, [*args, "--prefer", g001])
    assert chosen.exit_code == 0, chosen.output
    assert "按 --prefer 指定" in chosen.output
