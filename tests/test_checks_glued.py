"""G1–G3: glued digits, split cells, and cells the reader could not or did not read directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_cases import CASES
from checks_support import CORPORA, CORPUS_IDS, found, label_report, read_report, set_request

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


@P
def test_g1_names_the_reading_that_fits_in_table_c(corpus: Path) -> None:
    rep, _ = CASES["G1"][1](corpus)  # 复议后起诉 维持2 纠正0 read as "20" and a blank
    (hit,) = found(rep, "G1")
    assert hit.fields["read"] == "20、空白" and hit.fields["fits"] == "2、0"
    assert [c.name for c in hit.cells] == [
        "review_litigation.lit_after_review_upheld",
        "review_litigation.lit_after_review_corrected",
    ]
    assert (
        rep.review_litigation is not None and rep.review_litigation[10].value == 20
    )  # not repaired


@P
def test_g1_misplaced_boundary_in_a_table_b_row(corpus: Path) -> None:
    rep = label_report(corpus, "s000")  # 新收 自然人29 商业企业2, read as 2 and 92
    set_request(rep, "new", 0, 2)
    set_request(rep, "new", 1, 92)
    (hit,) = found(rep, "G1")
    assert hit.fields["fits"] == "29、2" and hit.rows == ()
    assert hit.columns == ("natural_person", "commercial_enterprise")


@P
def test_g1_stays_silent_when_no_single_reading_explains_a_real_error(corpus: Path) -> None:
    rep = read_report(corpus, "p001")  # 复议 维持10 纠正1 总计0: a real error, not glued digits
    assert found(rep, "C1") and found(rep, "G1") == []


@P
def test_g3_lists_derived_cells_of_the_glued_rendering(corpus: Path) -> None:
    hits = found(read_report(corpus, "g001"), "G3")
    assert {h.table for h in hits} >= {"requests", "review_litigation"}
    assert all(h.severity == "info" and h.cells for h in hits)
    assert found(read_report(corpus, "s000"), "G3") == []
