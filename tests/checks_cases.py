"""For every rule: a real document that passes it and one that fails it.

Each builder takes a corpus directory and returns (report, previous-year report or None).
Where the corpus has a real failing document it is used as is; otherwise a corpus report is
changed here, and the change is spelled out next to the rule code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checks_support import (
    cell,
    label_report,
    read_report,
    replace_text,
    set_active,
    set_request,
    set_review,
    set_section,
)

from gongkai.report import Report, Value

Built = tuple[Report, Report | None]
Builder = Callable[[Path], Built]


def labels(case: str) -> Builder:
    return lambda corpus: (label_report(corpus, case), None)


def document(case: str) -> Builder:
    return lambda corpus: (read_report(corpus, case), None)


def changed(base: Builder, edit: Callable[[Report], object]) -> Builder:
    def build(corpus: Path) -> Built:
        rep, prev = base(corpus)
        edit(rep)
        return rep, prev

    return build


def pair(
    case: str, previous: str, edit_previous: Callable[[Report], object] | None = None
) -> Builder:
    def build(corpus: Path) -> Built:
        prev = read_report(corpus, previous)
        if edit_previous is not None:
            edit_previous(prev)
        return read_report(corpus, case), prev

    return build


def same_text_last_year(case: str) -> Builder:
    def build(corpus: Path) -> Built:
        rep, prev = read_report(corpus, case), read_report(corpus, case)
        assert rep.year is not None
        prev.year = rep.year - 1
        return rep, prev

    return build


# -- 2019 template and legacy cumulative columns: none in the corpus, so p001 / s002 changed --

ACTIVE_2019: dict[str, list[object]] = {
    "规章": [2, 2, 10],
    "规范性文件": [5, 5, 30],
    "行政许可": [20, 2, 550],
    "其他对外管理服务事项": [3, 0, 12],
    "行政处罚": [40, -2, 4119],
    "行政强制": [10, 0, 195],
    "行政事业性收费": [8, -1],
    "政府集中采购": [13, "575394432.52元"],
}


def as_2019(
    corpus: Path, year: int = 2020, active: dict[str, list[object]] | None = None
) -> Report:
    """p001's ground truth in the 2019 layout (its （六） is one row, as in 2019)."""
    from checks_support import label

    data = label(corpus, "p001")
    data.update(template="2019", year=year, active=active or ACTIVE_2019)
    return Report.from_dict(data)


def with_active(corpus: Path, **rows: list[object]) -> Built:
    return as_2019(corpus, active={**ACTIVE_2019, **rows}), None


def previous_2019(corpus: Path, **rows: list[object]) -> Built:
    """A 2020 report and its 2019 predecessor, consistent unless ``rows`` change the latter."""
    earlier: dict[str, list[object]] = {
        "规章": [1, 1, 8],
        "规范性文件": [4, 4, 25],
        "行政许可": [18, 2, 500],
        "其他对外管理服务事项": [3, 0, 10],
        "行政处罚": [41, -1, 4000],
        "行政强制": [10, 0, 180],
        "行政事业性收费": [9, -1],
        "政府集中采购": [10, "100000元"],
    }
    return as_2019(corpus), as_2019(corpus, 2019, {**earlier, **rows})


def cumulative(corpus: Path, year: int = 2018, offset: int = 100, broken: bool = False) -> Report:
    """s002's appendix with a second column 历年累计 = offset + this year (one row broken)."""
    rep = label_report(corpus, "s002")
    rep.year = year
    rep.legacy_columns = [f"{year}年度", "历年累计"]
    for i, (key, v) in enumerate(list(rep.legacy.items())):
        assert isinstance(v, Value)
        n = v.number or 0
        total = offset + n - (2 * n + 1 if broken and i == 0 else 0)
        rep.legacy[key] = [v, cell(total)]
    return rep


def cumulative_pair(corpus: Path, broken: bool = False) -> Built:
    prev = cumulative(corpus, 2017, 100)
    rep = label_report(corpus, "s002")
    rep.legacy_columns = ["2018年度", "历年累计"]
    for i, (key, v) in enumerate(list(rep.legacy.items())):
        assert isinstance(v, Value)
        before = prev.legacy[key]
        assert isinstance(before, list)
        total = (before[1].number or 0) + (v.number or 0) + (1 if broken and i == 0 else 0)
        rep.legacy[key] = [v, cell(total)]
    return rep, prev


