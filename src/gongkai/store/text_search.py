"""Full-text search of the stored sections, with an excerpt around each hit."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from ..errors import GongkaiError
from . import schema
from .engine import Store
from .queries import B, R, of_region
from .search import matches, runs

EXCERPT = 40  # characters shown on each side of a search hit


@dataclass(frozen=True)
class SearchHit:
    """A section whose text holds the searched words."""

    report_id: int
    body_id: int | None
    body: str | None
    year: int | None
    section: str  # 一 … 六
    title: str
    excerpt: str  # the text around the first hit, "…" where it is cut


def search_sections(
    store: Store,
    text: str,
    year: int | None = None,
    region: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Sections of current reports whose text holds every word of ``text`` (Chinese-aware:
    any run of two or more characters is found wherever it occurs), latest year first.

    :raises GongkaiError: when ``text`` holds nothing searchable, or ``limit`` is not positive.
    """
    if limit < 1:
        raise GongkaiError("结果条数应为正整数")
    condition = matches(text, store.dialect)
    if condition is None:
        raise GongkaiError("搜索内容中没有可检索的文字（至少一个汉字、字母或数字）")
    s = schema.sections.c
    # The first ``limit`` hits by section id alone, then their text: sorting the matched rows
    # with their text would move every hit's text through the sort.
    first = (
        select(s.id)
        .select_from(schema.sections)
        .join(schema.reports, R.id == s.report_id)
        .where(condition, R.current.is_(True))
    )
    if year is not None:
        first = first.where(R.year == year)
    if region:
        first = first.where(of_region(region))
    first = first.order_by(R.year.desc(), s.report_id.desc(), s.id).limit(limit)
    query = (
        select(s.report_id, R.body_id, B.name, R.agency, R.year, s.number, s.title, s.text)
        .select_from(schema.sections)
        .join(schema.reports, R.id == s.report_id)
        .outerjoin(schema.bodies, B.id == R.body_id)
        .where(s.id.in_(first.scalar_subquery()))
        .order_by(R.year.desc(), s.report_id.desc(), s.id)
    )
    with store.begin() as conn:
        rows = conn.execute(query).all()
    return [
        SearchHit(
            row.report_id,
            row.body_id,
            row.name or row.agency,
            row.year,
            row.number,
            row.title,
            excerpt(row.text, text),
        )
        for row in rows
    ]


def excerpt(text: str, query: str, width: int = EXCERPT) -> str:
    """The text around the first occurrence of the query's longest word, whitespace folded,
    with "…" where it is cut."""
    folded: list[str] = []
    where: list[int] = []  # index in ``text`` of each folded character
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch).lower():
            folded.append(f)
            where.append(i)
    words = [run for run, _ in runs(query)]  # the query folded as the index folds it
    hit = "".join(folded).find(max(words, key=len)) if words else -1
    if hit < 0:
        start, end = 0, min(len(text), 2 * width)
    else:
        at = where[hit]
        start, end = max(0, at - width), min(len(text), at + len(max(words, key=len)) + width)
    shown = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")


__all__ = ["SearchHit", "excerpt", "search_sections"]
