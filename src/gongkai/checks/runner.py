"""Running the catalogue: one report, or a batch of files with their previous years paired."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GongkaiError
from ..report import Report
from .bodies import same_body
from .catalogue import RULES, SEVERITY_RANK, Finding, Rule
from .context import Context
from .duplicates import DUPLICATE, duplicate_findings

# Emitted by the runner when a rule raises: a bug, reported instead of stopping the check.
RULE_ERROR = RULES.add(
    Rule(
        "R1",
        "info",
        "规则运行出错",
        "规则{rule}运行出错（{error}），该规则的结果不完整，请报告此问题",
        ("内部",),
        "检查程序的缺陷：某条规则运行时出错。运行器把错误转为这条提示，其余规则照常进行。",
    )
)


def selectors(value: str | Iterable[str] | None) -> set[str] | None:
    """Codes, family letters or tags from a set, or from a comma-separated string."""
    if value is None:
        return None
    items = value.replace("，", ",").split(",") if isinstance(value, str) else value
    return {s.strip() for s in items if s.strip()}


def validate_selectors(
    select: str | Iterable[str] | None, ignore: str | Iterable[str] | None
) -> tuple[set[str] | None, set[str]]:
    """The parsed selectors; an unknown code, letter or tag raises GongkaiError."""
    chosen, skipped = selectors(select), selectors(ignore) or set()
    unknown = RULES.unknown_selectors([*(chosen or ()), *skipped])
    if unknown:
        raise GongkaiError(f"未知的规则代码或标签：{'、'.join(sorted(unknown))}")
    return chosen, skipped


def check(
    report: Report,
    previous: Report | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> list[Finding]:
    """Apply the rule catalogue to ``report`` and return its findings, errors first.

    :param previous: the same body's report for the year before (enables the X rules).
    :param select: run only rules whose code, family letter ("B") or tag ("跨年") is listed.
    :param ignore: skip rules whose code, family letter or tag is listed.
    :raises GongkaiError: for an unknown code or tag.
    """
    chosen, skipped = validate_selectors(select, ignore)
    findings: list[Finding] = []
    memo: dict[str, object] = {}
    for item in RULES.select(chosen, skipped):
        if item.func is None:
            continue
        try:
            findings.extend(item.func(Context(report, previous, item, memo)))
        except Exception as exc:  # a rule's bug must not stop the other rules
            if not RULES.matches(RULE_ERROR, skipped):
                fields = {"rule": item.code, "error": f"{type(exc).__name__}: {exc}"}
                findings.append(
                    Finding(
                        RULE_ERROR.code,
                        RULE_ERROR.severity,
                        RULE_ERROR.title,
                        RULE_ERROR.render(fields),
                        fields,
                    )
                )
    order = {code: i for i, code in enumerate(RULES)}
    findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], not f.applicable, order[f.code]))
    return findings


def pair_previous(reports: Sequence[Report]) -> dict[int, Report]:
    """For each report (by index) the same body's report for the year before, when given."""
    out: dict[int, Report] = {}
    for i, rep in enumerate(reports):
        if rep.year is None:
            continue
        for j, other in enumerate(reports):
            if j != i and other.year == rep.year - 1 and same_body(rep.agency, other.agency):
                out[i] = other
                break
    return out


@dataclass
class Checked:
    """One report with its findings and the previous-year report it was compared with."""

    report: Report
    findings: list[Finding]
    previous: Report | None = None


@dataclass
class Batch:
    """The result of checking files: checked reports and files that could not be read."""

    checked: list[Checked] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, Chinese message)

    def pairs(self) -> list[tuple[Report, list[Finding]]]:
        return [(c.report, c.findings) for c in self.checked]

    def count(self, severity: str) -> int:
        return sum(
            1 for c in self.checked for f in c.findings if f.severity == severity and f.applicable
        )

    @property
    def ok(self) -> bool:
        """No error found and every file read."""
        return not self.failures and self.count("error") == 0


def load_json(path: Path) -> Report:
    """A report from a report JSON file (the shape of Report.to_dict / the corpus labels)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError: invalid UTF-8 or JSON, or a number of more than 4,300 digits.
        raise GongkaiError(f"不是有效的报告JSON文件（{str(exc)[:200]}）", str(path)) from None
    if not isinstance(data, dict):
        raise GongkaiError("报告JSON文件的内容应是一个对象", str(path))
    rep = Report.from_dict(data, str(path))  # a malformed field raises GongkaiError
    rep.path = rep.path or str(path)
    return rep


def _load_all(paths: Iterable[str | Path], batch: Batch) -> list[Report]:
    """Reports from files and directories, in order; failures go to ``batch.failures``."""
    from ..batch import collect, read_many  # the extractor is heavy: import when needed

    files = collect(paths)
    documents = {o.path: o for o in read_many(f for f in files if f.suffix.lower() != ".json")}
    reports: list[Report] = []
    for f in files:
        if f.suffix.lower() == ".json":
            try:
                reports.append(load_json(f))
            except GongkaiError as exc:
                batch.failures.append((str(f), exc.message))
            continue
        outcome = documents[str(f)]
        if outcome.report is not None:
            reports.append(outcome.report)
        else:
            batch.failures.append((outcome.path, outcome.error or "无法读取"))
    return reports


def check_paths(
    paths: Iterable[str | Path],
    previous: Iterable[str | Path] = (),
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> Batch:
    """Read and check report files and directories; pair each body's consecutive years.

    :param paths: files or directories (every report file under a directory, recursively).
    :param previous: extra previous-year reports to compare with; they are not checked
        themselves. With one report and one previous report the two are paired directly.
    """
    chosen, skipped = validate_selectors(select, ignore)
    batch = Batch()
    reports = _load_all(paths, batch)
    earlier = _load_all(previous, batch)
    pool = [*reports, *earlier]
    paired = pair_previous(pool)
    for i, rep in enumerate(reports):
        prev = paired.get(i)
        if prev is None and len(reports) == 1 and len(earlier) == 1:
            prev = earlier[0]
        batch.checked.append(Checked(rep, check(rep, prev, select, ignore), prev))
    if (chosen is None or RULES.matches(DUPLICATE, chosen)) and not RULES.matches(
        DUPLICATE, skipped
    ):
        order = {code: i for i, code in enumerate(RULES)}
        for i, finding in duplicate_findings(reports).items():
            found = batch.checked[i].findings
            found.append(finding)
            found.sort(key=lambda f: (SEVERITY_RANK[f.severity], not f.applicable, order[f.code]))
    return batch
