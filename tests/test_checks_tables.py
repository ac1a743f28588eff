"""Table rules B, C and A: what they point at, and how blanks, placeholders and the
2021 report printing （六） as one row are treated."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_cases import CASES
from checks_support import (
    CORPORA,
    CORPUS_IDS,
    cell,
    found,
    label_report,
    not_applied,
    read_report,
    set_request,
    set_review,
)

from gongkai.report import Value

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


@P
def test_b1_names_the_column_and_both_sides(corpus: Path) -> None:
    rep, _ = CASES["B1"][1](corpus)  # s000 new natural_person 29 -> 30
    (hit,) = found(rep, "B1")
    assert hit.columns == ("natural_person",)
    assert hit.numbers == {"left": 30, "right": 29, "difference": 1}
    assert {c.name for c in hit.cells} == {
        f"requests.{r}.natural_person" for r in ("new", "carried_over", "total", "carried_forward")
    }


@P
def test_b2_uses_the_single_other_row_of_a_2021_report(corpus: Path) -> None:
    rep = label_report(corpus, "p001")  # 2021 layout, （六） printed as one row "other"
    assert "other" in rep.requests and found(rep, "B2") == []
    set_request(rep, "other", 0, 2)
    set_request(rep, "other", 6, 2)
    hits = found(rep, "B2")
    assert {h.columns for h in hits} == {("natural_person",), ("total",)}
    assert all("requests.other." in " ".join(c.name for c in h.cells) for h in hits)


@P
def test_b3_checks_every_row(corpus: Path) -> None:
    rep = label_report(corpus, "p003")
    set_request(rep, "carried_forward", 6, 104)
    (hit,) = found(rep, "B3")
    assert hit.rows == ("carried_forward",) and hit.numbers == {"total": 104, "parts_sum": 103}


@P
def test_b4_rejects_fractions_and_words_but_not_placeholders(corpus: Path) -> None:
    rep = label_report(corpus, "s000")
    rep.requests["granted"][2] = Value(1.5, "1.5")
    rep.requests["granted"][3] = Value("约3", "约3")
    rep.requests["granted"][4] = Value("—", "—")
    assert sorted(str(h.fields["value"]) for h in found(rep, "B4")) == ["1.5", "约3"]
    assert [h.columns for h in found(rep, "B6")] == [("legal_service_org",)]


@P
def test_b6_blank_total_column_and_blank_beside_numbers(corpus: Path) -> None:
    rep = label_report(corpus, "s000")
    for key in rep.requests:
        rep.requests[key][6] = cell(None)
    hits = found(rep, "B6")
    assert [h.columns for h in hits] == [("total",)]
    assert hits[0].fields["count"] == len(rep.requests)
    # blanks only where everything around them is zero are not reported
    rep = label_report(corpus, "s000")
    set_request(rep, "rejected_4_mass_repeat", 3, None)
    assert found(rep, "B6") == []


@P
def test_b6_on_the_real_blank_columns_of_d001(corpus: Path) -> None:
    hits = found(read_report(corpus, "d001"), "B6")
    assert {h.columns[0] for h in hits} == {
        "commercial_enterprise",
        "research_institution",
        "public_interest_org",
        "legal_service_org",
        "other_org",
    }
    assert all(h.severity == "warning" and h.location for h in hits)


@P
def test_ambiguous_cells_are_not_summed(corpus: Path) -> None:
    rep = label_report(corpus, "s000")
    rep.requests["new"][0] = Value(None, "292", ambiguous=True)
    assert found(rep, "B1") == [] and found(rep, "B3") == []
    assert len(found(rep, "G2")) == 1


@P
def test_b7_b8_apply_to_their_layout_only(corpus: Path) -> None:
    assert not_applied(label_report(corpus, "p001"), "B8")
    assert not_applied(label_report(corpus, "p003"), "B7")


@P
def test_table_rules_do_not_apply_to_legacy_reports(corpus: Path) -> None:
    rep = label_report(corpus, "s002")
    for code in ("B1", "C1", "A1", "F3"):
        assert not_applied(rep, code) and found(rep, code) == []


@P
def test_c1_c2_on_real_and_changed_reports(corpus: Path) -> None:
    rep = label_report(corpus, "p002")
    assert found(rep, "C1") == found(rep, "C2") == []
    set_review(rep, 12, 2)  # 复议后起诉·其他结果 1 -> 2
    (hit,) = found(rep, "C2")
    assert hit.fields["group"] == "复议后起诉" and hit.numbers == {"parts_sum": 4, "total": 3}


@P
def test_c4_is_only_a_note(corpus: Path) -> None:
    rep, _ = CASES["C4"][1](corpus)
    (hit,) = found(rep, "C4")
    assert hit.severity == "info"


@P
def test_a2_flags_huge_amounts(corpus: Path) -> None:
    rep = label_report(corpus, "p003")  # 96171.6 万元 for a city is plausible
    assert found(rep, "A2") == []
    rep.active["admin_fees"][0] = Value(2_500_000_000, "2500000000")
    (hit,) = found(rep, "A2")
    assert "万元" in hit.message


@P
def test_a1_allows_decimals_for_fees_only(corpus: Path) -> None:
    rep = read_report(corpus, "s004")  # fee 1.4028 万元
    assert found(rep, "A1") == []
    rep.active["admin_licensing"][0] = Value(8.5, "8.5")
    (hit,) = found(rep, "A1")
    assert hit.rows == ("admin_licensing",) and hit.fields["problem"] == "应为整数"


@P
def test_2019_rules_keep_negative_changes(corpus: Path) -> None:
    rep, _ = CASES["A6"][0](corpus)  # 行政处罚 本年增/减 -2 is allowed
    assert found(rep, "A1") == [] and found(rep, "A6") == []
    assert not_applied(label_report(corpus, "p003"), "A6")
