"""Pre-2019 statistics appendices in every rendering, on documents derived from corpus reports.

The appendix of a real report is cut into its cells and written again as a pipe table, one
cell per line, one row per line with spaces, and glued crawler text. Every rendering must
read without a wrong cell; a glued run that fits several readings must abstain.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS, load_label

import gongkai
from gongkai.extract.legacy_split import splits
from gongkai.report import Report, Value


def _corpus(case: str) -> tuple[str, dict[str, Any]]:
    for root in (LOCAL_CORPUS, SHARED_CORPUS):
        label = root / "labels" / f"{case}.json"
        if label.is_file():
            data = load_label(label)
            return (root / data["raw"]).read_text(encoding="utf-8"), data
    pytest.skip(f"corpus case {case} not available")


def _read(text: str) -> Report:
    return gongkai.read(text.encode("utf-8"), name="derived.txt")


def _plain(v: Value | list[Value]) -> Any:
    return [x.value for x in v] if isinstance(v, list) else v.value


def _r008_rows() -> tuple[str, list[list[str]], dict[str, Any]]:
    """r008's narrative and its appendix as rows of cells (header row first)."""
    text, label = _corpus("r008")
    start = text.index("指标名称 计量单位")
    body = text[start : text.index("附件下载")].split()
    rows = [body[i : i + 4] for i in range(0, len(body), 4)]
    assert all(len(r) == 4 for r in rows)
    return text[:start], rows, label


def _s002_rows() -> tuple[str, list[list[str]], dict[str, Any]]:
    """s002's narrative and its pipe appendix as rows of cells (header row first)."""
    text, label = _corpus("s002")
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("统计指标 |"))
    rows = []
    for line in lines[head:]:
        if "|" not in line:
            break
        cells = [c.strip() for c in line.split("|")]
        rows.append([*cells, "", ""][:3])
    return "\n".join(lines[: head - 1]), rows, label


