"""The narrative number finder and the N rules, on the corpus texts read by gongkai.read."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_support import CORPORA, CORPUS_IDS, cases, found, label, read_report, replace_text

from gongkai.checks.finder import find_claims, find_percents, prose

# What the texts say, as the label notes record it (the oracle for the finder).
STATED: dict[str, set[tuple[str, int | None]]] = {
    "p001": {("received", 21)},
    "p002": {("received", 17)},
    "p003": {
        ("received", 3119),
        ("closed", 3050),
        ("carried_over", 34),
        ("carried_forward", 103),
        ("review_total", 351),
        ("lit_total", 46),
    },
    "s001": {("received", 3), ("result_rejected", 1)},
    "g002": {("received", 3), ("result_rejected", 1)},
    "s002": {("lit_total", 3), ("lit_upheld", 2), ("lit_corrected", 1), ("received", 14)},
    "s004": {("received", 0)},
}


def claims(corpus: Path, case: str) -> set[tuple[str, int | None]]:
    return {(c.kind, c.value) for c in find_claims(read_report(corpus, case))}


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
@pytest.mark.parametrize("case", sorted(STATED))
def test_finder_reads_what_the_notes_say(corpus: Path, case: str) -> None:
    assert STATED[case] <= claims(corpus, case)


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_finder_reads_label_narratives(corpus: Path) -> None:
    for case in cases(corpus):
        narrative = label(corpus, case).get("narrative") or {}
        got = claims(corpus, case)
        for kind, value in narrative.items():
            assert (kind, value) in got, (case, kind, value)


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_finder_does_not_misread_other_numbers(corpus: Path) -> None:
    p003 = claims(corpus, "p003")
    assert not any(v == 95 for _, v in p003)  # 政务新媒体共计95个
    assert ("docs_issued", 11) not in p003  # 政策性文件11件 are not 规范性文件
    s001 = claims(corpus, "s001")
    assert ("docs_in_force", 1) not in s001  # 拟保留规范性文件1件
    assert {("docs_issued", 0), ("docs_repealed", 0)} <= s001  # 未制发或废止规范性文件
    kinds = {k for k, _ in s001}
    assert {"claim_no_corrected_review", "claim_no_corrected_lit"} <= kinds
    assert "claim_none_review" not in kinds  # 没有…复议纠错 is not 没有复议


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_outcomes_attach_to_their_subject(corpus: Path) -> None:
    got = claims(corpus, "p003")
    review = {
        ("review_upheld", 72),
        ("review_corrected", 64),
        ("review_other", 178),
        ("review_pending", 37),
    }
    lit = {("lit_upheld", 25), ("lit_corrected", 5), ("lit_other", 9), ("lit_pending", 7)}
    assert review | lit <= got


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_percentages_are_found(corpus: Path) -> None:
    got = {(p.numerator, p.percent) for p in find_percents(read_report(corpus, "s001"))}
    assert got == {(2, 66.7), (1, 33.3)}


def test_prose_drops_table_rows_and_joins_wrapped_lines() -> None:
    text = "2024年，区政府办受理政府信息公开\n申请 17 件。\n规章\t0\t0\t0\n-3-\n下一段。"
    assert prose(text) == "2024年，区政府办受理政府信息公开申请 17 件。\n下一段。"


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_received_accepts_new_or_new_plus_carried(corpus: Path) -> None:
    rep = read_report(corpus, "p003")  # 3119 new + 34 carried over
    replace_text(rep, "受理政府信息公开申请3119件", "受理政府信息公开申请3153件")
    assert found(rep, "N1") == []
    replace_text(rep, "受理政府信息公开申请3153件", "受理政府信息公开申请3150件")
    (hit,) = found(rep, "N1")
    assert hit.fields["stated"] == 3150 and hit.table == "requests"


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_all_upheld_claim_against_pending_cases(corpus: Path) -> None:
    rep = read_report(corpus, "p003")
    replace_text(rep, "其中结果维持72件", "均获维持，其中结果维持72件")
    (hit,) = found(rep, "N12")
    assert "均获维持" in str(hit.fields["quote"]) and "尚未审结" in str(hit.fields["actual"])


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_no_text_means_not_applicable(corpus: Path) -> None:
    from checks_support import label_report, not_applied

    rep = label_report(corpus, "p002")
    assert found(rep, "N1") == [] and not_applied(rep, "N1")
