"""A published annual report compared cell by cell with the tables its body's ledger gives
(``gongkai ledger reconcile 年报.pdf``): where the two differ, the ledger's cell can be explained
request by request."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..checks.bodies import same_body
from ..errors import GongkaiError
from ..output import cell_label
from ..report import CellValue, Number, Report
from ..store.engine import Store
from ..summary.reconcile import differences
from .tables import AnnualTables, annual_tables


@dataclass(frozen=True, slots=True)
class Difference:
    """A cell where the published report differs from the ledger."""

    name: str
    label: str
    published: CellValue  # as published (None: the cell is missing or blank)
    ledger: int
    difference: Number | None  # published − ledger; None when published holds no number


@dataclass
class Reconciled:
    published: Report
    tables: AnnualTables
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the report names another body


def compare(published: Report, tables: AnnualTables) -> list[Difference]:
    """Cells of 表三 and 表四 where ``published`` differs from ``tables``, in table order.

    A blank or textual cell (“/”, “无”) counts as 0; an unreadable cell is always listed. A
    published single （六）其他处理 row is compared with the sum of the ledger's three sub-rows.

    :raises GongkaiError: when the report uses another template than the year's.
    """
    if published.template != tables.template:
        raise GongkaiError(
            f"公布的报告使用{published.template}年格式，{tables.year}年度应为"
            f"{tables.template}年格式，无法逐格核对",
            published.path,
        )
    found = differences(published, tables.report(), skip=frozenset({"active"}))  # 表二: no ledger
    return [
        Difference(d.name, cell_label(d.name), d.published, int(d.expected), d.difference)
        for d in found
    ]


def reconcile_published(
    store: Store, body: int | str, year: int, source: Path | bytes, name: str | None = None
) -> Reconciled:
    """Read the published report (any format :func:`gongkai.read` reads) and compare it with
    ``body``'s ledger tables for ``year``.

    :raises GongkaiError: when the report cannot be read, is for another year, or uses another
        template.
    """
    from ..api import read  # the readers are heavy: loaded only when reconciling

    published = read(source, name)
    where = name or (str(source) if isinstance(source, Path) else None)
    if published.year is not None and published.year != year:
        raise GongkaiError(f"这是{published.year}年度的报告，不是{year}年度的", where)
    tables = annual_tables(store, body, year)
    done = Reconciled(published, tables, compare(published, tables))
    if published.agency and not same_body(published.agency, tables.body):
        done.notes.append(f"报告的发布机关“{published.agency}”与台账单位“{tables.body}”不同")
    return done