def _pipe(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def _cell_per_line(rows: list[list[str]]) -> str:
    return "\n\n".join("\n".join(c for c in r) for r in rows)


def _spaced(rows: list[list[str]]) -> str:
    return " ".join(c for r in rows for c in r if c)


def _glued(rows: list[list[str]]) -> str:
    return "".join(c for r in rows for c in r)


RENDER = {"pipe": _pipe, "cell_per_line": _cell_per_line, "spaced": _spaced, "glued": _glued}


def _assert_exact(rep: Report, label: dict[str, Any]) -> None:
    got = {k: _plain(v) for k, v in rep.legacy.items()}
    assert got == label["legacy"]
    assert rep.template == "legacy"
    for v in rep.legacy.values():
        for x in v if isinstance(v, list) else [v]:
            assert x.source is not None


@pytest.mark.parametrize("rendering", sorted(RENDER))
def test_r008_appendix_in_every_rendering(rendering: str) -> None:
    narrative, rows, label = _r008_rows()
    rep = _read(narrative + "\n" + RENDER[rendering](rows) + "\n")
    _assert_exact(rep, label)
    assert rep.legacy_columns == label["legacy_columns"] == ["2014年度", "历年累计"]


def test_r008_glued_without_narrative_figure_abstains() -> None:
    """Without "主动公开政府信息 2543条" the run 254378967 has four readings: abstain."""
    narrative, rows, label = _r008_rows()
    narrative = narrative.replace("2543条", "若干条")
    rep = _read(narrative + "\n" + _glued(rows))
    undecided = {"主动公开文件数", "其中：1、政府网站公开数"}
    for key, want in label["legacy"].items():
        got = rep.legacy[key]
        assert isinstance(got, list)
        if key in undecided:
            assert all(v.ambiguous and v.value is None and v.raw == "254378967" for v in got)
        else:
            assert [v.value for v in got] == want
    assert any("254378967" in w for w in rep.warnings)


@pytest.mark.parametrize("rendering", ["pipe", "cell_per_line", "spaced"])
def test_s002_appendix_in_other_renderings(rendering: str) -> None:
    narrative, rows, label = _s002_rows()
    rep = _read(narrative + "\n" + RENDER[rendering](rows) + "\n")
    _assert_exact(rep, label)
    assert rep.legacy_columns == []


def test_s002_appendix_glued_has_no_wrong_cell() -> None:
    """Glued, a blank value cell vanishes between a unit and the next label: that one row
    cannot be found, every other row reads exactly (numbering peeled off the digits)."""
    narrative, rows, label = _s002_rows()
    rep = _read(narrative + "\n" + _glued(rows))
    got = {k: _plain(v) for k, v in rep.legacy.items()}
    wrong = {k: v for k, v in got.items() if label["legacy"].get(k, "missing") != v}
    assert wrong == {}
    assert set(label["legacy"]) - set(got) <= {"七、依申请公开信息收取的费用"}


_PAGE_MARKS = ("— {} —", "- {} -", "第 {} 页")


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _paged_pipe(rows: list[list[str]], per_page: int, long_label: int) -> str:
    """The pipe table as PDF-to-markdown tools write it: a page number and the header row
    again every ``per_page`` rows, and a long (wrapped) label on a row of its own with its
    values on the next row."""
    head = _pipe(rows[:1]).splitlines()
    out = list(head)
    for k, row in enumerate(rows[1:]):
        if k and k % per_page == 0:
            page = k // per_page + 1
            out += ["", _PAGE_MARKS[page % 3].format(page), "", *head]
        if len(row[0]) >= long_label and any(row[2:]):
            keep = len(row[0]) % 2  # unit with the label, or with the values
            out.append(_pipe_row(row[: 1 + keep] + [""] * (len(row) - 1 - keep)))
            out.append(_pipe_row([""] * (1 + keep) + row[1 + keep :]))
        else:
            out.append(_pipe_row(row))
    return "\n".join(out)


@pytest.mark.parametrize(("case", "long_label"), [("s002", 16), ("r008", 8)])
def test_paged_markdown_with_detached_labels_reads_exactly(case: str, long_label: int) -> None:
    """Repeated header rows and page numbers are no rows, the chunks are one table (the
    top-level row carries over), and a label row with blank values takes the values of the
    unlabelled row under it; a row whose value is really blank stays blank."""
    narrative, rows, label = _s002_rows() if case == "s002" else _r008_rows()
    text = _paged_pipe(rows, max(3, len(rows) // 4), long_label)
    assert text.count(rows[0][0]) > 2 and "第 " in text
    assert any(line.startswith("|  |") for line in text.splitlines())
    rep = _read(narrative + "\n" + text + "\n")
    _assert_exact(rep, label)


def test_r003_reads_whether_cells_are_paragraphs_or_a_table() -> None:
    """r003 one cell per line; the same cells on one line with spaces read the same."""
    text, label = _corpus("r003")
    _assert_exact(_read(text), label)
    cells = [line.strip() for line in text.splitlines() if line.strip()]
    assert cells[:3] == ["统计指标", "单位", "统计数"]
    rep = _read(_spaced([cells]))
    _assert_exact(rep, label)


@pytest.mark.parametrize("case", ["r006", "r007"])
def test_glued_appendix_splits_as_labelled(case: str) -> None:
    text, label = _corpus(case)
    rep = _read(text)
    _assert_exact(rep, label)
    assert rep.legacy_columns == label["legacy_columns"]
    assert not any(v.ambiguous for lv in rep.legacy.values() for v in _list(lv))


@pytest.mark.parametrize("case", ["r006", "r007"])
def test_glued_appendix_spaced_again_reads_the_same(case: str) -> None:
    """Spaces put back between the label cells and values of a glued report: same values."""
    text, label = _corpus(case)
    head = re.search(r"指标名称计量单位\d{4}年度历年累计", text)
    assert head is not None
    cells = [head.group()[:4], "计量单位", *re.findall(r"\d{4}年度|历年累计", head.group())]
    for key, vals in label["legacy"].items():
        unit = "元" if "金额" in key else ("件" if text.find(key + "件") >= 0 else "条")
        cells += [key, unit, *(str(v) for v in vals)]
    rep = _read(text[: head.start()] + " ".join(cells))
    _assert_exact(rep, label)


def _list(lv: Value | list[Value]) -> list[Value]:
    return lv if isinstance(lv, list) else [lv]


def test_splits_without_leading_zeros() -> None:
    assert splits("2121", 2) == [(2, 121), (21, 21), (212, 1)]
    assert splits("07", 2) == [(0, 7)]
    assert splits("00", 2) == [(0, 0)]
    assert splits("1007", 2) == [(100, 7)]


def test_no_header_no_text_table() -> None:
    with pytest.raises(gongkai.GongkaiError):
        _read("主动公开文件数条294981916")


def test_two_column_glued_form_decides_by_sums_or_abstains() -> None:
    """s002's appendix given a 历年累计 column equal to the year's and glued, without its
    narrative. With 收到申请数 12 = 当面 11 + 信函 1, "1212" (1|212 or 12|12) and "1111"
    are fixed only by the national form's sum 当面 + 传真 + 网络 + 信函; rows no rule
    decides abstain; no cell is wrong."""
    _, rows, label = _s002_rows()
    want = dict(label["legacy"])
    changed = {"(一)收到申请数": "12", "1.当面申请数": "11", "4.信函申请数": "1"}
    doubled = [["统计指标", "单位", "2018年度", "历年累计"]]
    top = ""
    for r in rows[1:]:
        top = r[0] if re.match("[一二三四五六七八九]、", r[0]) else top
        v = changed.get(r[0], r[2]) if top.startswith("三、") else r[2]
        doubled.append([r[0], r[1], v, v])
        key = f"{top}/{r[0]}" if top and top != r[0] else r[0]
        if key in want:
            want[key] = None if v == "" else int(v)
    rep = _read(_glued(doubled))
    assert rep.legacy_columns == ["2018年度", "历年累计"]
    decided = abstained = 0
    for key, lv in rep.legacy.items():
        for v in _list(lv):
            if v.ambiguous:
                abstained += 1
                assert v.value is None and v.raw
            else:
                decided += 1
                assert v.value == want[key], key
    got = rep.legacy["三、依申请公开情况/(一)收到申请数"]
    assert isinstance(got, list) and [v.value for v in got] == [12, 12]
    assert got[0].derived is not None and "分项之和" in got[0].derived
    assert abstained and decided > abstained


def test_r003_groups_as_a_misaligned_grid_read_from_text() -> None:
    """r003's blank-line separated groups made rows of a pipe table: a wrapped label takes
    a cell of its own and shifts the unit and value; the reading falls back to the text."""
    text, label = _corpus("r003")
    groups = [g.split("\n") for g in re.split(r"\n\s*\n+", text.strip())]
    width = max(len(g) for g in groups)
    rows = [[*g, *[""] * (width - len(g))] for g in groups if any(c.strip() for c in g)]
    rep = _read(_pipe(rows))
    _assert_exact(rep, label)
