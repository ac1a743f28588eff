"""Cross-year rules and the pairing of each body's consecutive years."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_cases import CASES
from checks_support import CORPORA, CORPUS_IDS, found, label_report, not_applied, raw_path

from gongkai.checks import check_paths, pair_previous, same_body

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


def test_same_body() -> None:
    assert same_body("淮安市洪泽区人民政府", "洪泽区人民政府")
    assert same_body("北京市 西城区人力资源和社会保障局", "北京市西城区人力资源和社会保障局")
    assert not same_body("淮安市人民政府", "人民政府")
    assert not same_body("西城区政府办公室", "北京市西城区人力资源和社会保障局")
    assert not same_body("洪泽区人民政府", None)


@P
def test_pair_previous_on_labels(corpus: Path) -> None:
    reps = [label_report(corpus, c) for c in ("p003", "p002", "p001", "s000")]
    assert pair_previous(reps) == {1: reps[2]}


@P
def test_x1_points_at_both_years(corpus: Path) -> None:
    rep, prev = CASES["X1"][1](corpus)
    (hit,) = found(rep, "X1", prev)
    names = [c.name for c in hit.cells]
    assert names == [
        "requests.carried_over.natural_person",
        "previous.requests.carried_forward.natural_person",
    ]
    assert hit.cells[1].label.startswith("2023年报告")


@P
def test_cross_year_rules_need_the_previous_year(corpus: Path) -> None:
    rep = label_report(corpus, "p002")
    for code in ("X1", "X2", "X8"):
        assert not_applied(rep, code)
    older = label_report(corpus, "s000")  # 2021, not 2023
    assert not_applied(rep, "X1", older)


@P
def test_check_paths_pairs_automatically_and_explicitly(corpus: Path) -> None:
    p001, p002 = raw_path(corpus, "p001"), raw_path(corpus, "p002")
    batch = check_paths([p002, p001])
    by_year = {c.report.year: c for c in batch.checked}
    assert by_year[2024].previous is by_year[2023].report and by_year[2023].previous is None
    alone = check_paths([p002], previous=[raw_path(corpus, "s000")])
    assert alone.checked[0].previous is not None  # one report, one previous: paired as asked
    assert not_applied(alone.checked[0].report, "X1", alone.checked[0].previous)
