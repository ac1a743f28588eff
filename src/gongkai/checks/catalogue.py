"""The rule catalogue: rule metadata, the registry, and the findings rules produce.

Every rule is registered once with :func:`rule`, which records its stable code, severity,
Chinese title, Chinese message template (named fields, rendered strictly with
``str.format_map``), tags and description. A duplicate code raises, so a code is never reused.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..report import CellValue, Number

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

# Tags a rule may carry; selecting by tag picks every rule that has it.
TAGS: dict[str, str] = {
    "表内": "一张表内部的勾稽关系",
    "跨表": "不同表格之间的关系",
    "跨年": "与上一年度报告比较",
    "文表一致": "正文所述数字与表格一致",
    "格式": "是否符合规定的年度报告格式",
    "完整性": "内容是否齐全",
    "数值": "单元格取值是否合理",
    "读取": "读取时数字粘连、无法确定等情况",
    "旧版": "2019年以前的统计附表",
    "内部": "检查程序自身的问题",
    "批量": "一批文件之间的关系（如同一报告的重复文件）",
}

# Where a finding points: the Report attribute holding the cells.
TABLE_LABELS: dict[str, str] = {
    "active": "表二（主动公开政府信息情况）",
    "requests": "表三（收到和处理政府信息公开申请情况）",
    "review_litigation": "表四（行政复议、行政诉讼情况）",
    "legacy": "统计附表",
    "sections": "正文",
}

# Rule families (the code's letter), in catalogue order.
FAMILIES: dict[str, str] = {
    "B": "表三：收到和处理政府信息公开申请情况",
    "C": "表四：行政复议、行政诉讼情况",
    "A": "表二：主动公开政府信息情况（第二十条）",
    "L": "2019年以前的统计附表",
    "F": "格式与完整性",
    "N": "正文与表格是否一致",
    "X": "与上一年度报告比较",
    "G": "数字粘连与无法确定的数字",
    "D": "一批文件之间：重复的报告",
    "R": "检查程序自身",
}

NOT_APPLICABLE = "不适用：{reason}"
_CODE = re.compile(r"^[A-Z][0-9]+$")


def placeholders(template: str) -> frozenset[str]:
    """The named fields of a message template; positional or dotted fields are refused."""
    names: set[str] = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"模板字段必须是名称：{{{name}}}（{template}）")
        names.add(name)
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class CellRef:
    """One cell (or a passage of text) a finding points at, with where to find it."""

    name: str  # stable name as in Report.cells(), e.g. "requests.new.total", or "sections.五"
    label: str  # Chinese, e.g. "一、本年新收政府信息公开申请数量 × 总计"
    value: CellValue = None
    raw: str = ""
    location: str | None = None  # Provenance.describe(), e.g. "第3页第12行"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": self.value,
            "raw": self.raw,
            "location": self.location,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) about one report, produced by one rule."""

    code: str
    severity: Severity
    title: str
    message: str
    fields: Mapping[str, object] = field(default_factory=dict)
    table: str | None = None  # "active" | "requests" | "review_litigation" | "legacy" | "sections"
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    numbers: Mapping[str, Number] = field(default_factory=dict)
    cells: tuple[CellRef, ...] = ()
    applicable: bool = True  # False: the rule could not be applied ("不适用：…")

    @property
    def location(self) -> str:
        """Where to look, e.g. "第3页第12行；第3页第14行" (empty when unknown)."""
        seen = dict.fromkeys(c.location for c in self.cells if c.location)
        return "；".join(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "fields": {k: _jsonable(v) for k, v in self.fields.items()},
            "table": self.table,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "numbers": dict(self.numbers),
            "cells": [c.to_dict() for c in self.cells],
            "location": self.location,
            "applicable": self.applicable,
        }


def _jsonable(v: object) -> object:
    return v if isinstance(v, str | int | float | bool) or v is None else str(v)


# A rule takes a gongkai.checks.context.Context (which builds on this module, so it is not named
# here: the catalogue stays free of an import circle) and yields findings.
RuleFunc = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and the function that applies it."""

    code: str
    severity: Severity
    title: str
    template: str
    tags: tuple[str, ...]
    description: str
    func: RuleFunc | None = None  # None for catalogue entries the runner itself emits

    @property
    def fields(self) -> frozenset[str]:
        return placeholders(self.template)

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    def render(self, fields: Mapping[str, object]) -> str:
        """The message; a missing or unexpected field is a bug in the rule and raises."""
        expected = self.fields
        if set(fields) != expected:
            missing = sorted(expected - set(fields))
            extra = sorted(set(fields) - expected)
            raise KeyError(f"规则{self.code}的字段与模板不符：缺少{missing}，多出{extra}")
        return self.template.format_map(dict(fields))


class Catalogue(Mapping[str, Rule]):
    """The registry of rules, in registration order; codes are unique."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        # Derived once per set of rules: every report's check asks for them.
        self._order: list[str] | None = None
        self._selected: dict[tuple[frozenset[str] | None, frozenset[str]], list[Rule]] = {}

    def add(self, item: Rule) -> Rule:
        if not _CODE.match(item.code):
            raise ValueError(f"规则代码格式不对：{item.code}")
        if item.code in self._rules:
            raise ValueError(f"规则代码重复：{item.code}")
        if item.family not in FAMILIES:
            raise ValueError(f"规则代码的字母没有登记：{item.code}")
        if item.severity not in SEVERITIES:
            raise ValueError(f"规则{item.code}的严重程度不对：{item.severity}")
        unknown = [t for t in item.tags if t not in TAGS]
        if unknown:
            raise ValueError(f"规则{item.code}使用了未定义的标签：{unknown}")
        placeholders(item.template)  # refuses malformed templates at import time
        self._rules[item.code] = item
        self._order, self._selected = None, {}
        return item

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __iter__(self) -> Iterator[str]:
        """Codes in family order (see FAMILIES), then by number."""
        if self._order is None:
            order = {f: i for i, f in enumerate(FAMILIES)}

            def key(code: str) -> tuple[int, int]:
                family = self._rules[code].family
                return order.get(family, len(order)), int(code[len(family) :])

            self._order = sorted(self._rules, key=key)
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._rules)

    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.family for r in self._rules.values()))

    def matches(self, item: Rule, selectors: Iterable[str]) -> bool:
        """True when a selector names the rule's code, its family letter or one of its tags."""
        return any(s in (item.code, item.family) or s in item.tags for s in selectors)

    def unknown_selectors(self, selectors: Iterable[str]) -> list[str]:
        known = set(self._rules) | set(self.families()) | set(TAGS)
        return [s for s in selectors if s not in known]

    def select(
        self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
    ) -> list[Rule]:
        """The runnable rules chosen by codes, family letters (e.g. "B") or tags."""
        chosen = None if select is None else frozenset(select)
        skipped = frozenset(ignore or ())
        found = self._selected.get((chosen, skipped))
        if found is None:
            found = self._selected[chosen, skipped] = [
                r
                for r in (self._rules[c] for c in self)
                if r.func is not None
                and (chosen is None or self.matches(r, chosen))
                and not self.matches(r, skipped)
            ]
        return list(found)


RULES = Catalogue()


def rule(
    code: str,
    severity: Severity,
    title: str,
    template: str,
    tags: tuple[str, ...],
    description: str,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register the decorated function as rule ``code``; a duplicate code raises ValueError."""

    def register(func: RuleFunc) -> RuleFunc:
        RULES.add(Rule(code, severity, title, template, tags, description, func))
        return func

    return register
