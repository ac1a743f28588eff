"""Reading problems met in real pages, each on a document derived from a corpus report.

Every test takes a report of ../shared/corpus (raw text, a PDF's text layer, or gongkai's own
rendering of its label), changes it the way the problem does (the derivation is spelled out in
each test) and checks that the cells still come out exactly as the label says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from corpus_util import SHARED_CORPUS, load_label

import gongkai
from gongkai import templates as T
from gongkai.render import render
from gongkai.report import Report

RAW = SHARED_CORPUS / "raw"
LABELS = SHARED_CORPUS / "labels"

if not LABELS.is_dir():
    pytest.skip(f"{LABELS} is absent", allow_module_level=True)

NAMES = {"txt": "x.txt", "md": "x.md", "html": "x.html", "docx": "x.docx"}


def label(case: str) -> dict[str, Any]:
    return load_label(LABELS / f"{case}.json")


def raw_text(case: str) -> str:
    return (RAW / label(case)["raw"].removeprefix("raw/")).read_text(encoding="utf-8")


def read(data: str | bytes, fmt: str = "txt") -> Report:
    b = data.encode("utf-8") if isinstance(data, str) else data
    return gongkai.read(b, name=NAMES[fmt])


def cell_values(rep: Report) -> dict[str, object]:
    return {name: v.value for name, v in rep.cells()}


def assert_cells_as_labelled(rep: Report, case: str) -> None:
    want = cell_values(Report.from_dict(label(case)))
    got = cell_values(rep)
    wrong = {
        k: (got.get(k, "<missing>"), w) for k, w in want.items() if got.get(k, "<missing>") != w
    }
    assert not wrong, wrong
    assert set(got) == set(want), set(got) ^ set(want)


def tables_region(text: str) -> tuple[int, int]:
    """Start and end of the statistics tables (section 二 up to section 五) of a raw text."""
    start, end = text.find("二、主动公开政府信息情况"), text.find("五、存在的主要问题")
    assert 0 < start < end
    return start, end


def rendering(case: str, fmt: str) -> bytes:
    return render(Report.from_dict(label(case)), fmt)


def test_corpus_texts_read_as_labelled() -> None:
    """The unchanged documents the derivations below start from read exactly as labelled."""
    for case in ("r001", "r002"):
        assert_cells_as_labelled(read(raw_text(case)), case)
        for fmt in ("md", "html", "docx"):
            assert_cells_as_labelled(read(rendering(case, fmt), fmt), case)


# -- a. full-width digits -------------------------------------------------------------------


def test_a_full_width_digits() -> None:
    # r001.txt with every ASCII digit between 二、主动公开 and 五、存在的主要问题 (all table
    # cells, e.g. 7417 -> ７４１７, 397.619 -> ３９７.６１９) made full-width.
    text = raw_text("r001")
    s, e = tables_region(text)
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    derived = text[:s] + text[s:e].translate(full) + text[e:]
    assert "７４１７" in derived and "7417" not in derived
    assert_cells_as_labelled(read(derived), "r001")


# -- b. note line under 表四 ----------------------------------------------------------------

NOTE = "注：行政复议、行政诉讼数量含上年度结转数量。"


def _note_in_text() -> tuple[bytes, str]:
    # r001.txt (one cell per line): the note as its own line after the last 表四 value,
    # just before 五、存在的主要问题及改进情况.
    text = raw_text("r001")
    _, e = tables_region(text)
    return (text[:e] + NOTE + "\n" + text[e:]).encode("utf-8"), "txt"


def _note_in_markdown() -> tuple[bytes, str]:
    # gongkai's Markdown (pipe table) rendering of r001's label, the note as a paragraph after
    # the 表四 pipe table, before the heading of section 五.
    md = rendering("r001", "md").decode("utf-8")
    assert md.count("## 五、") == 1
    return md.replace("## 五、", NOTE + "\n\n## 五、").encode("utf-8"), "md"


def _note_in_html() -> tuple[bytes, str]:
    # gongkai's HTML rendering of r001's label, <p>note</p> right after the 表四 </table>.
    html = rendering("r001", "html").decode("utf-8")
    i = html.rfind("</table>") + len("</table>")
    assert "行政复议" in html[html.rfind("<table", 0, i) : i]
    return (html[:i] + f"<p>{NOTE}</p>" + html[i:]).encode("utf-8"), "html"


@pytest.mark.parametrize("make", [_note_in_text, _note_in_markdown, _note_in_html])
def test_b_note_under_table_four_keeps_its_cells(make: Callable[[], tuple[bytes, str]]) -> None:
    data, fmt = make()
    rep = read(data, fmt)
    assert rep.review_litigation is not None, rep.warnings
    assert [v.value for v in rep.review_litigation] == label("r001")["review_litigation"]
    assert_cells_as_labelled(rep, "r001")


# -- c./d. blank cells in r002 ---------------------------------------------------------------

R002_SOURCES = ["txt", "md", "html", "docx"]


def _r002(fmt: str) -> Report:
    # r002.txt itself, or gongkai's own rendering of r002's label in that format.
    return read(raw_text("r002") if fmt == "txt" else rendering("r002", fmt), fmt)


@pytest.mark.parametrize("fmt", R002_SOURCES)
def test_c_blank_review_cells_beside_zero_totals_are_not_glued(fmt: str) -> None:
    # r002's 表四: only the three 总计 cells hold 0, the other twelve are blank. Reading the
    # three zeros as one glued "000" would shift them into blank cells.
    want = label("r002")["review_litigation"]
    assert want.count(None) == 12 and want.count(0) == 3
    rep = _r002(fmt)
    assert rep.review_litigation is not None
    assert [v.value for v in rep.review_litigation] == want
    assert not any(v.ambiguous for v in rep.review_litigation)
    assert not [w for w in rep.warnings if "000" in w]


@pytest.mark.parametrize("fmt", R002_SOURCES)
def test_d_all_blank_rows_are_seven_blanks(fmt: str) -> None:
    # r002 (2019 template) prints （二）部分公开, every 不予公开 row, 3.补正后…, every 不予处理 row
    # and （六）其他处理 with seven blank cells.
    blank_rows = [k for k, v in label("r002")["requests"].items() if v == [None] * 7]
    assert "other" in blank_rows and "denied_1_state_secret" in blank_rows
    assert len(blank_rows) == 16
    rep = _r002(fmt)
    for key in blank_rows:
        assert key in rep.requests, key
        assert [v.value for v in rep.requests[key]] == [None] * 7, key
    assert_cells_as_labelled(rep, "r002")


# -- e. Kangxi radicals ------------------------------------------------------------------------


def _to_kangxi(text: str) -> tuple[str, int]:
    # Every CJK character that is the NFKC form of a Kangxi radical (U+2F00–U+2FD5), e.g.
    # 行 <- ⾏ U+2F8F, 一 <- ⼀ U+2F00, 人 <- ⼈, 日 <- ⽇, replaced by that radical.
    back = {}
    for cp in range(0x2F00, 0x2FD6):
        plain = unicodedata.normalize("NFKC", chr(cp))
        if plain != chr(cp):
            back[ord(plain)] = chr(cp)
    out = text.translate(back)
    return out, sum(a != b for a, b in zip(out, text, strict=True))


@pytest.mark.parametrize("case", ["r001", "r002"])
def test_e_kangxi_radicals_read_like_the_original(case: str) -> None:
    text, changed = _to_kangxi(raw_text(case))
    assert "\u2f8f" in text and changed > 50  # ⾏: 行政许可, 行政处罚 … are all changed
    assert_cells_as_labelled(read(text), case)


# -- f. encodings and separators ---------------------------------------------------------------


def _rows_on_one_line(region: str, sep: str) -> str:
    # r001's tables are one cell per line; put each row's values after its label, joined by sep
    # (e.g. "行政规范性文件\u30003\u30005\u3000156"). Header cells stay on their own lines.
    lines: list[str] = []
    for line in (x.strip() for x in region.splitlines()):
        if not line:
            continue
        if lines and re.fullmatch(r"[\d.,]+", line):
            lines[-1] += sep + line
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _f_variant(kind: str) -> bytes:
    text = raw_text("r001")
    s, e = tables_region(text)
    if kind == "crlf":  # every line end CR LF
        return text.replace("\n", "\r\n").encode("utf-8")
    if kind == "gbk":  # the whole page encoded in GBK instead of UTF-8
        return text.encode("gbk")
    if kind in ("nbsp", "ideographic_space"):
        sep = "\u00a0" if kind == "nbsp" else "\u3000"
        return (text[:s] + _rows_on_one_line(text[s:e], sep) + text[e:]).encode("utf-8")
    if kind == "thousands":  # 行政许可 7417 written 7,417
        assert text.count("\n7417\n") == 1
        return text.replace("\n7417\n", "\n7,417\n").encode("utf-8")
    assert kind == "all"  # all of them at once: U+3000 rows, 7,417, CR LF, GBK
    table = _rows_on_one_line(text[s:e], "\u3000").replace("\u30007417", "\u30007,417")
    assert "7,417" in table
    return (text[:s] + table + text[e:]).replace("\n", "\r\n").encode("gbk")


@pytest.mark.parametrize("kind", ["crlf", "gbk", "nbsp", "ideographic_space", "thousands", "all"])
def test_f_line_ends_encoding_separators_thousands(kind: str) -> None:
    data = _f_variant(kind)
    assert data != raw_text("r001").encode("utf-8")
    assert_cells_as_labelled(read(data), "r001")


# -- g. pinyin glosses ------------------------------------------------------------------------

PINYIN = {
    "数": "shù",
    "请": "qǐng",
    "申": "shēn",
    "开": "kāi",
    "政": "zhèng",
    "处": "chǔ",
    "理": "lǐ",
    "复": "fù",
    "议": "yì",
    "诉": "sù",
    "讼": "sòng",
    "规": "guī",
    "结": "jié",
    "转": "zhuǎn",
}


def test_g_pinyin_glosses_in_table_labels() -> None:
    # r001.txt with a gloss after every 数 请 申 开 政 处 理 复 议 诉 讼 规 结 转 of the table
    # region, as hijacked mirror sites print them: 本年制发件数(shù), 行政(zhèng)许可,
    # 行政复(fù)议(yì), 上年结(jié)转(zhuǎn)政(zhèng)府信息公开(kāi)申(shēn)请(qǐng)数(shù)量 …
    text = raw_text("r001")
    s, e = tables_region(text)
    region = text[s:e]
    for ch, py in PINYIN.items():
        region = region.replace(ch, f"{ch}({py})")
    assert "件数(shù)" in region and "行政(zhèng)复(fù)议(yì)" in region
    assert_cells_as_labelled(read(text[:s] + region + text[e:]), "r001")


# -- h. page breaks inside tables of PDF text ---------------------------------------------------


def _line_start(text: str, prefix: str) -> int:
    i = text.find("\n" + prefix) + 1
    assert i > 0, prefix
    return i


def _after_line(text: str, prefix: str, insert: str) -> str:
    j = text.index("\n", _line_start(text, prefix)) + 1
    return text[:j] + insert + text[j:]


def _page_break_in(text: str, where: str, page_break: str) -> str:
    if where == "table2":  # between 行政规范性文件 and 第二十条第（五）项
        return _after_line(text, "行政规范性文件", page_break)
    header3 = text[text.index("申请人情况") : text.index("一、本年新收")]
    if where == "table3":  # between rows 2. and 3. of 不予公开, 表三's column header repeated
        return _after_line(text, "2.其他法律", page_break + header3)
    assert where == "table4"  # between 表四's header and its row of values, header repeated
    start = text.index("行政复议\t行政诉讼")
    values = text.index("\n", text.rindex("总计\n", 0, text.index("五、存在"))) + 1
    header4 = text[start:values]
    return text[:values] + page_break + header4 + text[values:]


@pytest.mark.parametrize("page_number", ["— 5 —", "- 5 -", "第 5 页"])
@pytest.mark.parametrize("where", ["table2", "table3", "table4"])
@pytest.mark.parametrize("case", ["p001", "p002", "p003"])
def test_h_page_numbers_and_repeated_headers_are_not_cells(
    case: str, where: str, page_number: str
) -> None:
    # The text layer of the corpus PDF (what gongkai's PDF reader gives), with a page break
    # inserted inside a table: the page number line, the running header "<agency><year>年政府
    # 信息公开工作年度报告", and (tables 三 and 四) the table's column header repeated.
    text = gongkai.readers.load(RAW / f"{case}.pdf").text()
    lab = label(case)
    page_break = f"{page_number}\n{lab['agency']}{lab['year']}年政府信息公开工作年度报告\n"
    derived = _page_break_in(text, where, page_break)
    assert derived.count(page_number) == text.count(page_number) + 1
    assert_cells_as_labelled(read(derived), case)


# -- i. a number letter-spaced by a PDF-to-text step ("1 6" for 16) ------------------------------


def test_i_letter_spaced_number_in_a_cell_per_line_table() -> None:
    # r001.txt, one cell per line: its 一、本年新收 row is 18 1 0 0 0 0 19; write the 总计 cell
    # "19" as "1 9", as a PDF-to-text step letter-spaces a number (real: an excerpt's "1 6").
    text = raw_text("r001")
    start = text.index("一、本年新收政府信息公开申请数量")
    total = text.index("\n19\n", start)
    spaced = text[: total + 1] + "1 9" + text[total + 3 :]
    rep = read(spaced)
    assert [v.value for v in rep.requests["new"]] == [18, 1, 0, 0, 0, 0, 19]
    assert_cells_as_labelled(rep, "r001")


# -- j. labels printed apart from their numbers: never blanks where numbers are ------------------


def test_j_labels_before_their_numbers_are_never_read_as_blank_rows() -> None:
    # r001's 表三 written as a PDF-to-text step can give it: the 25 row labels one per line,
    # then the rows' numbers. Nothing may come out blank where the label has a number.
    want = label("r001")
    text = raw_text("r001")
    start = text.index("（本列数据的勾稽关系")
    end = text.index("四、因政府信息公开工作被申请行政复议")
    keys = list(want["requests"])
    labels = {r.key: r.label for r in T.REQUESTS_2021}
    moved = (
        "\n".join(labels[k] for k in keys)
        + "\n"
        + "\n".join(" ".join(str(v) for v in want["requests"][k]) for k in keys)
    )
    rep = read(text[:start] + moved + "\n" + text[end:])
    for key, values in want["requests"].items():
        got = rep.requests.get(key)
        if got is None:
            continue  # not found: named in the warnings, never invented
        for v, expected in zip(got, values, strict=True):
            assert v.ambiguous or v.value == expected, (key, v.value, expected)
