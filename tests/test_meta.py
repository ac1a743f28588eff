"""The issuing body and report year: every corpus label, the real excerpts, and each family."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_util import SHARED_CORPUS, corpus_cases, load_label

from gongkai import readers
from gongkai.extract import bodies
from gongkai.extract.meta import find_meta
from gongkai.model import Document, Paragraph, Provenance

# Labels whose body and year the document itself never writes (the label comes from the
# page's column on the site): the honest reading is "not stated".
UNSTATED = {
    "r003": "standalone statistics appendix: no title, no narrative, no sign-off, no year",
}


@pytest.mark.parametrize(("root", "label_path"), corpus_cases())
def test_corpus_label_agency_and_year(root: Path, label_path: Path) -> None:
    label = load_label(label_path)
    doc = readers.load(root / label["raw"])
    if label_path.stem in UNSTATED:
        assert find_meta(doc) == (None, None)
    else:
        assert find_meta(doc) == (label["agency"], label["year"])


# Read by hand: the body each excerpt names for itself (None where it only says 我局/我镇),
# and the year it reports on (None where no year is written at all).
EXCERPTS: dict[str, tuple[str | None, int | None]] = {
    "pg_0001": ("区政府办公室", 2022),  # "现将我办…"; "2022年,区政府办公室认真贯彻…"
    "pg_0002": (None, 2022),  # only 我局 (an audit bureau, never named)
    "pg_0003": ("二道区房屋征收工作管理办公室", 2022),
    "pg_0004": ("螅镇", 2022),  # title "2022年度螅镇政府信息公开工作年度报告"
    "pg_0005": ("重庆市九龙坡区二郎街道办事处", 2022),
    "pg_0006": ("武汉市东湖生态旅游风景区城乡工作办事处", 2025),
    "pg_0007": ("区政府政务服务办", 2022),  # subject of 总体情况; 《…我市行政机关…》 is a notice
    "pg_0008": ("周湾镇人民政府", 2021),  # title 周湾镇; "本年度报告由周湾镇人民政府编制"
    "pg_0009": ("牛华镇", 2021),  # breadcrumb/site chrome above the title
    "pg_0010": ("两城镇人民政府", 2020),  # "由两城镇人民政府党政办公室编制"
    "pg_0011": ("会仪镇人民政府", 2021),
    "pg_0012": (None, 2014),  # only 我局
    "pg_0013": (None, 2023),  # only 我镇; "汇报我镇2023年政府信息公开工作"
    "pg_0014": ("仙庵镇人民政府", 2023),  # title 仙庵镇; contact "惠来县仙庵镇人民政府…办公室"
    "pg_0015": ("连平县上坪镇人民政府", 2023),
    "pg_0016": ("湛江市人民政府地方志办公室", 2023),  # "特编制湛江市…"
    "pg_0017": ("长顺县广顺镇", 2023),
    "pg_0018": ("鶴城鎮人民政府", 2023),  # Traditional with pinyin glosses; contact line
    "pg_0019": ("连生乡人民政府", 2024),
    "pg_0020": ("对坊乡人民政府", 2023),  # breadcrumb; title 对坊乡; contact 对坊乡人民政府办公室
    "pg_0021": ("示范区教育局", 2019),  # breadcrumb "首页 / … / 正文"
    "pg_0022": ("教育局", 2019),
    "pg_0023": (None, None),  # only 我局; no year
    "pg_0024": (None, None),  # only 我中心; no year
    "pg_0025": ("故城县教育局", 2020),  # title broken over two lines
    "pg_0026": ("文教局", 2020),
    "pg_0027": (None, 2019),  # only 我局
    "pg_0028": ("固阳县民政局", 2021),  # "现面向社会公开《固阳县民政局…》"
    "pg_0029": ("滨海新区民政局", 2021),
    "pg_0030": ("衡南县卫生健康局", 2020),
    "pg_0031": ("审计局", 2020),  # flipbook page title "2020年报_审计局"
    "pg_0032": ("北京街道办事处", 2020),  # spam injected into the first mention
    "pg_0033": ("区统计局", 2023),  # "现公布区统计局2023年…"
    "pg_0034": (None, None),  # only 我局; no year
    "pg_0035": (None, 2022),  # only 我镇
}
EXCERPT_DIR = SHARED_CORPUS / "excerpts"


@pytest.mark.skipif(not EXCERPT_DIR.is_dir(), reason="shared excerpts not present")
@pytest.mark.parametrize("name", sorted(EXCERPTS))
def test_excerpt_agency_and_year(name: str) -> None:
    assert find_meta(readers.load(EXCERPT_DIR / f"{name}.txt")) == EXCERPTS[name]


def doc(*lines: str, title: str | None = None, **meta: str) -> Document:
    blocks = [Paragraph(t, Provenance(line=i + 1)) for i, t in enumerate(lines)]
    return Document(blocks=blocks, title=title, meta=dict(meta))


BODY = "一、总体情况\n我局高度重视政府信息公开工作。"


def test_crawler_header_fields() -> None:
    d = doc("标题: 关于报告", "发布机构: 某某市生态环境局", "来源:原创", BODY)
    assert find_meta(d) == ("某某市生态环境局", None)
    d = doc("发布时间:2024-01-20 来源:某某县审计局 字体:大", BODY)
    # Only the publication date gives a year: published early in 2024, so reporting on 2023.
    assert find_meta(d) == ("某某县审计局", 2023)


def test_title_beats_header_and_metadata() -> None:
    d = doc("标题: 某某县民政局2022年政府信息公开工作年度报告", "单位:县民政局", BODY)
    assert find_meta(d) == ("某某县民政局", 2022)
    d = doc(BODY, title="某某市教育局2021年度政府信息公开工作年度报告-市教育局")
    assert find_meta(d) == ("某某市教育局", 2021)


def test_breadcrumb_and_site_chrome_are_not_names() -> None:
    d = doc(
        "您当前所在位置: 首页 > 各乡镇信息公开 > 某某乡 > 年度报告",
        "某某乡2023年政府信息公开工作年度报告",
    )
    assert find_meta(d) == ("某某乡", 2023)
    d = doc("首页/政府信息公开/年报/正文某某区司法局2020年政府信息公开工作年度报告")
    assert find_meta(d) == ("某某区司法局", 2020)


def test_preamble_verbs_and_quotes_are_stripped() -> None:
    assert find_meta(doc("现公布区统计局2023年政府信息公开工作年度报告。")) == ("区统计局", 2023)
    d = doc("特编制某某市人民政府地方志办公室2023年政府信息公开工作年度报告。")
    assert find_meta(d) == ("某某市人民政府地方志办公室", 2023)
    d = doc("现面向社会公开《某某县民政局2021年度政府信息公开年度报告》。")
    assert find_meta(d) == ("某某县民政局", 2021)


def test_self_references_are_never_names() -> None:
    d = doc(
        "现公布我局2022年政府信息公开工作年度报告。",
        "本年度报告根据《关于做好2022年度我市行政机关政府信息公开年度报告编制工作的通知》编制。",
        "我厅编写了2022年政府信息公开工作年度报告。",
    )
    assert find_meta(d) == (None, 2022)


def test_sign_off_at_the_end() -> None:
    d = doc(
        "本报告中所列数据统计期限从2023年1月1日起至2023年12月31日止。",
        BODY,
        "",
        "某某省教育厅",
        "2024年1月26日",
    )
    assert find_meta(d) == ("某某省教育厅", 2023)
    # Glued page text: the name and the date run on after the last sentence.
    d = doc("统计期限为2019年1月1日至12月31日。" + BODY + "某某市交通运输局2020年1月10日")
    assert find_meta(d) == ("某某市交通运输局", 2019)


def test_compiled_by() -> None:
    d = doc("本年度报告由某某镇人民政府编制。统计期限为2021年1月1日至2021年12月31日。")
    assert find_meta(d) == ("某某镇人民政府", 2021)
    # A government's office compiles the government's report.
    d = doc("本报告由某某镇人民政府党政办公室编制。", BODY)
    assert find_meta(d)[0] == "某某镇人民政府"


def test_short_form_as_written_or_completed_from_the_document() -> None:
    d = doc("统计期限为2023年1月1日至12月31日。", "2023年，省教育厅坚持依法公开。")
    assert find_meta(d) == ("省教育厅", 2023)
    # The sign-off names the full body.
    d = doc("2023年，省教育厅坚持依法公开。", BODY, "河北省教育厅", "2024年1月26日")
    assert find_meta(d)[0] == "河北省教育厅"
    # The report names one province only (its own regulations).
    d = doc("根据《河北省实施〈条例〉办法》，发布本年度报告。2023年，省工业和信息化厅坚持公开。")
    assert find_meta(d)[0] == "河北省工业和信息化厅"


def test_place_completed_by_its_government_as_written() -> None:
    d = doc("某某镇2021年政府信息公开工作年度报告", "本年度报告由某某镇人民政府编制。")
    assert find_meta(d) == ("某某镇人民政府", 2021)
    d = doc("某某实验区2015年度政府信息公开工作年度报告", "详见“某某实验区管委会网站”。")
    assert find_meta(d) == ("某某实验区管委会", 2015)
    assert find_meta(doc("某某镇2021年政府信息公开工作年度报告"))[0] == "某某镇"


def test_title_broken_over_lines() -> None:
    assert find_meta(doc("某某县教育局", "2020年政府信息公开工作年度报告")) == (
        "某某县教育局",
        2020,
    )
    d = doc("某某区政府办公室2021年政府信息公开", "工作年度报告")
    assert find_meta(d) == ("某某区政府办公室", 2021)


def test_subject_of_the_narrative_and_spam() -> None:
    d = doc("一、总体情况", "2022年，某某区房屋征收管理办公室认真贯彻落实《条例》。")
    assert find_meta(d) == ("某某区房屋征收管理办公室", 2022)
    d = doc(
        "2020年，在区委的领导下，新葡京博彩官网区人民政府某某街道办事处认真贯彻。",
        "某某街道办事处全年主动公开政府信息86条。",
    )
    assert find_meta(d) == ("某某街道办事处", 2020)


def test_traditional_mirror_with_pinyin_glosses() -> None:
    d = doc(
        "特向社會公布2023年政府信息公開工作年度報告。如有疑問,請與某某鎮(zhèn)人民政府黨政辦聯(lián)系。"
    )
    assert find_meta(d) == ("某某鎮人民政府", 2023)


@pytest.mark.parametrize(
    "phrase",
    [
        "现公布我局",
        "我市行政机关",
        "首页>各乡镇信息公开>对坊乡>年度报告",
        "发布河北省教育厅",
        "我厅编写了",
    ],
)
def test_validator_rejects_phrases(phrase: str) -> None:
    assert bodies.clean(phrase) in (None, "河北省教育厅")
    assert not bodies.is_name(phrase)


def test_validator_accepts_bodies() -> None:
    for name in ("某某县机构编制委员会办公室", "区政府政务服务办", "某某街道办事处", "某某镇"):
        assert bodies.is_name(name), name


def test_cited_notices_are_not_titles() -> None:
    d = doc("根据《某某省人民政府办公厅关于2015年政府信息公开工作年度报告的通知》要求编制。")
    assert find_meta(d)[0] is None
    d = doc("某某区人民政府关于2023年政府信息公开工作年度报告")
    assert find_meta(d) == ("某某区人民政府", 2023)


def test_place_names_starting_with_a_function_word() -> None:
    d = doc("2023年，宁都县对坊乡人民政府认真贯彻《条例》。")
    assert find_meta(d)[0] == "宁都县对坊乡人民政府"