def _with_subtotals(rep: Report, wrong: bool) -> None:
    rows = [k for k in rep.requests if k.startswith("denied_")]
    sums = [sum(rep.requests[k][c].number or 0 for k in rows) for c in range(7)]
    if wrong:
        sums[0] += 1
    rep.requests["denied_subtotal"] = [cell(n) for n in sums]


def _blank_review(rep: Report) -> None:
    rep.review_litigation = [cell(None) for _ in range(15)]


def _requests_unfilled(rep: Report) -> None:
    """表三 as an unfilled workbook reads: input cells blank, the computed totals 0."""
    for key, vals in rep.requests.items():
        total = key == "total" or key.endswith("_subtotal")
        rep.requests[key] = [cell(0 if total or i == len(vals) - 1 else None) for i in range(7)]


def _drop_row(rep: Report) -> None:
    del rep.requests["rejected_3_publications"]


def _review_moved(rep: Report) -> None:
    # all reconsiderations of s000 gone, the litigation after review stays
    for i in range(5):
        set_review(rep, i, 0)


def _glued_after_review(rep: Report) -> None:
    # p002 复议后起诉 维持2 纠正0 read as "20" and a blank
    set_review(rep, 10, 20)
    set_review(rep, 11, None)


def _ambiguous(rep: Report) -> None:
    rep.requests["new"][0] = Value(None, "2920", ambiguous=True)


def _claims_lawsuit_lost(rep: Report) -> None:
    # s001 says 没有…行政诉讼败诉; here the table books one corrected lawsuit
    set_review(rep, 6, 1)
    set_review(rep, 9, 1)


def _fee_in_yuan(rep: Report) -> None:
    rep.active["admin_fees"][0] = Value(448620, "448620元", unit="元")


def _sections_swapped(rep: Report) -> None:
    order = ["一", "二", "四", "三", "五", "六"]
    rep.sections = {n: rep.sections[n] for n in order}


