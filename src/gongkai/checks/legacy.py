"""Rules for pre-2019 statistics appendices (spec §4.3–4.4): L1–L4.

Legacy rows are keyed "<top-level row>/<label>" as written. They are matched to the national
indicator set (``templates.LEGACY_INDICATORS``) by label text once numbering such as "(一)",
"1.", "其中:" and trailing notes in brackets are stripped; a label shared by two indicators
(被依法纠错数 under 复议 and 诉讼) is resolved through its top-level row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..report import Number, Report
from ..templates import LEGACY_INDICATORS, Indicator
from .catalogue import Finding, rule
from .context import Context, clean, join_labels, legacy_cell, legacy_values, operand

TABLE = "legacy"

_PREFIX = re.compile(
    r"^(?:其中:|(?P<paren>\([一二三四五六七八九十\d]+\))|(?P<cn>[一二三四五六七八九十]+[、.])"
    r"|(?P<digit>\d+[.、)]))"
)
_NOTE = re.compile(r"\([^()]*\)$")


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def numbering(label: str) -> str:
    """The kind of numbering a label starts with: paren, cn, digit, or "" (none)."""
    m = _PREFIX.match(_nfkc(label))
    if m is None:
        return ""
    return m.lastgroup or ""


@functools.lru_cache(maxsize=4096)
def normalize(label: str) -> str:
    """A label without numbering, "其中:" and trailing bracketed notes."""
    s = _nfkc(label)
    while (m := _PREFIX.match(s)) is not None and m.end() > 0:
        s = s[m.end() :]
    while (m := _NOTE.search(s)) is not None and m.start() > 0:
        s = s[: m.start()]
    return s


_BY_LABEL: dict[str, list[Indicator]] = {}
for _ind in LEGACY_INDICATORS:
    for _label in (_ind.label, *_ind.aliases):
        _BY_LABEL.setdefault(normalize(_label), []).append(_ind)
_BY_KEY = {i.key: i for i in LEGACY_INDICATORS}
CHILDREN: dict[str, list[str]] = {}
for _ind in LEGACY_INDICATORS:
    if _ind.parent is not None:
        CHILDREN.setdefault(_ind.parent, []).append(_ind.key)
# A parent with one child is a "其中" subset (主动公开规范性文件数), not a sum of parts.
PARTITIONS = {k: v for k, v in CHILDREN.items() if len(v) >= 2}


@dataclass(frozen=True, slots=True)
class LegacyRow:
    key: str  # as in Report.legacy
    top: str
    label: str
    indicator: Indicator | None


def _split(key: str) -> tuple[str, str]:
    top, _, label = key.partition("/")
    return top, (label or top)


def _descends(key: str, ancestor: str) -> bool:
    parent = _BY_KEY[key].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = _BY_KEY[parent].parent
    return False


def legacy_rows(report: Report) -> list[LegacyRow]:
    """The report's legacy rows in document order, each with its indicator (or None)."""
    raw = [(k, *_split(k)) for k in report.legacy]
    first: list[Indicator | None] = []
    for _, _top, label in raw:
        cands = _BY_LABEL.get(normalize(label), [])
        first.append(cands[0] if len(cands) == 1 else None)
    rows: list[LegacyRow] = []
    used: set[str] = set()
    for (key, top, label), guess in zip(raw, first, strict=True):
        cands = _BY_LABEL.get(normalize(label), [])
        ind = guess
        if ind is None and len(cands) > 1:
            near = {i.key for i in _BY_LABEL.get(normalize(top), [])}
            near |= {g.key for (_, t, _), g in zip(raw, first, strict=True) if g and t == top}
            fits = [c for c in cands if c.parent in near]
            ind = fits[0] if len(fits) == 1 else None
        if ind is not None and ind.key in used:
            ind = None  # the same indicator twice: keep the first
        if ind is not None:
            used.add(ind.key)
        rows.append(LegacyRow(key, top, label, ind))
    return rows


def indicators(report: Report) -> dict[str, LegacyRow]:
    """Matched rows keyed by indicator key."""
    return {r.indicator.key: r for r in legacy_rows(report) if r.indicator is not None}


def column_names(report: Report, width: int) -> list[str]:
    cols = list(report.legacy_columns)
    return (
        cols if len(cols) >= width else [*cols, *(f"第{i + 1}列" for i in range(len(cols), width))]
    )


def values(report: Report, key: str) -> list[Number | None]:
    return [operand(v) for v in legacy_values(report, key)]


def missing_table(report: Report) -> str | None:
    if report.template != "legacy":
        return "仅适用于2019年以前的统计附表"
    if not report.legacy:
        return "报告中没有读到统计附表"
    return None


def _parts_of(rows: list[LegacyRow], parent: str) -> list[LegacyRow] | None:
    """The rows of ``parent``'s parts, when they follow it completely with nothing unknown."""
    pos = next(i for i, r in enumerate(rows) if r.indicator and r.indicator.key == parent)
    top = rows[pos].top
    parts: list[LegacyRow] = []
    j = pos + 1
    while j < len(rows) and (ind := rows[j].indicator) is not None and _descends(ind.key, parent):
        parts.append(rows[j])
        j += 1
    children = [r for r in parts if r.indicator and r.indicator.parent == parent]
    if {r.indicator.key for r in children if r.indicator} != set(PARTITIONS[parent]):
        return None
    # an unknown row numbered like the parts is a part we cannot name: do not judge the sum
    nxt = rows[j] if j < len(rows) else None
    if (
        nxt
        and nxt.indicator is None
        and nxt.top == top
        and numbering(nxt.label) == numbering(children[-1].label)
    ):
        return None
    return children


