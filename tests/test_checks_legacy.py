"""Pre-2019 statistics appendices: label matching to the national indicator set and L1–L4."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_support import CORPORA, CORPUS_IDS, cell, found, label_report, read_report

from gongkai.checks.legacy import PARTITIONS, indicators, legacy_rows, normalize, numbering

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


def test_normalize_strips_numbering_and_notes() -> None:
    assert (
        normalize("(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)") == "主动公开政府信息数"
    )
    assert normalize("1.专职人员数(不包括政府公报及政府网站工作人员数)") == "专职人员数"
    assert normalize("其中:涉及国家秘密") == "涉及国家秘密"
    assert normalize("四、行政复议数量") == "行政复议数量"
    assert normalize("（二）被依法纠错数") == "被依法纠错数"
    assert (numbering("1.当面申请数"), numbering("(二)申请办结数"), numbering("涉及商业秘密")) == (
        "digit",
        "paren",
        "",
    )


@P
def test_s002_rows_match_the_national_indicators(corpus: Path) -> None:
    found_keys = indicators(label_report(corpus, "s002"))
    assert set(PARTITIONS) <= set(found_keys)
    # the same label under 四 and 五 resolves through its top-level row
    assert found_keys["review_corrected"].key.startswith("四、")
    assert found_keys["lit_corrected"].key.startswith("五、")
    assert found_keys["staff_full_time"].key.endswith(
        "1.专职人员数(不包括政府公报及政府网站工作人员数)"
    )


@P
def test_documents_and_labels_agree_on_the_appendix(corpus: Path) -> None:
    read = {r.key: r.indicator for r in legacy_rows(read_report(corpus, "s002"))}
    truth = {r.key: r.indicator for r in legacy_rows(label_report(corpus, "s002"))}
    assert read == truth


@P
def test_l1_names_the_parent_and_its_parts(corpus: Path) -> None:
    rep = label_report(corpus, "s002")
    assert found(rep, "L1") == []
    rep.legacy["三、依申请公开情况/4.不同意公开答复数"] = cell(2)
    hits = found(rep, "L1")
    parents = {h.fields["parent"] for h in hits}
    # 不同意公开 is both a part of 申请答复数 and the sum of its six reasons
    assert parents == {"(三)申请答复数", "4.不同意公开答复数"}


@P
def test_l1_does_not_judge_a_sum_with_an_unknown_part(corpus: Path) -> None:
    rep = label_report(corpus, "s002")
    items = list(rep.legacy.items())
    at = next(i for i, (k, _) in enumerate(items) if k.endswith("4.信函申请数")) + 1
    items.insert(at, ("三、依申请公开情况/5.电子邮件申请数", cell(1)))
    rep.legacy = dict(items)
    rep.legacy["三、依申请公开情况/(一)收到申请数"] = cell(15)
    assert not [h for h in found(rep, "L1") if h.fields["parent"] == "(一)收到申请数"]


@P
def test_l3_l4_are_warnings(corpus: Path) -> None:
    rep = label_report(corpus, "s002")
    rep.legacy["三、依申请公开情况/(二)申请办结数"] = cell(20)
    (hit,) = found(rep, "L3")
    assert hit.severity == "warning" and hit.numbers == {"small": 20, "large": 14}
