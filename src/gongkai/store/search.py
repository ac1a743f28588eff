"""Full-text search in the sections' text, Chinese-aware on both databases.

Chinese has no spaces between words, and neither SQLite's FTS5 nor PostgreSQL's built-in text
search segments it. The standard answer for CJK search (Lucene's CJKAnalyzer does the same) is
overlapping character bigrams: "政府信息" is indexed as "政府 府信 信息", and a query is the
phrase of its own bigrams, so any run of two or more characters is found wherever it occurs.
Latin letters and digits are whole lower-case words. The same tokens feed FTS5 (SQLite) and a
GIN index on a stored column ``search = to_tsvector('simple', tokens)`` (PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, bindparam, cast, literal_column, text
from sqlalchemy.dialects.postgresql import TSQUERY

from . import schema

_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)|([0-9a-z]+)")


def runs(value: str) -> list[tuple[str, bool]]:
    """The text's CJK runs and word runs, in order (True for CJK)."""
    folded = unicodedata.normalize("NFKC", value).lower()
    return [(m.group(1) or m.group(2), m.group(1) is not None) for m in _RUNS.finditer(folded)]


def tokens(value: str) -> str:
    """The index text: CJK bigrams (a lone character as itself) and words, space-separated."""
    out: list[str] = []
    for run, cjk in runs(value):
        if cjk and len(run) > 1:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return " ".join(out)


def query_terms(value: str) -> list[list[str]]:
    """The query as phrases of tokens (every phrase must occur); [] for nothing searchable."""
    return [tokens(run).split() for run, _ in runs(value)]


def matches(query: str, dialect: str) -> ColumnElement[bool] | None:
    """A condition on ``sections`` true where the section's text holds every term of the
    query; None when the query has nothing searchable. Terms are bound parameters."""
    phrases = query_terms(query)
    if not phrases:
        return None
    if dialect == "sqlite":
        # FTS5 query syntax: each phrase quoted ("政府 府信"), a lone CJK character as a prefix.
        parts = []
        for phrase in phrases:
            single = len(phrase) == 1 and len(phrase[0]) == 1
            parts.append(f'"{phrase[0]}"*' if single else '"' + " ".join(phrase) + '"')
        ids = text("SELECT rowid FROM sections_fts WHERE sections_fts MATCH :q").bindparams(
            q=" AND ".join(parts)
        )
        return schema.sections.c.id.in_(ids.columns(literal_column("rowid")))
    # PostgreSQL: the 'simple' configuration keeps each token as a lexeme with its position (a
    # run of CJK characters is one word to its parser); the query is tsquery literal syntax
    # ('政府' <-> '府信' & '政':*), a bound parameter holding only CJK characters and digits.
    terms = []
    for phrase in phrases:
        single = len(phrase) == 1 and len(phrase[0]) == 1
        terms.append(f"'{phrase[0]}':*" if single else " <-> ".join(f"'{t}'" for t in phrase))
    return VECTOR.op("@@")(cast(bindparam("q", " & ".join(terms)), TSQUERY))


# The stored column search = to_tsvector('simple', tokens) (PostgreSQL only: not in schema.py).
VECTOR: ColumnElement[Any] = literal_column("sections.search")
