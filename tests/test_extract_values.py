"""Cell values as written: blanks, placeholders, signs, decimals, units; encodings; legacy."""

from __future__ import annotations

import pytest
from corpus_util import local_label, local_raw

import gongkai
from gongkai.extract.text import parse_value


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("0", 0, None),
        (" 309 ", 309, None),
        ("1,234", 1234, None),
        ("44.862", 44.862, None),
        ("-15", -15, None),
        ("－15", -15, None),
        ("251000元", 251000, "元"),
        ("9116.36万元", 9116.36, "万元"),
        ("１２", 12, None),  # full-width digits
        ("", None, None),
        ("\u3000", None, None),
        ("/", "/", None),
        ("—", "—", None),
        ("无", "无", None),
    ],
)
def test_parse_value(raw: str, value: object, unit: str | None) -> None:
    parsed = parse_value(raw)
    assert parsed is not None
    assert parsed.value == value and type(parsed.value) is type(value)
    assert parsed.unit == unit


def test_labels_are_not_values() -> None:
    assert parse_value("行政许可") is None
    assert parse_value("2.其他法律行政法规禁止公开") is None


def test_cells_as_written_in_a_table() -> None:
    text = local_raw("s004").read_text(encoding="utf-8")
    text = text.replace("行政许可\t8\t", "行政许可\t/\t").replace("行政处罚\t0\t", "行政处罚\t—\t")
    text = text.replace("行政强制\t0\t", "行政强制\t\t").replace(
        "行政事业性收费\t1.4028", "行政事业性收费\t1.4028万元"
    )
    rep = gongkai.read(text.encode(), name="x.md")
    assert rep.active["admin_licensing"][0].value == "/"
    assert rep.active["admin_penalty"][0].value == "—"
    assert rep.active["admin_coercion"][0].value is None
    fee = rep.active["admin_fees"][0]
    assert fee.value == 1.4028 and fee.unit == "万元" and fee.raw == "1.4028万元"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_text_encodings(encoding: str) -> None:
    text = local_raw("s000").read_text(encoding="utf-8").replace("“", '"').replace("”", '"')
    rep = gongkai.read(text.encode(encoding), name="x.txt")
    label = local_label("s000")
    assert rep.agency == label["agency"]
    assert rep.to_dict(detail=False)["requests"] == label["requests"]


def test_legacy_table_with_two_value_columns() -> None:
    text = "\n".join(
        [
            "平潭综合实验区2017年政府信息公开工作年度报告",
            "一、概述",
            "本报告中所列数据统计期限为2017年1月1日至12月31日。",
            "指标名称 | 计量单位 | 2017年度 | 历年累计 |",
            "主动公开文件数 | 条 | 2069 | 12106 |",
            "其中：1.政府网站公开数 | 条 | 2000 | 11000 |",
            "受理依申请公开信息总数 | 条 | 5 | 40 |",
            "行政复议数 | 件 | 0 | |",
        ]
    )
    rep = gongkai.read(text.encode(), name="x.txt")
    assert rep.template == "legacy"
    assert rep.agency == "平潭综合实验区" and rep.year == 2017
    assert rep.legacy_columns == ["2017年度", "历年累计"]
    d = rep.to_dict(detail=False)["legacy"]
    assert d["主动公开文件数"] == [2069, 12106]
    assert d["行政复议数"] == [0, None]


def test_markdown_pipe_tables() -> None:
    """The s004 tables rewritten as Markdown pipe tables read the same."""
    lines = []
    for line in local_raw("s004").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            cells = line.split("\t")
            lines.append("| " + " | ".join(cells) + " |")
            if cells[0].startswith("第二十条第（一）项"):
                lines.append("|" + "---|" * len(cells))
        else:
            lines.append(line)
    rep = gongkai.read("\n".join(lines).encode(), name="x.md")
    label = local_label("s004")
    d = rep.to_dict(detail=False)
    assert (d["active"], d["requests"], d["review_litigation"]) == (
        label["active"],
        label["requests"],
        label["review_litigation"],
    )


def test_year_in_chinese_numerals() -> None:
    text = local_raw("s000").read_text(encoding="utf-8")
    text = text.replace("2021年政府信息公开", "二〇二一年度政府信息公开", 1)
    rep = gongkai.read(text.encode(), name="x.txt")
    assert (rep.agency, rep.year) == ("北京市西城区人力资源和社会保障局", 2021)


def test_agency_from_page_metadata_when_the_title_omits_it() -> None:
    body = local_raw("s004").read_text(encoding="utf-8")
    body = body.replace("# 西工区人力资源和社会保障局 2023 年政府信息公开 工作年度报告", "")
    rows = "".join(f"<p>{line}</p>" for line in body.splitlines() if "\t" not in line)
    tables = "".join(
        "<table>"
        + "".join(
            "<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>"
            for line in block.splitlines()
            if "\t" in line
        )
        + "</table>"
        for block in [body]
    )
    page = (
        "<html><head><title>2023年度政府信息公开工作年度报告</title></head><body>"
        "<table><tr><td>发布机构：</td><td>西工区人力资源和社会保障局</td></tr></table>"
        f"{rows}{tables}</body></html>"
    )
    rep = gongkai.read(page.encode(), name="x.html")
    assert rep.agency == "西工区人力资源和社会保障局"
    assert rep.year == 2023


@pytest.mark.parametrize("marker", ["- 3 -", "第 3 页", "3/5", None])
def test_table_split_by_a_page_break_with_repeated_header(marker: str | None) -> None:
    """A PDF-to-text table broken at a page: page number and repeated header mid-table."""
    lines = local_raw("s004").read_text(encoding="utf-8").split("\n")
    at = next(k for k, line in enumerate(lines) if "5. 属于三类内部事务信息" in line)
    header = next(line for line in lines if line.startswith("(本列数据"))
    inserted = ["", marker, "", header] if marker else ["", header]
    rep = gongkai.read("\n".join(lines[:at] + inserted + lines[at:]).encode(), name="x.md")
    assert rep.to_dict(detail=False)["requests"] == local_label("s004")["requests"]
    assert not rep.warnings