@rule(
    "L1",
    "error",
    "统计附表合计不等于分项之和",
    "「{parent}」{column}为{value}，而分项之和为{parts_sum}（{parts}）",
    ("表内", "旧版"),
    "2014—2018年全国统计表（国办发〔2014〕32号）中，收到申请数＝各渠道之和，申请办结数＝按时＋延期，"
    "申请答复数＝八类答复之和，不同意公开答复数＝六类理由之和，行政复议、行政诉讼数量＝三类结果之和，"
    "工作人员数＝专职＋兼职。只有分项齐全、紧随合计且没有无法识别的同级行时才核对。",
)
def sums(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    rows = legacy_rows(rep)
    matched = {r.indicator.key for r in rows if r.indicator}
    checked = 0
    for parent in PARTITIONS:
        if parent not in matched or (parts := _parts_of(rows, parent)) is None:
            continue
        checked += 1
        head = next(r for r in rows if r.indicator and r.indicator.key == parent)
        head_vals = values(rep, head.key)
        part_vals = [values(rep, p.key) for p in parts]
        names = column_names(rep, len(head_vals))
        for col, total in enumerate(head_vals):
            column = [pv[col] if col < len(pv) else None for pv in part_vals]
            if total is None or any(v is None for v in column):
                continue
            parts_sum = clean(sum(v for v in column if v is not None))
            if parts_sum != clean(total):
                yield ctx.finding(
                    {
                        "parent": head.label,
                        "column": names[col] if len(head_vals) > 1 else "",
                        "value": total,
                        "parts_sum": parts_sum,
                        "parts": join_labels(
                            (
                                f"{normalize(p.label)}{v}"
                                for p, v in zip(parts, column, strict=True)
                            ),
                            limit=8,
                        ),
                    },
                    table=TABLE,
                    rows=[head.key, *(p.key for p in parts)],
                    cells=[legacy_cell(rep, k, col) for k in (head.key, *(p.key for p in parts))],
                    numbers={"value": total, "parts_sum": parts_sum},
                )
    if not checked:
        yield ctx.not_applicable("统计附表中没有能与全国统计表分项对应的合计行", TABLE)


@rule(
    "L2",
    "error",
    "累计数小于本期数",
    "「{label}」{cumulative_column}为{cumulative}，小于{current_column}{current}",
    ("表内", "旧版"),
    "统计附表的“历年累计”“本年累计”包含本期（本年度）数字，不能小于它"
    "（实例：平潭统计表有“××年度”“历年累计”两列）。",
)
def cumulative(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    cols = rep.legacy_columns
    cum = [i for i, c in enumerate(cols) if "累计" in c]
    base = next((i for i, c in enumerate(cols) if "累计" not in c), None)
    if not cum or base is None:
        yield ctx.not_applicable("统计附表没有累计列", TABLE)
        return
    for key in rep.legacy:
        vals = values(rep, key)
        for ci in cum:
            if max(ci, base) >= len(vals):
                continue
            current, total = vals[base], vals[ci]
            if current is not None and total is not None and total < current:
                yield ctx.finding(
                    {
                        "label": key,
                        "cumulative_column": cols[ci],
                        "cumulative": total,
                        "current_column": cols[base],
                        "current": current,
                    },
                    table=TABLE,
                    rows=[key],
                    cells=[legacy_cell(rep, key, base), legacy_cell(rep, key, ci)],
                )


def _compare(
    ctx: Context, small_keys: tuple[str, ...], large_keys: tuple[str, ...]
) -> Iterator[Finding]:
    """Findings where the sum of ``small_keys`` exceeds the sum of ``large_keys`` (first column)."""
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    found = indicators(rep)
    if not all(k in found for k in (*small_keys, *large_keys)):
        yield ctx.not_applicable("统计附表中缺少相关指标", TABLE)
        return
    small = [values(rep, found[k].key)[:1] for k in small_keys]
    large = [values(rep, found[k].key)[:1] for k in large_keys]
    if any(not v or v[0] is None for v in (*small, *large)):
        return
    a = clean(sum(v[0] or 0 for v in small))
    b = clean(sum(v[0] or 0 for v in large))
    if a > b:
        keys = [found[k].key for k in (*small_keys, *large_keys)]
        yield ctx.finding(
            {
                "small": join_labels(normalize(found[k].label) for k in small_keys),
                "small_value": a,
                "large": join_labels(normalize(found[k].label) for k in large_keys),
                "large_value": b,
            },
            table=TABLE,
            rows=keys,
            cells=[legacy_cell(rep, k, 0) for k in keys],
            numbers={"small": a, "large": b},
        )


_COMPARE_TEMPLATE = "「{small}」为{small_value}，多于「{large}」{large_value}"


@rule(
    "L3",
    "warning",
    "办结数多于收到申请数",
    _COMPARE_TEMPLATE,
    ("表内", "旧版"),
    "申请办结数一般不超过收到申请数；统计表没有上年结转行，跨年办结的申请可能使办结数略多，故只作警告。",
)
def closed_vs_received(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, ("req_closed",), ("req_received",))


_CHANNELS = ("channel_gazette", "channel_web", "channel_weibo", "channel_wechat", "channel_other")


@rule(
    "L4",
    "warning",
    "主动公开数多于各渠道之和",
    _COMPARE_TEMPLATE,
    ("表内", "旧版"),
    "同一信息可在多个渠道公开（“不同渠道和方式公开相同信息计1条”），"
    "所以主动公开政府信息数可以小于各渠道之和，但不应大于。",
)
def active_vs_channels(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, ("active_total",), _CHANNELS)
