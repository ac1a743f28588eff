"""Page layout of the renderings (issue 11, items 16 and 20).

The title breaks after the body's name, headings and table header/caption rows stay with what
follows, rows do not split, the sign-off is right-aligned, a PDF uses song, hei and kai faces,
and control characters in report text neither crash a rendering nor reach it. Structure is
asserted (DOCX XML, HTML elements, the fonts a PDF embeds), not pixels.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html  # type: ignore[import-untyped]

import gongkai
from gongkai.render import render, render_to
from gongkai.render.fonts import OFFICIAL, best_fonts, installed_families
from gongkai.render.layout import HEADER, layout
from gongkai.render.prose import clean_text, split_sign_off, subheading, title_lines
from gongkai.report import Report, SectionText, Value
from gongkai.templates import ACTIVE_CAPTIONS

HERE = Path(__file__).parent
TAIL = "2021年政府信息公开工作年度报告"
SIGN_OFF = ["北京市西城区人力资源和社会保障局", "2022年1月26日"]

needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdffonts") is None,
    reason="LibreOffice or poppler-utils not installed",
)


def _report() -> Report:
    path = HERE / "corpus" / "labels" / "s000.json"
    return Report.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _signed() -> Report:
    rep = _report()
    rep.sections["一"] = SectionText("一", "总体情况", "（一）主动公开情况\n本年度主动公开信息。")
    rep.sections["六"] = SectionText("六", "其他需要报告的事项", "无。\n" + "\n".join(SIGN_OFF))
    return rep


def _docx(rep: Report) -> Document:
    return open_docx(io.BytesIO(render(rep, "docx")))


def _keep_next(p: Paragraph) -> bool:
    if p.paragraph_format.keep_with_next:
        return True
    style = p.style
    while style is not None:
        if style.paragraph_format.keep_with_next:
            return True
        style = style.base_style
    return False


def _alignment(p: Paragraph) -> WD_ALIGN_PARAGRAPH | None:
    if p.alignment is not None:
        return p.alignment
    style = p.style
    while style is not None:
        align: WD_ALIGN_PARAGRAPH | None = style.paragraph_format.alignment
        if align is not None:
            return align
        style = style.base_style
    return None


# ---------------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------------


def test_title_breaks_after_the_agency_not_inside_a_word() -> None:
    title = _docx(_report()).paragraphs[0]
    runs = title._p.findall(qn("w:r"))
    texts = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in runs]
    assert texts == ["北京市西城区人力资源和社会保障局", TAIL]
    assert len(runs[0].findall(qn("w:br"))) == 1  # the break ends the agency's run
    assert not runs[1].findall(qn("w:br"))


def test_short_title_stays_on_one_line() -> None:
    rep = _report()
    rep.agency = "某某局"
    title = _docx(rep).paragraphs[0]
    assert not title._p.findall(".//" + qn("w:br"))
    assert title.text == "某某局" + TAIL


def test_title_lines() -> None:
    assert title_lines("某某局", 2021) == ["某某局", TAIL]
    assert title_lines(None, 2021) == [TAIL]
    assert title_lines("某某局", None) == ["某某局", "政府信息公开工作年度报告"]


def test_html_title_pieces_wrap_whole() -> None:
    tree = lxml_html.fromstring(render(_report(), "html"))
    spans = [s.text_content() for s in tree.xpath("//h1/span")]
    assert spans == ["北京市西城区人力资源和社会保障局", TAIL]
    assert "h1 span { display: inline-block; }" in render(_report(), "html").decode("utf-8")


# ---------------------------------------------------------------------------------------------
# headings, tables
# ---------------------------------------------------------------------------------------------


def test_headings_keep_with_next() -> None:
    doc = _docx(_report())
    headings = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert len(headings) == 6 and all(_keep_next(p) for p in headings)


def test_table_rows_do_not_split_and_headers_stay_with_next_row() -> None:
    rep = _report()
    doc = _docx(rep)
    lay = layout(rep)
    tables = [s.table for s in lay.sections if s.table is not None]
    assert len(doc.tables) == len(tables) == 3
    for lt, table in zip(tables, doc.tables, strict=True):
        for r, tr in enumerate(table._tbl.tr_lst):
            trpr = tr.trPr
            assert trpr is not None and trpr.find(qn("w:cantSplit")) is not None
            repeated = trpr.find(qn("w:tblHeader")) is not None
            assert repeated == (r < lt.header_rows)
            kinds = {c.kind for c in lt.rows[r]}
            kept = [_keep_next(Paragraph(p, table)) for p in tr.iter(qn("w:p"))]
            if r < lt.header_rows or kinds == {HEADER}:
                assert kept and all(kept), (lt.name, r)
            else:
                assert not any(kept), (lt.name, r)
    # Table A: each caption row (第二十条第（一）项 …) stays with its header row.
    captions = [
        tr
        for tr in doc.tables[0]._tbl.tr_lst
        if "".join(t.text or "" for t in tr.iter(qn("w:t"))) in ACTIVE_CAPTIONS
    ]
    assert len(captions) == 4
    assert all(_keep_next(Paragraph(tr.find(".//" + qn("w:p")), doc.tables[0])) for tr in captions)


def test_html_caption_rows_and_headings_avoid_page_breaks_after() -> None:
    data = render(_report(), "html")
    tree = lxml_html.fromstring(data)
    kept = [tr.text_content().strip() for tr in tree.xpath("//tr[@class='keep']")]
    captions = [c for c in ACTIVE_CAPTIONS if c in kept]
    assert len(captions) == 4  # 第二十条第（一）（五）（六）（八）项
    assert "信息内容本年制发件数本年废止件数现行有效件数" in kept  # header rows too
    data_rows = tree.xpath("//tr[not(@class)]")
    assert data_rows and all(tr.xpath("./td") for tr in data_rows)
    assert "page-break-after: avoid" in data.decode("utf-8")


# ---------------------------------------------------------------------------------------------
# sign-off, second-level headings
# ---------------------------------------------------------------------------------------------


def test_sign_off_right_aligned_in_docx() -> None:
    doc = _docx(_signed())
    last = [p for p in doc.paragraphs if p.text.strip()][-2:]
    assert [p.text for p in last] == SIGN_OFF
    assert all(_alignment(p) == WD_ALIGN_PARAGRAPH.RIGHT for p in last)
    body = next(p for p in doc.paragraphs if p.text == "无。")
    assert _alignment(body) == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_sign_off_right_aligned_in_html() -> None:
    data = render(_signed(), "html")
    tree = lxml_html.fromstring(data)
    assert [p.text_content() for p in tree.xpath("//p[contains(@class, 'sign-off')]")] == SIGN_OFF
    assert re.search(r"p\.sign-off \{ text-align: right;", data.decode("utf-8"))


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_sign_off_reads_back_into_the_last_section(fmt: str) -> None:
    rep = _signed()
    back = gongkai.read(render(rep, fmt), name=f"x.{fmt}")
    assert re.sub(r"\s+", "", back.sections["六"].text) == "无。" + "".join(SIGN_OFF)
    assert back.agency == rep.agency


def test_split_sign_off() -> None:
    assert split_sign_off(["正文。", *SIGN_OFF]) == (["正文。"], SIGN_OFF)
    assert split_sign_off(["正文。", "2022年1月26日"]) == (["正文。"], ["2022年1月26日"])
    glued = "均及时发布各类政府信息。威海市文登区人力资源和社会保障局2022年1月26日"
    assert split_sign_off([glued]) == (
        ["均及时发布各类政府信息。"],
        ["威海市文登区人力资源和社会保障局", "2022年1月26日"],
    )
    not_signed = ["本报告数据统计期限。数据截至2023年12月31日"]
    assert split_sign_off(not_signed) == (not_signed, [])
    assert split_sign_off(["没有落款。"]) == (["没有落款。"], [])
    assert split_sign_off([]) == ([], [])


def test_sign_off_only_at_the_very_end() -> None:
    rep = _report()
    rep.sections["一"] = SectionText("一", "总体情况", "正文。\n" + "\n".join(SIGN_OFF))
    assert all(not s.sign_off for s in layout(rep).sections)


def test_second_level_heading_in_kai() -> None:
    doc = _docx(_signed())
    para = next(p for p in doc.paragraphs if p.text == "（一）主动公开情况")
    fonts = para.runs[0]._r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None and fonts.get(qn("w:eastAsia")) == OFFICIAL.kai
    assert _keep_next(para)
    assert subheading("（二）依申请公开情况。本年度收到申请3件。") == (
        "（二）依申请公开情况。",
        "本年度收到申请3件。",
    )
    assert subheading("（三）本年度共收到申请3件，均已办结。") == (
        "",
        "（三）本年度共收到申请3件，均已办结。",
    )


# ---------------------------------------------------------------------------------------------
# fonts of a PDF
# ---------------------------------------------------------------------------------------------


def test_best_fonts_prefers_official_then_free_faces() -> None:
    free = frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL KaitiM GB"})
    fonts = best_fonts(free)
    assert (fonts.title, fonts.heading, fonts.body, fonts.kai, fonts.table) == (
        "Noto Serif CJK SC",
        "Noto Sans CJK SC",
        "Noto Serif CJK SC",
        "AR PL KaitiM GB",
        "Noto Serif CJK SC",
    )
    assert fonts.title_bold  # a regular serif stands in for 小标宋 in bold
    official = best_fonts(free | {"方正小标宋简体", "黑体", "仿宋_GB2312", "楷体_GB2312", "宋体"})
    assert official == OFFICIAL
    assert best_fonts(frozenset()) == OFFICIAL


def _pdffonts(pdf: Path) -> str:
    res = subprocess.run(["pdffonts", str(pdf)], capture_output=True, timeout=60, check=True)
    return res.stdout.decode("utf-8", "replace")


@needs_pdf
def test_pdf_uses_serif_sans_and_kai_faces(tmp_path: Path) -> None:
    installed = installed_families()
    if not {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= installed:
        pytest.skip("Noto CJK fonts not installed (scripts/setup.sh installs them)")
    faces = _pdffonts(render_to(_signed(), tmp_path / "r.pdf"))
    assert "NotoSerifCJK" in faces  # title, body, tables
    assert "NotoSansCJK" in faces  # headings
    if "AR PL KaitiM GB" in installed:
        assert "Kai" in faces  # "（一）" headings (AR PL KaitiM GB embeds as GBZenKai)


# ---------------------------------------------------------------------------------------------
# control characters (item 20)
# ---------------------------------------------------------------------------------------------

CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x9b\ufffe"


def _controlled() -> Report:
    rep = _report()
    rep.agency = "北京市\x01西城区人力资源\x1b[31m和社会保障局\x0b"
    rep.sections["一"] = SectionText("一", "总体\x01情况", "第一段\x01。\x0b第二段\x1b[0m。\x00")
    rep.sections["六"] = SectionText("六", "其他需要报告的事项", "无\x0c。\x7f\x9b\ufffe")
    rep.active["admin_penalty"] = [Value("\x01/\x1b", "\x01/\x1b")]
    return rep


def test_clean_text() -> None:
    assert clean_text("a\x01b\x0bc\x1b[1md\x00\x7f\x9b\ufffe") == "ab c[1md"
    assert clean_text("正常文本\t一、（一）") == "正常文本\t一、（一）"


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_control_characters_do_not_crash_or_reach_the_output(fmt: str) -> None:
    data = render(_controlled(), fmt)
    if fmt == "docx":
        doc = open_docx(io.BytesIO(data))
        text = doc.element.xml + (doc.core_properties.author or "")
        assert doc.core_properties.author == "北京市西城区人力资源[31m和社会保障局"
    else:
        text = data.decode("utf-8").replace("\\[", "[")  # Markdown escapes "["
    assert not set(CONTROLS) & set(text)
    assert "第一段。" in text and "第二段[0m。" in text
    back = gongkai.read(data, name=f"x.{fmt}")
    assert back.sections["一"].text.replace("\n", "") == "第一段。第二段[0m。"


@needs_pdf
def test_control_characters_in_pdf(tmp_path: Path) -> None:
    pdf = render_to(_controlled(), tmp_path / "r.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
