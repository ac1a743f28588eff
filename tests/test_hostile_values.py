"""Hostile values (issue 11, items 18 and 19): malformed report JSON, absurd numbers, values of
unexpected types. Reading, checking and summarizing give messages, never an exception."""

from __future__ import annotations

import contextlib
import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import read
from gongkai.checks import check, check_paths
from gongkai.checks.runner import RULE_ERROR, load_json
from gongkai.errors import GongkaiError
from gongkai.extract.text import parse_value
from gongkai.render import render
from gongkai.report import Report, empty_report
from gongkai.summary import reconcile, summarize

CORPUS = Path(__file__).parent / "corpus"
LABELS = CORPUS / "labels"


def _label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{case}.json").read_text(encoding="utf-8"))
    return data


def _no_rule_errors(rep: Report, previous: Report | None = None) -> None:
    findings = check(rep, previous)
    broken = [f.message for f in findings if f.code == RULE_ERROR.code]
    assert not broken, broken
    for f in findings:
        json.dumps(f.to_dict(), ensure_ascii=False)  # every finding can be written
        assert len(f.message) < 2_000, f.message[:200]


# -- item 18: malformed report JSON ----------------------------------------------------------

MALFORMED: list[tuple[dict[str, Any], str]] = [
    ({"year": "2023年"}, "year"),
    ({"year": 10**30}, "year"),
    ({"year": True}, "year"),
    ({"template": "2020"}, "template"),
    ({"agency": ["甲"]}, "agency"),
    ({"requests": "x"}, "requests"),
    ({"requests": {"new": "x"}}, "requests.new"),
    ({"requests": {"new": [1, {"a": 1}, 0, 0, 0, 0, 1]}}, "requests.new[1]"),
    ({"requests": {"new": [1, [2], 0, 0, 0, 0, 1]}}, "requests.new[1]"),
    ({"requests": {"new": [True, 0, 0, 0, 0, 0, 1]}}, "requests.new[0]"),
    ({"requests": {"new": [float("nan"), 0, 0, 0, 0, 0, 1]}}, "requests.new[0]"),
    ({"requests": {"new": [10**400, 0, 0, 0, 0, 0, 1]}}, "requests.new[0]"),
    ({"active": {"规章": "3"}}, "active.规章"),
    ({"active": {"规章": [{"x": 1}, 0, 0]}}, "active.规章[0]"),
    ({"review_litigation": [0] * 14}, "review_litigation"),
    ({"review_litigation": "0"}, "review_litigation"),
    ({"legacy": {"收到申请": {"x": 1}}}, "legacy.收到申请"),
    ({"sections": {"一": "text"}}, "sections.一"),
    ({"narrative": {"received": "x"}}, "narrative.received"),
    ({"cells": {"requests.new.natural_person": {"source": {"page": "x"}}}}, "source.page"),
    ({"cells": {"requests.new.natural_person": {"source": {"pg": 1}}}}, "source.pg"),
    ({"cells": {"requests.new.natural_person": {"raw": 5}}}, "raw"),
    ({"warnings": "x"}, "warnings"),
]


@pytest.mark.parametrize(("change", "field"), MALFORMED, ids=[m[1] for m in MALFORMED])
def test_malformed_json_field_is_named(change: dict[str, Any], field: str) -> None:
    data = {**_label("s000"), **change}
    with pytest.raises(GongkaiError) as err:
        Report.from_dict(data, "bad.json")
    assert field in err.value.message
    assert err.value.path == "bad.json"
    assert "报告JSON" in err.value.message


def test_unknown_active_label_is_a_warning() -> None:
    data = _label("s000")
    data["active"] = {**data["active"], "不存在的行": [1, 2, 3]}
    rep = Report.from_dict(data)
    assert any("不存在的行" in w for w in rep.warnings)
    _no_rule_errors(rep)


def test_round_trip_still_reads() -> None:
    rep = Report.from_dict(_label("s000"))
    again = Report.from_dict(json.loads(json.dumps(rep.to_dict())))
    assert again.to_dict() == rep.to_dict()


def test_bad_json_does_not_wipe_the_batch(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_label("s000"), ensure_ascii=False), encoding="utf-8")
    bad = {
        "year.json": {**_label("s000"), "year": "2023年"},
        "requests.json": {**_label("s000"), "requests": "x"},
        "cell.json": {**_label("s000"), "review_litigation": [{"a": 1}] * 15},
    }
    for name, data in bad.items():
        (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "digits.json").write_text(
        '{"year": 2021, "requests": {"new": [' + "9" * 5000 + "]}}"
    )
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    batch = check_paths(sorted(tmp_path.glob("*.json")))
    assert [Path(c.report.path or "").name for c in batch.checked] == ["good.json"]
    failed = {Path(p).name: m for p, m in batch.failures}
    assert set(failed) == {*bad, "digits.json", "deep.json"}
    assert "year" in failed["year.json"] and "requests" in failed["requests.json"]
    with pytest.raises(GongkaiError) as err:
        load_json(tmp_path / "cell.json")
    assert err.value.path == str(tmp_path / "cell.json")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "year",
                "agency",
                "template",
                "active",
                "requests",
                "review_litigation",
                "legacy",
                "sections",
                "narrative",
                "cells",
                "published",
            ]
        ),
        json_values,
    )
)
def test_from_dict_accepts_or_refuses_with_a_message(change: dict[str, Any]) -> None:
    data = {**_label("s000"), **change}
    try:
        rep = Report.from_dict(data)
    except GongkaiError as exc:
        assert exc.message.startswith("报告JSON的字段")
        return
    _no_rule_errors(rep)


