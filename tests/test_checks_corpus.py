"""The checks on the real corpus: the documented defects are found where they are, and no
error is reported on a report whose notes call it consistent.

The defects below are the ones the label files' ``notes`` describe (the test oracle):
p001 table 四 totals (复议 维持10 纠正1 总计0; 复议后起诉 维持5 总计0), p002 narrative 17 vs
table 95, s002 narrative "1件败诉" while the appendix books it under 其他情形数; r002 (as
published) has no 六、其他需要报告的事项 section.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_support import CORPORA, CORPUS_IDS, cases, found, label_report, read_report

from gongkai.checks import check, pair_previous
from gongkai.report import Report

# case -> {code: cell names the finding must point at}
KNOWN_ERRORS: dict[str, dict[str, set[str]]] = {
    "p001": {
        "C1": {"review_litigation.review_upheld", "review_litigation.review_total"},
        "C2": {
            "review_litigation.lit_after_review_upheld",
            "review_litigation.lit_after_review_total",
        },
    },
}
# Defects of the published document that its tables (the labels) do not carry.
DOCUMENT_ONLY_ERRORS: dict[str, dict[str, set[str]]] = {"r002": {"F1": set()}}
KNOWN_WARNINGS: dict[str, dict[str, set[str]]] = {
    "p002": {"N1": {"sections.一", "requests.new.total"}},
    "s002": {"N6": {"sections.一", "legacy.五、行政诉讼数量/(二)被依法纠错数"}},
}
ALL = [(c, case) for c in CORPORA for case in cases(c)]
ALL_IDS = [f"{cid}:{case}" for c, cid in zip(CORPORA, CORPUS_IDS, strict=True) for case in cases(c)]


def _errors(rep: Report, previous: Report | None = None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in check(rep, previous):
        if f.severity == "error" and f.applicable:
            out.setdefault(f.code, set()).update(c.name for c in f.cells)
    return out


@pytest.mark.parametrize(("corpus", "case"), ALL, ids=ALL_IDS)
def test_errors_on_labels_are_exactly_the_documented_defects(corpus: Path, case: str) -> None:
    errors = _errors(label_report(corpus, case))
    expected = KNOWN_ERRORS.get(case, {})
    assert set(errors) == set(expected)
    for code, cells in expected.items():
        assert cells <= errors[code]


@pytest.mark.parametrize(("corpus", "case"), ALL, ids=ALL_IDS)
def test_errors_on_documents_are_exactly_the_documented_defects(corpus: Path, case: str) -> None:
    reports = [read_report(corpus, c) for c in cases(corpus)]
    previous = pair_previous(reports)
    i = cases(corpus).index(case)
    errors = _errors(reports[i], previous.get(i))
    expected = KNOWN_ERRORS.get(case, {}) | DOCUMENT_ONLY_ERRORS.get(case, {})
    assert set(errors) == set(expected)
    for code, cells in expected.items():
        assert cells <= errors[code]


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
@pytest.mark.parametrize("case", sorted(KNOWN_WARNINGS))
def test_documented_narrative_mismatches_are_warned(corpus: Path, case: str) -> None:
    rep = read_report(corpus, case)
    for code, cells in KNOWN_WARNINGS[case].items():
        hits = found(rep, code)
        assert hits and all(f.severity == "warning" for f in hits)
        assert cells <= {c.name for f in hits for c in f.cells}


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_p001_findings_name_the_cells_and_where_they_are(corpus: Path) -> None:
    rep = read_report(corpus, "p001")
    (review,) = found(rep, "C1")
    assert review.numbers == {"parts_sum": 11, "total": 0}
    assert review.location.startswith("第4页")
    (after,) = found(rep, "C2")
    assert after.fields["group"] == "复议后起诉" and after.numbers == {"parts_sum": 5, "total": 0}


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_p002_narrative_mismatch_quotes_the_text(corpus: Path) -> None:
    (n1,) = found(read_report(corpus, "p002"), "N1")
    assert n1.fields["stated"] == 17 and "17" in str(n1.fields["quote"])
    assert n1.numbers["table_0"] == 95


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_s002_lost_lawsuit_is_compared_with_the_appendix(corpus: Path) -> None:
    hits = found(read_report(corpus, "s002"), "N6")
    assert [f.fields["stated"] for f in hits] == [1]
    assert "败诉" in str(hits[0].fields["quote"])


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_consecutive_years_are_paired_and_consistent(corpus: Path) -> None:
    reports = [read_report(corpus, c) for c in cases(corpus)]
    pairs = pair_previous(reports)
    names = cases(corpus)
    expected = {"p002": "p001"}
    if "r006" in names:
        expected["r006"] = "r008"  # 平潭综合实验区管委会 2015 after 2014
    assert {names[i]: names[reports.index(p)] for i, p in pairs.items()} == expected
    i = names.index("p002")
    cross = [f for f in check(reports[i], pairs[i], select="跨年") if f.applicable]
    assert cross == []
