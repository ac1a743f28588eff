"""Two files of one body and one year in a batch (D1), reported on each copy.

The runner emits the finding (the rule needs the whole batch, not one report): every report
whose body and year another file of the batch shares gets a warning naming the other files.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..report import Report
from .bodies import same_body
from .catalogue import RULES, Finding, Rule

DUPLICATE = RULES.add(
    Rule(
        "D1",
        "warning",
        "同一单位同一年度有多份报告",
        "{others}也是{agency}{year}年度的报告，可能是同一报告的重复文件；"
        "汇总时只计入其中一份（gongkai summarize 选用读取较好的一份，或用 --prefer 指定）",
        ("批量",),
        "一批文件中两份以上的报告属于同一单位（单位名称相同，或只差行政区划前缀，"
        "如“洪泽区人民政府”与“淮安市洪泽区人民政府”）和同一年度时，在每一份上提示，"
        "并列出其他文件。常见于同一报告既有网页抓取的文本、又有原文件。",
    )
)


def duplicate_groups(reports: Sequence[Report]) -> list[list[int]]:
    """Indexes of reports of the same body and year, for each group of two or more."""
    groups: list[list[int]] = []
    for i, rep in enumerate(reports):
        if rep.year is None or not rep.agency:
            continue
        group = next(
            (
                g
                for g in groups
                if reports[g[0]].year == rep.year and same_body(reports[g[0]].agency, rep.agency)
            ),
            None,
        )
        if group is None:
            groups.append([i])
        else:
            group.append(i)
    return [g for g in groups if len(g) > 1]


def _name(rep: Report, index: int) -> str:
    return rep.path or f"第{index + 1}份报告"


def duplicate_findings(reports: Sequence[Report]) -> dict[int, Finding]:
    """For each report (by index) that has duplicates in ``reports``, the D1 warning."""
    out: dict[int, Finding] = {}
    for group in duplicate_groups(reports):
        for i in group:
            others = "、".join(_name(reports[j], j) for j in group if j != i)
            rep = reports[i]
            fields = {"others": others, "agency": rep.agency or "", "year": rep.year}
            out[i] = Finding(
                DUPLICATE.code,
                DUPLICATE.severity,
                DUPLICATE.title,
                DUPLICATE.render(fields),
                fields,
            )
    return out