# -- item 19: absurd numbers in a text report --------------------------------------------------


def test_parse_value_bounds_digits() -> None:
    assert parse_value("123456789012345") == parse_value("123,456,789,012,345")
    assert parse_value("123456789012345").value == 123456789012345  # type: ignore[union-attr]
    for text in ("9" * 16, "9" * 400, "9" * 5000, "1." + "1" * 5000, "-" + "9" * 5000 + "件"):
        parsed = parse_value(text)
        assert parsed is not None and isinstance(parsed.value, str), text


def test_huge_cells_in_a_text_report(tmp_path: Path) -> None:
    text = (CORPUS / "raw" / "s000.txt").read_text(encoding="utf-8")
    text = text.replace("\t行政许可\n\t309", "\t行政许可\n\t" + "9" * 5000, 1)
    text = text.replace("\t29\n", "\t" + "7" * 400 + "\n", 1)
    text += "\n本年度共收到政府信息公开申请" + "8" * 5000 + "件，办结" + "6" * 400 + "件。\n"
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    rep = read(path)
    findings = check(rep)
    codes = {f.code for f in findings if f.applicable}
    assert {"A1", "B4"} <= codes
    assert RULE_ERROR.code not in codes
    assert all(len(f.message) < 500 for f in findings)
    for fmt in ("md", "html", "docx"):
        assert render(rep, fmt)
    with pytest.raises(GongkaiError) as err:
        summarize([rep], "某市人民政府", 2021)
    assert "A1" in err.value.message
    summary = summarize([rep], "某市人民政府", 2021, include_invalid=True)
    assert all(isinstance(v.value, int | float) for _, v in summary.report.cells())
    assert reconcile(rep, summary) == []


# -- going beyond: hostile values anywhere ------------------------------------------------------

HUGE = [10**15, -(10**15), 10**16, 2**63, 10**400, -(10**400), 10**5000, 1e300, -1e300]
hostile = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "/", "无", "9" * 5000, "１２", "-", "1e999", "nan", "[/x]"]),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)
hostile_raw = st.one_of(st.just(""), st.text(max_size=5), st.sampled_from(["9" * 5000, "\x01"]))


def _bases() -> list[Report]:
    s000 = Report.from_dict(_label("s000"))
    s000.sections = read(CORPUS / "raw" / "s000.txt").sections
    return [s000, empty_report("某县人民政府", 2020, "2019"), Report.from_dict(_label("s002"))]


BASES = _bases()


def _mutate(rep: Report, changes: list[tuple[int, Any, str, bool]]) -> None:
    cells = [v for _, v in rep.cells()]
    for i, value, raw, ambiguous in changes:
        if not cells:
            return
        v = cells[i % len(cells)]
        v.value, v.raw, v.ambiguous = value, raw, ambiguous


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(BASES) - 1),
    st.lists(st.tuples(st.integers(0, 10_000), hostile, hostile_raw, st.booleans()), max_size=10),
    st.dictionaries(st.sampled_from(["period_year", "received", "x"]), hostile, max_size=2),
    st.sampled_from([None, 0, -5, 10**400, 2021]),
)
def test_checks_and_summary_never_raise(
    base: int, changes: list[tuple[int, Any, str, bool]], narrative: dict[str, Any], year: Any
) -> None:
    rep = copy.deepcopy(BASES[base])
    _mutate(rep, changes)
    rep.narrative.update(narrative)
    previous = copy.deepcopy(BASES[base])
    previous.year = 2020
    _no_rule_errors(rep, previous)
    _no_rule_errors(previous, rep)
    rep.year = year
    try:
        summary = summarize([rep, BASES[0]], "某市人民政府", 2021, include_invalid=True)
    except GongkaiError:
        return
    for _, v in summary.report.cells():
        n = v.value
        assert isinstance(n, str) or (isinstance(n, int | float) and math.isfinite(n))
        assert len(v.raw) < 40
    with contextlib.suppress(GongkaiError):  # another template is refused with a message
        reconcile(rep, summary)


def test_value_of_unexpected_type_in_every_cell() -> None:
    for base in BASES:
        for value in (None, "", "abc", True, -1, 1.5, float("nan"), float("inf"), 10**5000):
            rep = copy.deepcopy(base)
            for _, v in rep.cells():
                v.value, v.raw = value, ""
            _no_rule_errors(rep, base)
            _no_rule_errors(base, rep)
            rep.year = 2021
            try:
                summary = summarize([rep, BASES[0]], "某市人民政府", 2021, include_invalid=True)
            except GongkaiError as exc:
                assert exc.message
                continue
            assert all(isinstance(v.value, int | float) for _, v in summary.report.cells())
            notes = [n for b in summary.bodies for n in b.notes]
            assert all(len(n.raw) < 300 for n in notes)
