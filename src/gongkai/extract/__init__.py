"""From the document model to the report: tables, template, metadata and sections."""

from __future__ import annotations

import re

from .. import templates as T
from ..errors import NotAReport
from ..model import Document
from ..report import Report, SectionText
from .legacy import read_legacy
from .meta import find_meta, find_period_year, find_published
from .normalise import normalise_document
from .solver import JointRule
from .stream import Heading, Stream, find_sections, find_tokens
from .tables import (
    Regions,
    detect_template,
    find_regions,
    read_active,
    read_requests,
    read_review,
)

_RECEIVED = re.compile(r"(?:收到|受理|新收)[^。；，,：:]{0,20}?申请\D{0,8}?(\d+)\s*[件个宗条]")

__all__ = ["extract"]


def extract(doc: Document) -> Report:
    """Read the report's tables, template, agency, year and sections from a document."""
    normalise_document(doc)
    stream = Stream(doc)
    tokens = find_tokens(stream.text)
    headings = find_sections(stream)
    five = next((h for h in headings if h.number == "五"), None)
    regions = find_regions(tokens, len(stream.text))
    if five is not None and regions.c is not None and five.start > regions.c[0]:
        regions.c = (regions.c[0], five.start)

    bounds = [h.start for h in headings]
    rep = Report(path=doc.path, format=doc.format)
    rep.warnings.extend(doc.warnings)
    sections = _sections(stream, headings, _table_spans(stream, regions, bounds))
    rep.sections = sections
    received = _received(sections)
    if received is not None:
        rep.narrative["received"] = received

    hints: list[JointRule] = []
    if received is not None:
        # "收到 N 件" means new, or new plus carried over (spec N1): either may narrow readings.
        hints.append(
            lambda a: (
                "new" in a
                and received in (a["new"][6], a["new"][6] + a.get("carried_over", (0,) * 7)[6])
            )
        )
    if regions.b is not None:
        rep.requests, warns = read_requests(stream, tokens, regions.b, hints, bounds)
        rep.warnings.extend(warns)
    template = detect_template(tokens, regions, set(rep.requests))
    if regions.a is not None and template is not None:
        narrative = sections["一"].text if "一" in sections else ""
        rep.active, warns = read_active(stream, tokens, regions.a, template, bounds, narrative)
        rep.warnings.extend(warns)
    if regions.c is not None and (rep.requests or rep.active):
        # Without 表二 or 表三 this is no 2019/2021 report (a legacy appendix names 行政复议 too).
        rep.review_litigation, warns = read_review(stream, tokens, regions.c)
        rep.warnings.extend(warns)

    if not rep.requests and not rep.active:
        rep.legacy, rep.legacy_columns, warns = read_legacy(doc)
        rep.warnings.extend(warns)
        if not rep.legacy:
            raise NotAReport(
                "没有找到年度报告的统计表格（第二十条主动公开、收到和处理申请、行政复议诉讼表，"
                "或2019年以前的统计附表），可能不是政府信息公开工作年度报告",
                doc.path,
            )
        template = "legacy"
        rep.review_litigation = None
    rep.template = template or "2021"
    for name, present in (
        ("二、主动公开政府信息情况", rep.active),
        ("三、收到和处理政府信息公开申请情况", rep.requests),
        ("四、政府信息公开行政复议、行政诉讼情况", rep.review_litigation),
    ):
        if rep.template != "legacy" and not present:
            rep.warnings.append(f"缺少表格：{name}")
    _name_missing_rows(rep)
    rep.agency, rep.year = find_meta(doc)
    rep.published = find_published(doc)
    period = find_period_year(doc)
    if period is not None:
        rep.narrative["period_year"] = period
    if rep.agency is None:
        rep.warnings.append("未能识别发布机关")
    if rep.year is None:
        rep.warnings.append("未能识别报告年度")
    return rep


def _name_missing_rows(rep: Report) -> None:
    """A table that was read but lacks template rows says which (cut off, or unrecognised)."""
    if rep.template == "legacy":
        return
    tables = (
        ("表二", T.template_for(rep.template).active_rows, rep.active),
        ("表三", T.request_rows_for(rep.template, set(rep.requests)), rep.requests),
    )
    for name, rows, present in tables:
        missing = [r.label for r in rows if r.key not in present]
        if present and missing:
            rep.warnings.append(
                f"{name}未读到{len(missing)}行（原文不完整或行名无法识别）：" + "；".join(missing)
            )


def _table_spans(stream: Stream, regions: Regions, bounds: list[int]) -> list[tuple[int, int]]:
    """Where tables written as running text lie, each cut at the next section heading (the
    heading and any narrative before the next table belong to that section). A table with a
    grid needs no cut: section text never includes grid cells."""
    out = []
    for region in (regions.a, regions.b, regions.c):
        if region is not None:
            lo, hi = region
            hi = min([hi, *(b for b in bounds if b > lo)])
            if not stream.has_grid(lo, hi):
                out.append((lo, hi))
    return out


def _sections(
    stream: Stream, headings: list[Heading], tables: list[tuple[int, int]]
) -> dict[str, SectionText]:
    """Each section's text without its table (glued crawler text carries the table's cells
    inside the paragraph; structured formats keep them apart anyway)."""
    out: dict[str, SectionText] = {}
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(stream.text)
        pos, parts = h.end, []
        for lo, hi in sorted(tables):
            if lo < end and hi > pos:
                parts.append(stream.plain(pos, max(pos, lo)))
                pos = max(pos, hi)
        parts.append(stream.plain(pos, end))
        text = "\n".join(p for p in parts if p)
        out[h.number] = SectionText(
            h.number, re.sub(r"\s+", "", h.title), text, stream.source_at(h.start)
        )
    return out


def _received(sections: dict[str, SectionText]) -> int | None:
    for number in ("一", "三"):
        s = sections.get(number)
        m = _RECEIVED.search(s.text) if s else None
        if m:
            return int(m.group(1))
    return None
