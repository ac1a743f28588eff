"""The 35 truncated real report pages in ../shared/corpus/excerpts: nothing invented or hidden.

The excerpts are unlabelled and cut off after about 2,000 bytes, usually inside a table. What
can be asserted without a label:

- reading raises nothing but ``GongkaiError``;
- every number gongkai gives is written in the excerpt;
- a table cut off by the truncation is not filled in: gongkai gives no more non-blank cells for a
  table than the excerpt holds for it;
- a row gongkai does not give is named in ``report.warnings`` (or the whole table is absent and
  the warnings say so).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from corpus_util import SHARED_CORPUS

import gongkai
from gongkai.report import Report, Value
from gongkai.templates import request_rows_for, template_for

EXCERPTS = SHARED_CORPUS / "excerpts"

if not EXCERPTS.is_dir():
    pytest.skip(f"{EXCERPTS} is absent", allow_module_level=True)

FILES = sorted(EXCERPTS.glob("pg_*.txt"))

# Where each table of the excerpt begins (first marker found wins). Text before the first table
# (narrative) is not counted towards any table.
# The markers are words printed inside the tables (captions, headers), not section titles,
# which the introduction often lists.
TABLE_MARKERS = {
    "active": ("第二十条", "信息内容"),
    "requests": ("申请人情况", "本年新收政府信息公开申请数量"),
    "review_litigation": ("结果维持", "未经复议直接起诉"),
}

# Cells holding text as written ("/", "—", "无" …); delimited by whitespace or table pipes.
PLACEHOLDER = re.compile(r"(?:(?<=[\s|｜])|^)(?:/|／|—+|－|-|--|无|\\)(?=[\s|｜]|$)", re.M)


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def _flat(text: str) -> str:
    """The excerpt with full-width forms folded (NFKC), whitespace and thousands commas removed."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    return re.sub(r"(?<=\d),(?=\d{3})", "", t)


def _read(path: Path) -> Report | None:
    try:
        return gongkai.read(path)
    except gongkai.GongkaiError:
        return None


def _number_text(v: int | float) -> str:
    return str(v) if isinstance(v, int) else repr(v)


def _regions(text: str) -> dict[str, str]:
    """The excerpt's text of each table: from its marker up to the next table's marker."""
    t = unicodedata.normalize("NFKC", text)
    starts: dict[str, int] = {}
    for table, markers in TABLE_MARKERS.items():
        for m in markers:
            i = t.find(m)
            if i >= 0:
                starts[table] = i
                break
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    out = {}
    for n, (table, start) in enumerate(ordered):
        end = ordered[n + 1][1] if n + 1 < len(ordered) else len(t)
        out[table] = t[start:end]
    return out


def _cell_capacity(region: str) -> int:
    """Most cells the region can hold: one per digit (cells may be glued), one per decimal
    number, one per text placeholder. Row numbering ("1.属于…") and dates are no cells."""
    t = re.sub(r"\d+\s*[.．、](?=\s*[^\d\s])", " ", region)  # 1.属于国家秘密
    t = re.sub(r"\d+\s*[年月日号]", " ", t)  # 2022年, 12月31日
    t = re.sub(r"第\s*\d+\s*[条项款]", " ", t)
    n = 0
    for tok in re.findall(r"\d[\d,]*(?:\.\d+)?", t):
        n += 1 if "." in tok else sum(c.isdigit() for c in tok)
    return n + len(PLACEHOLDER.findall(t))


def _table_values(rep: Report) -> dict[str, list[Value]]:
    return {
        "active": [v for vals in rep.active.values() for v in vals],
        "requests": [v for vals in rep.requests.values() for v in vals],
        "review_litigation": list(rep.review_litigation or []),
    }


# -- which excerpts the reader gets wrong today -------------------------------------------------


def _params(known_bad: dict[str, str]) -> list[object]:
    out = []
    for p in FILES:
        marks = []
        if p.stem in known_bad:
            marks.append(pytest.mark.xfail(strict=True, reason=known_bad[p.stem]))
        out.append(pytest.param(p, id=p.stem, marks=marks))
    return out


def test_there_are_35_excerpts() -> None:
    assert len(FILES) == 35


@pytest.mark.parametrize("path", _params({}))
def test_reading_raises_only_gongkai_error(path: Path) -> None:
    try:
        rep = gongkai.read(path)
    except gongkai.GongkaiError as e:
        assert str(e)  # a Chinese message, no traceback
        return
    assert rep.cells() or rep.warnings


@pytest.mark.parametrize("path", _params({}))
def test_every_number_is_in_the_excerpt(path: Path) -> None:
    rep = _read(path)
    if rep is None:
        return
    flat = _flat(_text(path))
    for name, v in rep.cells():
        x = v.value
        if isinstance(x, bool) or not isinstance(x, int | float):
            continue
        assert _number_text(x) in flat, (name, x, v.raw)


@pytest.mark.parametrize("path", _params({}))
def test_truncated_tables_are_not_filled_in(path: Path) -> None:
    rep = _read(path)
    if rep is None:
        return
    regions = _regions(_text(path))
    for table, values in _table_values(rep).items():
        given = sum(v.value is not None for v in values)
        if not given:
            continue
        assert table in regions, (table, "cells given but the excerpt has no such table")
        capacity = _cell_capacity(regions[table])
        assert given <= capacity, (table, given, capacity)


def _missing_rows(rep: Report) -> dict[str, list[tuple[str, str]]]:
    tpl = template_for(rep.template) if rep.template in ("2019", "2021") else None
    if tpl is None:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    if rep.active:
        out["active"] = [(r.key, r.label) for r in tpl.active_rows if r.key not in rep.active]
    if rep.requests:
        rows = request_rows_for(rep.template, set(rep.requests))
        out["requests"] = [(r.key, r.label) for r in rows if r.key not in rep.requests]
    return out


TABLE_TITLES = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


@pytest.mark.parametrize("path", _params({}))
def test_missing_rows_are_named(path: Path) -> None:
    rep = _read(path)
    if rep is None or rep.template == "legacy":
        return
    said = "\n".join(rep.warnings)
    tables = _table_values(rep)
    for table, title in TABLE_TITLES.items():
        if not tables[table]:
            assert f"缺少表格：{title}" in said, table
    unnamed = [
        (table, key)
        for table, rows in _missing_rows(rep).items()
        for key, label in rows
        if key not in said and label not in said
    ]
    assert not unnamed, unnamed
