"""The HTML reader on the real saved page d001 and on small pages for each quirk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx_builder import check_request_grid

from gongkai.errors import GongkaiError
from gongkai.model import Document, Paragraph, Table
from gongkai.readers import load
from gongkai.readers.html import decode_html, read_html
from gongkai.templates import (
    ACTIVE_2021,
    LITIGATION_HEADER,
    OUTCOMES,
    REQUESTS_2021,
    REVIEW_GROUPS,
    SECTIONS,
)

HERE = Path(__file__).parent
CORPORA = [p for p in (HERE / "corpus", HERE.parents[1] / "shared" / "corpus") if p.is_dir()]
D001 = [
    pytest.param(c / "raw" / "d001.html", c / "labels" / "d001.json", id=str(c))
    for c in CORPORA
    if (c / "raw" / "d001.html").exists()
]


def html(body: str, head: str = "") -> Document:
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    return read_html(page.encode("utf-8"), "t.html")


def grid(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def cell_str(value: Any) -> str:
    return "" if value is None else str(value)


# --- the real page -------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "labels"), D001)
def test_d001_tables_and_sections(raw: Path, labels: Path) -> None:
    truth = json.loads(labels.read_text("utf-8"))
    doc = read_html(raw.read_bytes(), str(raw))
    assert doc.format == "html"
    assert len(doc.tables) == 4
    meta_table, active, requests, review = doc.tables

    # The CMS metadata table, and the same facts in Document.meta / title.
    assert [row[0].text for row in meta_table.rows][:3] == ["名称", "索引号", "发布机构"]
    assert doc.meta["发布机构"] == truth["agency"] == meta_table.rows[2][1].text
    assert (
        doc.title is not None and truth["agency"] in doc.title and str(truth["year"]) in doc.title
    )

    # Table 二: every template row with its numbers in order, merged cells covered.
    for row_def in ACTIVE_2021:
        row = next(r for r in active.rows if r[0].text in row_def.all_labels)
        numbers = [c.text for c in row[1:] if not c.covered]
        assert numbers == [cell_str(v) for v in truth["active"][row_def.label]]

    # Table 三: the official 28 x 10 grid, spans included, values as the page prints them.
    values = {k: [cell_str(v) for v in truth["requests"][k]] for k in truth["requests"]}
    check_request_grid(requests, values)
    first = requests.rows[3]
    assert first[0].text == REQUESTS_2021[0].label
    assert [c.text for c in first[3:]] == ["26", "", "", "", "", "", "26"]

    # Table 四: two header rows of groups, one of outcomes, one of numbers.
    assert review.width == 15 and len(review.rows) == 4
    assert review.rows[0][0].text == REVIEW_GROUPS[0].label
    assert review.rows[0][5].text == LITIGATION_HEADER and review.rows[0][5].colspan == 10
    assert review.rows[1][5].text == REVIEW_GROUPS[1].label
    assert review.rows[1][10].text == REVIEW_GROUPS[2].label
    outcomes = [o.label for o in OUTCOMES]
    assert [c.text for c in review.rows[2][5:]] == outcomes * 2
    assert [c.text for c in review.rows[1][:5]] == outcomes
    assert [c.text for c in review.rows[3]] == [cell_str(v) for v in truth["review_litigation"]]

    # The six section headings are paragraphs, and each table follows its section.
    def section_at(number: str) -> int:
        for i, b in enumerate(doc.blocks):
            if isinstance(b, Paragraph) and b.text.startswith(f"{number}、"):
                section = next(s for s in SECTIONS if s.number == number)
                if any(t in b.text for t in section.all_titles):
                    return i
        raise AssertionError(f"section {number} not found")

    at = [section_at(s.number) for s in SECTIONS]
    assert at == sorted(at)
    table_at = [doc.blocks.index(t) for t in (active, requests, review)]
    assert at[1] < table_at[0] < at[2] < table_at[1] < at[3] < table_at[2] < at[4]


@pytest.mark.parametrize(("raw", "labels"), D001)
def test_d001_provenance(raw: Path, labels: Path) -> None:
    doc = read_html(raw.read_bytes(), str(raw))
    lines = [b.source.line for b in doc.blocks if isinstance(b, Paragraph)]
    assert lines == list(range(1, len(lines) + 1))
    for number, table in enumerate(doc.tables, 1):
        assert table.source.table == number
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row, 1):
                assert cell.source.table == number
                if not cell.covered:
                    assert (cell.source.row, cell.source.col) == (r, c)
                else:  # a covered position names the merged cell whose text it repeats
                    origin = table.rows[cell.source.row - 1][cell.source.col - 1]
                    assert origin.text == cell.text and not origin.covered


def test_d001_through_load() -> None:
    raw, _ = D001[0].values
    doc = load(Path(str(raw)))
    assert doc.path == str(raw) and len(doc.tables) == 4


# --- small pages, one quirk each --------------------------------------------------------


def test_rowspan_and_colspan_resolved() -> None:
    doc = html(
        "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td>1</td><td>2</td></tr><tr><td>C</td><td>3</td><td>4</td></tr></table>"
    )
    (table,) = doc.tables
    assert grid(table) == [["A", "B", "B"], ["A", "1", "2"], ["C", "3", "4"]]
    assert [[c.covered for c in row] for row in table.rows] == [
        [False, False, True],
        [True, False, False],
        [False, False, False],
    ]
    assert (table.rows[0][0].rowspan, table.rows[0][1].colspan) == (2, 2)


def test_header_colspan_not_lining_up_with_data() -> None:
    # The header covers 3 columns, data rows 4 and 6: the grid is as wide as the widest row.
    doc = html(
        "<table><tr><th colspan=2>项目</th><th>数量</th></tr>"
        "<tr><td>甲</td><td>乙</td><td>1</td><td>2</td></tr>"
        "<tr><td>丙</td><td colspan=5>3</td></tr></table>"
    )
    (table,) = doc.tables
    assert table.width == 6
    assert [c.text for c in table.rows[1] if not c.covered] == ["甲", "乙", "1", "2"]
    assert table.rows[0][3].covered and table.rows[0][3].text == ""
    assert table.rows[2][1].colspan == 5


def test_blank_cells_become_empty() -> None:
    doc = html(
        "<table><tr><td>a</td><td>&nbsp;</td><td>\u3000</td><td> \n </td>"
        "<td><p><span><o:p>&nbsp;</o:p></span></p></td><td>&nbsp;7&nbsp;</td></tr></table>"
    )
    assert grid(doc.tables[0]) == [["a", "", "", "", "", "7"]]


def test_br_and_paragraphs_in_cells_and_text() -> None:
    doc = html(
        "<p>第一行<br>第二行</p><div>块<div>内块</div>尾</div>"
        "<table><tr><th>商业<br>企业</th><th><p>科研</p><p>机构</p></th><th>x</th></tr>"
        "<tr><td>4575<br>0</td><td>12 34</td><td>1<br>二</td></tr></table>"
    )
    assert paragraphs(doc) == ["第一行", "第二行", "块", "内块", "尾"]
    assert grid(doc.tables[0]) == [["商业\n企业", "科研\n机构", "x"], ["45750", "12 34", "1\n二"]]


def test_labels_split_across_spans_are_joined() -> None:
    doc = html(
        "<table><tr><td><span>申请人情</span><span>况</span></td>"
        "<td><span>一</span>\n   <span>、本年新收</span></td><td><span>3</span><span>09</span></td>"
        "</tr></table><p><span>总体</span>\n<span>情况</span> <b>2023</b>\n<i>年</i></p>"
    )
    assert grid(doc.tables[0]) == [["申请人情况", "一、本年新收", "309"]]
    assert paragraphs(doc) == ["总体情况 2023 年"]


def test_scripts_styles_noscript_templates_ignored() -> None:
    doc = html(
        "<script>var x = '<table><tr><td>9</td></tr></table>';</script>"
        "<style>p { color: red }</style><noscript>请启用脚本</noscript>"
        "<template><p>模板</p></template><!-- 注释 --><p>正文</p>",
        head="<title>标题</title><script>var y;</script>",
    )
    assert paragraphs(doc) == ["正文"]
    assert doc.tables == [] and doc.title == "标题"


def test_headings_get_levels() -> None:
    doc = html("<h1>报告</h1><h2>一、总体情况</h2><p>正文</p><h3><span>（一）</span>主动</h3>")
    assert [(b.text, b.level) for b in doc.blocks if isinstance(b, Paragraph)] == [
        ("报告", 1),
        ("一、总体情况", 2),
        ("正文", 0),
        ("（一）主动", 3),
    ]


def test_layout_table_around_content_is_read_through() -> None:
    doc = html(
        "<table width=100%><tr><td>导航</td><td>"
        "<p>二、主动公开政府信息情况</p>"
        "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr>"
        "</table><p>三、收到和处理政府信息公开申请情况</p>"
        "<table><tr><td>a</td><td>b</td></tr></table></td></tr></table>"
    )
    kinds = [b.text if isinstance(b, Paragraph) else "TABLE" for b in doc.blocks]
    assert kinds == [
        "导航",
        "二、主动公开政府信息情况",
        "TABLE",
        "三、收到和处理政府信息公开申请情况",
        "TABLE",
    ]
    assert grid(doc.tables[0]) == [["信息内容", "本年制发件数"], ["规章", "3"]]
    assert [t.source.table for t in doc.tables] == [1, 2]


def test_single_cell_box_is_not_a_data_table() -> None:
    doc = html("<table><tr><td><p>一、总体情况</p><p>正文</p></td></tr></table>")
    assert doc.tables == [] and paragraphs(doc) == ["一、总体情况", "正文"]


def test_unclosed_tags() -> None:
    doc = html(
        "<p><span>表一<table><tr><td>规章<td>1<td>2<tr><td>规范性文件<td>3<td>4"
        "</table></span>后文<p>再一段"
    )
    assert grid(doc.tables[0]) == [["规章", "1", "2"], ["规范性文件", "3", "4"]]
    assert paragraphs(doc) == ["表一", "后文", "再一段"]


TEXT = "政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        (f'<html><head><meta charset="gbk"></head><body><p>{TEXT}</p></body></html>', "gbk"),
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"</head><body><p>{TEXT}</p></body></html>",
            "gb2312",
        ),
        (f"<html><body><p>{TEXT}</p></body></html>", "gbk"),  # no declaration at all
        (f"<html><body><p>{TEXT}</p></body></html>", "utf-8-sig"),  # BOM
        # GB18030-only character (a name, 王𫖯) in a page labelled gbk.
        (
            f'<html><head><meta charset="gbk"></head><body><p>王𫖯{TEXT}</p></body></html>',
            "gb18030",
        ),
        # Mislabelled: declared UTF-8 but saved as GBK.
        (f'<html><head><meta charset="utf-8"></head><body><p>{TEXT}</p></body></html>', "gbk"),
    ],
)
def test_encodings(page: str, encoding: str) -> None:
    doc = read_html(page.encode(encoding), "t.html")
    assert paragraphs(doc)[-1].endswith(TEXT)
    assert paragraphs(doc)[-1] == page.split("<p>")[1].split("</p>")[0]
    assert doc.warnings == []


def test_decode_falls_back_to_detection() -> None:
    # Neither UTF-8 nor GB18030 (strictly) and undeclared: statistical detection decides.
    page = "<p>" + "Ежегодный отчёт о раскрытии информации. " * 10 + "</p>"
    text, warning = decode_html(page.encode("cp1251"))
    assert text == page and warning is None


def test_title_and_cms_meta() -> None:
    doc = html(
        "<p>来源：某某区人民政府办公室 发布时间：2024-01-17</p>"
        "<table><tr><td>发布机构：</td><td>某某区司法局</td><td>索引号</td><td>001/2024-1</td></tr>"
        "</table>",
        head='<title> 某某区2023年 报告 </title><meta name="ArticleTitle" content="某某区报告">'
        '<meta name="ContentSource" content="某某区司法局">',
    )
    assert doc.title == "某某区2023年 报告"
    assert doc.meta["ArticleTitle"] == "某某区报告"
    assert doc.meta["ContentSource"] == "某某区司法局"
    assert doc.meta["发布机构"] == "某某区司法局"
    assert doc.meta["索引号"] == "001/2024-1"
    assert doc.meta["来源"] == "某某区人民政府办公室"
    assert doc.meta["发布时间"] == "2024-01-17"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>only a title</title></head><body>  &nbsp; </body></html>",
        b"<html><body><script>document.write('x')</script><table><tr><td></td></tr></table>",
        b"<!doctype html>",
    ],
)
def test_page_without_text_is_refused(page: bytes) -> None:
    with pytest.raises(GongkaiError) as error:
        read_html(page, "empty.html")
    assert error.value.message == "页面中没有可读的文字"
    assert error.value.path == "empty.html"


def test_deeply_nested_markup_does_not_overflow() -> None:
    doc = html("<div>" * 5000 + "深处" + "</div>" * 5000)
    assert paragraphs(doc) == ["深处"]


def test_caption_becomes_paragraph_before_table() -> None:
    doc = html("<table><caption>表1</caption><tr><td>a</td><td>1</td></tr></table>")
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "表1"
    assert grid(doc.tables[0]) == [["a", "1"]]