CASES: dict[str, tuple[Builder, Builder]] = {
    # Table B
    "B1": (labels("p003"), changed(labels("s000"), lambda r: set_request(r, "new", 0, 30))),
    "B2": (labels("p003"), changed(labels("p003"), lambda r: set_request(r, "granted", 0, 1289))),
    "B3": (labels("p003"), changed(labels("p003"), lambda r: set_request(r, "partial", 6, 455))),
    "B4": (labels("p003"), changed(labels("s000"), lambda r: set_request(r, "partial", 1, -1))),
    "B5": (
        changed(labels("p003"), lambda r: _with_subtotals(r, False)),
        changed(labels("p003"), lambda r: _with_subtotals(r, True)),
    ),
    "B6": (labels("s000"), labels("d001")),
    "B7": (labels("p001"), changed(labels("p001"), lambda r: set_request(r, "other", 6, 10))),
    "B8": (
        labels("p003"),
        changed(labels("p003"), lambda r: set_request(r, "other_3_other", 6, 900)),
    ),
    "B9": (
        labels("s000"),
        changed(labels("s000"), lambda r: set_request(r, "carried_forward", 0, 40)),
    ),
    # Table C
    "C1": (labels("p002"), labels("p001")),
    "C2": (labels("p002"), labels("p001")),
    "C3": (labels("p002"), changed(labels("p002"), lambda r: set_review(r, 7, -1))),
    "C4": (labels("s000"), changed(labels("s000"), _review_moved)),
    "C5": (labels("d001"), changed(labels("d001"), lambda r: set_review(r, 2, None))),
    # Table A
    "A1": (labels("p003"), changed(labels("p003"), lambda r: set_active(r, "regulations", 0, -1))),
    "A2": (labels("s001"), changed(labels("s001"), _fee_in_yuan)),
    "A3": (
        labels("p002"),
        changed(labels("p002"), lambda r: set_active(r, "normative_docs", 2, 2)),
    ),
    "A4": (lambda c: with_active(c), lambda c: with_active(c, 规章=[2, 3, 10])),
    "A5": (lambda c: with_active(c), lambda c: with_active(c, 规章=[2, 2, 1])),
    "A6": (lambda c: with_active(c), lambda c: with_active(c, 行政事业性收费=[1, -3])),
    "A7": (lambda c: with_active(c), lambda c: with_active(c, 政府集中采购=[13, 575394432.52])),
    # legacy appendix
    "L1": (
        labels("s002"),
        changed(
            labels("s002"),
            lambda r: r.legacy.__setitem__("三、依申请公开情况/(一)收到申请数", cell(15)),
        ),
    ),
    "L2": (lambda c: (cumulative(c), None), lambda c: (cumulative(c, broken=True), None)),
    "L3": (
        labels("s002"),
        changed(
            labels("s002"),
            lambda r: r.legacy.__setitem__("三、依申请公开情况/(二)申请办结数", cell(20)),
        ),
    ),
    "L4": (
        labels("s002"),
        changed(
            labels("s002"),
            lambda r: r.legacy.__setitem__(
                "一、主动公开情况/(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)",
                cell(3000),
            ),
        ),
    ),
    # format
    "F1": (document("s000"), changed(document("s000"), lambda r: r.sections.pop("五"))),
    "F2": (labels("s000"), labels("p001")),
    "F3": (labels("s000"), changed(labels("s000"), _drop_row)),
    "F4": (labels("s000"), changed(labels("s000"), _blank_review)),
    "F5": (document("s000"), document("s004")),
    "F6": (document("s000"), changed(document("s000"), lambda r: set_section(r, "五", "无。"))),
    "F7": (document("s000"), changed(document("s000"), _sections_swapped)),
    "F8": (labels("s003"), changed(labels("s000"), _requests_unfilled)),  # s003: all zeros
    "F9": (document("s000"), changed(document("s000"), lambda r: set_section(r, "一", " \n"))),
    # text against tables
    "N1": (document("p001"), document("p002")),
    "N2": (
        document("p003"),
        changed(document("p003"), lambda r: replace_text(r, "答复3050件", "答复3000件")),
    ),
    "N3": (
        changed(
            document("s000"),
            lambda r: replace_text(
                r, "畅通政府信息", "本年自然人申请29件、法人或其他组织申请2件。畅通政府信息"
            ),
        ),
        changed(
            document("s000"),
            lambda r: replace_text(r, "畅通政府信息", "本年自然人申请30件。畅通政府信息"),
        ),
    ),
    "N4": (
        document("s001"),
        changed(document("s001"), lambda r: replace_text(r, "不予处理1件", "不予处理2件")),
    ),
    "N5": (
        document("s001"),
        changed(document("s001"), lambda r: replace_text(r, "占比66.7%", "占比60%")),
    ),
    "N6": (document("p003"), document("s002")),
    "N7": (
        document("s001"),
        changed(document("s001"), lambda r: set_active(r, "normative_docs", 0, 1)),
    ),
    "N10": (
        document("s002"),
        changed(
            document("s002"),
            lambda r: r.legacy.__setitem__(
                "一、主动公开情况/(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)",
                cell(2000),
            ),
        ),
    ),
    "N11": (document("s000"), document("s001")),
    # s001 states 统计期限 2021年1月1日…; the failing copy says 2020.
    "N9": (
        document("s001"),
        changed(document("s001"), lambda r: r.narrative.update(period_year=2020)),
    ),
    # d001's page says 公开日期 2024-01-17 (in time); the failing copy is published in March.
    "N13": (
        document("d001"),
        changed(document("d001"), lambda r: setattr(r, "published", "2024-03-15")),
    ),
    "N12": (document("s001"), changed(document("s001"), _claims_lawsuit_lost)),
    # across years
    "X1": (
        pair("p002", "p001"),
        pair("p002", "p001", lambda p: set_request(p, "carried_forward", 0, 2)),
    ),
    "X2": (
        pair("p002", "p001"),
        pair("p002", "p001", lambda p: set_active(p, "normative_docs", 2, 6)),
    ),
    "X3": (lambda c: previous_2019(c), lambda c: previous_2019(c, 规章=[1, 1, 5])),
    "X4": (lambda c: previous_2019(c), lambda c: previous_2019(c, 行政许可=[18, 5, 500])),
    "X6": (lambda c: cumulative_pair(c), lambda c: cumulative_pair(c, broken=True)),
    "X8": (pair("p002", "p001"), same_text_last_year("p002")),
    # glued digits
    "G1": (labels("p002"), changed(labels("p002"), _glued_after_review)),
    "G2": (labels("s000"), changed(labels("s000"), _ambiguous)),
    "G3": (document("s000"), document("g001")),
}
