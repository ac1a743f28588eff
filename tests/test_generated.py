"""Property tests on generated reports: random valid tables for both templates and section
texts with awkward characters. Writing then reading gives the same report; crawler-style glued
text never yields a wrong cell."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gongkai
from gongkai import templates as T
from gongkai.render import render
from gongkai.report import Report, SectionText, Value

AWKWARD = "“”‘’<>&|#*_\\`[]()（）《》、，。；：!?％%$€😀𠀀\u3000\xa0\"'"
TEXT = st.text(
    alphabet=st.sampled_from(
        list("政府信息公开工作年度报告我局认真落实条例要求") + list(AWKWARD) + list("abc ")
    ),
    min_size=1,
    max_size=60,
).map(lambda s: re.sub(r"\s+", " ", s).strip() or "无")

COUNT = st.one_of(st.just(0), st.integers(0, 9), st.integers(10, 4000))


def _val(v: Any) -> Value:
    return Value(v, "" if v is None else str(v))


@st.composite
def reports(draw: st.DrawFn, template: str | None = None) -> Report:
    tpl = draw(st.sampled_from(["2021", "2019"])) if template is None else template
    year = draw(st.integers(2021, 2025) if tpl == "2021" else st.integers(2019, 2020))
    agency = draw(st.sampled_from(["北京市西城区", "威海市文登区", "淮安市", "沭阳县"])) + draw(
        st.sampled_from(["人力资源和社会保障局", "发展和改革局", "人民政府办公室", "司法局"])
    )
    rep = Report(agency=agency, year=year, template=tpl)
    for row in T.template_for(tpl).active_rows:
        vals: list[Value] = []
        for col in row.columns:
            if col.decimal:
                v: Any = draw(st.one_of(COUNT, st.decimals(0, 9999, places=2).map(float)))
            elif col.signed:
                v = draw(st.integers(-50, 50))
            elif col.textual:
                v = draw(st.one_of(st.just(0), st.integers(1, 900000).map(lambda n: f"{n}元")))
            else:
                v = draw(COUNT)
            vals.append(_val(v))
        rep.active[row.key] = vals
    rows = T.template_for(tpl).request_rows
    results = [r.key for r in rows if r.group is not None]
    table: dict[str, list[int]] = {}
    for key in results:
        table[key] = [draw(st.one_of(st.just(0), st.just(0), st.integers(0, 60))) for _ in range(6)]
    total = [sum(table[k][c] for k in results) for c in range(6)]
    carried = [draw(st.integers(0, 5)) for _ in range(6)]
    forward = [draw(st.integers(0, 20)) for _ in range(6)]
    new = [max(0, total[c] + forward[c] - carried[c]) for c in range(6)]
    forward = [new[c] + carried[c] - total[c] for c in range(6)]
    table.update(new=new, carried_over=carried, total=total, carried_forward=forward)
    for row in rows:
        cells = table[row.key]
        rep.requests[row.key] = [_val(v) for v in [*cells, sum(cells)]]
    review: list[int] = []
    for _ in T.REVIEW_GROUPS:
        parts = [draw(st.integers(0, 30)) for _ in range(4)]
        review.extend([*parts, sum(parts)])
    rep.review_litigation = [_val(v) for v in review]
    for s in T.SECTIONS:
        rep.sections[s.number] = SectionText(s.number, s.title, draw(TEXT))
    return rep


def tables(rep: Report) -> dict[str, Any]:
    d = rep.to_dict(detail=False)
    return {
        k: d.get(k)
        for k in ("agency", "year", "template", "active", "requests", "review_litigation")
    }


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
@FAST
@given(rep=reports())
def test_round_trip_generated(fmt: str, rep: Report) -> None:
    back = gongkai.read(render(rep, fmt), name=f"generated.{fmt}")
    assert tables(back) == tables(rep)
    for number, section in rep.sections.items():
        assert squash(back.sections[number].text) == squash(section.text), number


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@settings(max_examples=3, deadline=None, derandomize=True)
@given(rep=reports())
def test_round_trip_generated_pdf(rep: Report) -> None:
    back = gongkai.read(render(rep, "pdf"), name="generated.pdf")
    assert tables(back) == tables(rep)


@FAST
@given(rep=reports())
def test_glued_text_never_gives_a_wrong_cell(rep: Report) -> None:
    """All cell boundaries removed: every cell comes back right or is left undecided."""
    glued = re.sub(r"[\s|#*-]+", "", render(rep, "md").decode("utf-8"))
    back = gongkai.read(glued.encode("utf-8"), name="glued.txt")
    assert (back.agency, back.year) == (rep.agency, rep.year)
    want = dict(rep.cells())
    for name, got in back.cells():
        if got.ambiguous:
            assert got.value is None and got.raw
        else:
            assert name in want and got.value == want[name].value, name


@FAST
@given(rep=reports(template="2021"))
def test_spaced_text_reads_exactly(rep: Report) -> None:
    """Cells separated only by spaces, as PDF-to-text tools give them."""
    spaced = re.sub(r"[\s|#*-]+", " ", render(rep, "md").decode("utf-8"))
    assert tables(gongkai.read(spaced.encode("utf-8"), name="spaced.txt")) == tables(rep)
