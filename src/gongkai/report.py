"""The typed report object: what a 政府信息公开工作年度报告 says, value by value.

``Report.to_dict()`` is the interchange shape of ../shared/corpus/LABEL_SCHEMA.md (same field
names and keys) plus provenance, sections and warnings; ``Report.from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Provenance
from .templates import (
    ACTIVE_2019,
    ACTIVE_2021,
    ALL_REQUEST_KEYS,
    REQUEST_COLUMN_KEYS,
    REVIEW_KEYS,
    SECTIONS,
    Row,
    template_for,
)

Number = int | float
CellValue = Number | str | None


@dataclass(slots=True)
class Value:
    """One table cell of the report.

    ``value`` is the number (or the text as written for "/", "—", "无"; ``None`` for a blank
    cell). ``raw`` is the string as written. ``derived`` says how a value that was not read
    directly was obtained; ``ambiguous`` marks a cell that could not be recovered (several
    readings fit), whose ``raw`` then holds the undivided text it came from.
    """

    value: CellValue
    raw: str = ""
    unit: str | None = None
    source: Provenance | None = None
    derived: str | None = None
    ambiguous: bool = False

    @property
    def shown(self) -> CellValue:
        """The cell in the interchange: the number, text or None (blank), and for an
        undecided cell the raw text that could not be divided (never a blank)."""
        return self.raw if self.ambiguous else self.value

    @property
    def number(self) -> Number | None:
        """The value as a number, or None when blank, textual or ambiguous."""
        v = self.value
        return v if isinstance(v, int | float) and not isinstance(v, bool) else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "raw": self.raw}
        if self.unit:
            d["unit"] = self.unit
        if self.source is not None:
            d["source"] = self.source.to_dict()
        if self.derived:
            d["derived"] = self.derived
        if self.ambiguous:
            d["ambiguous"] = True
        return d


def blank() -> Value:
    return Value(None, "")


@dataclass(slots=True)
class SectionText:
    number: str  # 一 … 六
    title: str  # as written
    text: str
    source: Provenance | None = None


@dataclass(slots=True)
class Report:
    """A report read from one file (or written by a user)."""

    agency: str | None = None
    year: int | None = None
    template: str = "2021"  # "2021" | "2019" | "legacy"
    active: dict[str, list[Value]] = field(default_factory=dict)  # row key -> values
    requests: dict[str, list[Value]] = field(default_factory=dict)  # row key -> 7 values
    review_litigation: list[Value] | None = None  # 15 values
    legacy: dict[str, Value | list[Value]] = field(default_factory=dict)
    legacy_columns: list[str] = field(default_factory=list)
    sections: dict[str, SectionText] = field(default_factory=dict)
    narrative: dict[str, Number] = field(default_factory=dict)
    published: str | None = None  # publication date (YYYY-MM-DD) where the page states it
    warnings: list[str] = field(default_factory=list)
    path: str | None = None
    format: str | None = None

    # -- access -------------------------------------------------------------------------

    def request(self, row: str, col: int) -> Number | None:
        """The number in Table B at row key ``row``, column index ``col`` (0–6)."""
        vals = self.requests.get(row)
        return vals[col].number if vals and col < len(vals) else None

    def active_rows(self) -> tuple[Row, ...]:
        return ACTIVE_2019 if self.template == "2019" else ACTIVE_2021

    def cells(self) -> list[tuple[str, Value]]:
        """Every table cell with a stable name, e.g. ``requests.new.total``."""
        out: list[tuple[str, Value]] = []
        for row in self.active_rows():
            for col, v in zip(row.columns, self.active.get(row.key, []), strict=False):
                out.append((f"active.{row.key}.{col.key}", v))
        for key, vals in self.requests.items():
            for ck, v in zip(REQUEST_COLUMN_KEYS, vals, strict=False):
                out.append((f"requests.{key}.{ck}", v))
        for rk, v in zip(REVIEW_KEYS, self.review_litigation or [], strict=False):
            out.append((f"review_litigation.{rk}", v))
        for label, lv in self.legacy.items():
            if isinstance(lv, list):
                for i, v in enumerate(lv):
                    out.append((f"legacy.{label}[{i}]", v))
            else:
                out.append((f"legacy.{label}", lv))
        return out

    # -- interchange --------------------------------------------------------------------

    def to_dict(self, detail: bool = True) -> dict[str, Any]:
        """The LABEL_SCHEMA shape; with ``detail`` also provenance, sections and warnings."""
        d: dict[str, Any] = {}
        if self.path is not None:
            d["file"] = self.path
        if self.format is not None:
            d["format"] = self.format
        d["agency"] = self.agency
        d["year"] = self.year
        d["template"] = self.template
        if self.active:
            d["active"] = {
                row.label: [v.shown for v in self.active[row.key]]
                for row in self.active_rows()
                if row.key in self.active
            }
        if self.requests:
            d["requests"] = {k: [v.shown for v in vals] for k, vals in self.requests.items()}
        if self.review_litigation is not None:
            d["review_litigation"] = [v.shown for v in self.review_litigation]
        if self.legacy:
            d["legacy"] = {
                k: [x.shown for x in v] if isinstance(v, list) else v.shown
                for k, v in self.legacy.items()
            }
            if self.legacy_columns:
                d["legacy_columns"] = list(self.legacy_columns)
        if self.narrative:
            d["narrative"] = dict(self.narrative)
        if self.published:
            d["published"] = self.published
        if not detail:
            return d
        d["sections"] = {n: {"title": s.title, "text": s.text} for n, s in self.sections.items()}
        d["cells"] = {name: v.to_dict() for name, v in self.cells()}
        d["warnings"] = list(self.warnings)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """Read the JSON that ``to_dict`` (or a label file) holds."""
        template = str(d.get("template", "2021"))
        detail = d.get("cells", {})

        def val(name: str, v: CellValue) -> Value:
            info = detail.get(name, {})
            src = info.get("source")
            ambiguous = bool(info.get("ambiguous", False))
            return Value(
                None if ambiguous else v,
                info.get("raw", "" if v is None else str(v)),
                info.get("unit"),
                Provenance(**src) if src else None,
                info.get("derived"),
                ambiguous,
            )

        rep = cls(
            agency=d.get("agency"),
            year=int(d["year"]) if d.get("year") is not None else None,
            template=template,
            path=d.get("file"),
            format=d.get("format"),
        )
        rows = rep.active_rows()
        by_label = {lab: r for r in rows for lab in r.all_labels}
        for label, values in (d.get("active") or {}).items():
            row = by_label.get(label)
            if row is None:
                rep.warnings.append(f"未知的主动公开行：{label}")
                continue
            rep.active[row.key] = [
                val(f"active.{row.key}.{c.key}", x)
                for c, x in zip(row.columns, values, strict=False)
            ]
        for key, values in (d.get("requests") or {}).items():
            rep.requests[key] = [
                val(f"requests.{key}.{ck}", x)
                for ck, x in zip(REQUEST_COLUMN_KEYS, values, strict=False)
            ]
        if d.get("review_litigation") is not None:
            rep.review_litigation = [
                val(f"review_litigation.{k}", x)
                for k, x in zip(REVIEW_KEYS, d["review_litigation"], strict=False)
            ]
        for label, lv in (d.get("legacy") or {}).items():
            if isinstance(lv, list):
                rep.legacy[label] = [val(f"legacy.{label}[{i}]", x) for i, x in enumerate(lv)]
            else:
                rep.legacy[label] = val(f"legacy.{label}", lv)
        rep.legacy_columns = list(d.get("legacy_columns") or [])
        titles = {s.number: s.title for s in SECTIONS}
        for n, s in (d.get("sections") or {}).items():
            rep.sections[n] = SectionText(n, s.get("title", titles.get(n, "")), s.get("text", ""))
        rep.narrative = dict(d.get("narrative") or {})
        rep.published = d.get("published")
        rep.warnings = list(d.get("warnings") or [])
        return rep


def ordered_request_keys(rep: Report) -> list[str]:
    """Table B keys of a report in template order (union of both templates' keys)."""
    order = {k: i for i, k in enumerate(ALL_REQUEST_KEYS)}
    return sorted(rep.requests, key=lambda k: order.get(k, len(order)))


def empty_report(agency: str, year: int, template: str = "2021") -> Report:
    """A report with every template cell present and zero, for authoring."""
    tpl = template_for(template)
    rep = Report(agency=agency, year=year, template=template)
    for row in tpl.active_rows:
        rep.active[row.key] = [Value(0, "0") for _ in row.columns]
    for row in tpl.request_rows:
        rep.requests[row.key] = [Value(0, "0") for _ in range(7)]
    rep.review_litigation = [Value(0, "0") for _ in REVIEW_KEYS]
    return rep
