"""Formal rules F1–F7 and N11 on documents read by gongkai.read."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_cases import as_2019
from checks_support import CORPORA, CORPUS_IDS, cases, found, label_report, not_applied, read_report

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


# Documents published without a section (r002, 河北省教育厅 2019: no 六、其他需要报告的事项).
MISSING_SECTIONS = {"r002": ["六"]}


@P
def test_every_document_has_its_six_sections_in_order(corpus: Path) -> None:
    for case in cases(corpus):
        rep = read_report(corpus, case)
        if rep.template != "legacy":
            missing = [f.fields["number"] for f in found(rep, "F1")]
            assert missing == MISSING_SECTIONS.get(case, []), case
            assert found(rep, "F7") == [], case


@P
def test_f1_names_the_missing_section(corpus: Path) -> None:
    rep = read_report(corpus, "s003")  # headings of 二、三、六 have no numerals in this file
    del rep.sections["六"]
    (hit,) = found(rep, "F1")
    assert hit.fields == {"number": "六", "title": "其他需要报告的事项"}


@P
def test_f2_old_template_and_single_other_row(corpus: Path) -> None:
    (hit,) = found(label_report(corpus, "p001"), "F2")
    assert "（六）其他处理只印一行" in hit.message and hit.rows == ("other",)
    assert "使用旧格式" in found(as_2019(corpus, year=2022), "F2")[0].message
    assert found(as_2019(corpus, year=2020), "F2") == []
    legacy = label_report(corpus, "s002")
    assert not_applied(legacy, "F2")  # 2018: no unified format yet
    legacy.year = 2021
    assert "没有使用统一格式" in found(legacy, "F2")[0].message


@P
def test_f3_missing_table(corpus: Path) -> None:
    rep = label_report(corpus, "s000")
    rep.review_litigation = None
    (hit,) = found(rep, "F3")
    assert hit.table == "review_litigation" and hit.fields["items"] == "整张表"


@P
def test_f4_blank_is_not_zero(corpus: Path) -> None:
    assert found(label_report(corpus, "s003"), "F4") == []  # all zeros is a valid report


@P
def test_f5_fee_statement(corpus: Path) -> None:
    for case in ("s000", "s001", "d001", "p001", "p002", "p003"):
        assert found(read_report(corpus, case), "F5") == [], case
    for case in ("s003", "s004"):  # 行政事业性收费 / 无其他需要报告的事项 say nothing on the fee
        (hit,) = found(read_report(corpus, case), "F5")
        assert hit.rows == ("六",) and hit.location


@P
def test_n11_counts_han_characters_of_section_one(corpus: Path) -> None:
    (hit,) = found(read_report(corpus, "s001"), "N11")
    assert int(str(hit.fields["count"])) > 1000
    assert found(read_report(corpus, "d001"), "N11") == []


@P
def test_sections_rules_need_text(corpus: Path) -> None:
    rep = label_report(corpus, "s000")
    for code in ("F1", "F5", "F6", "F7"):
        assert not_applied(rep, code) and found(rep, code) == []
