"""The typed report object: what a 政府信息公开工作年度报告 says, value by value.

``Report.to_dict()`` is the interchange shape of ../shared/corpus/LABEL_SCHEMA.md (same field
names and keys) plus provenance, sections and warnings; ``Report.from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from .errors import GongkaiError
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
    def from_dict(cls, d: dict[str, Any], source: str | None = None) -> Report:
        """Read the JSON that ``to_dict`` (or a label file) holds.

        :param source: the file the JSON came from, named in error messages.
        :raises GongkaiError: when a field has the wrong type or an impossible value; the
            Chinese message names the field (``requests.new[2]``).
        """
        if not isinstance(d, dict):
            raise GongkaiError("报告JSON的内容应是一个对象（{…}）", source)
        j = _Json(source)
        template = j.template(d.get("template", "2021"))
        detail = j.mapping(d.get("cells"), "cells")

        def val(name: str, field_name: str, v: object) -> Value:
            cell = j.cell(v, field_name)
            info = j.mapping(detail.get(name), f"cells.{name}")
            ambiguous = j.flag(info.get("ambiguous", False), f"cells.{name}.ambiguous")
            raw = info.get("raw")
            return Value(
                None if ambiguous else cell,
                j.text(raw, f"cells.{name}.raw") if raw is not None else _raw(cell),
                j.optional_text(info.get("unit"), f"cells.{name}.unit"),
                j.location(info.get("source"), f"cells.{name}.source"),
                j.optional_text(info.get("derived"), f"cells.{name}.derived"),
                ambiguous,
            )

        rep = cls(
            agency=j.optional_text(d.get("agency"), "agency"),
            year=j.year(d.get("year")),
            template=template,
            path=j.optional_text(d.get("file"), "file"),
            format=j.optional_text(d.get("format"), "format"),
        )
        rows = rep.active_rows()
        by_label = {lab: r for r in rows for lab in r.all_labels}
        for label, values in j.mapping(d.get("active"), "active").items():
            row = by_label.get(label)
            if row is None:
                rep.warnings.append(f"未知的主动公开行：{label}")
                continue
            cells = j.cells(values, f"active.{label}")
            rep.active[row.key] = [
                val(f"active.{row.key}.{c.key}", f"active.{label}[{i}]", x)
                for i, (c, x) in enumerate(zip(row.columns, cells, strict=False))
            ]
        for key, values in j.mapping(d.get("requests"), "requests").items():
            cells = j.cells(values, f"requests.{key}")
            rep.requests[key] = [
                val(f"requests.{key}.{ck}", f"requests.{key}[{i}]", x)
                for i, (ck, x) in enumerate(zip(REQUEST_COLUMN_KEYS, cells, strict=False))
            ]
        if d.get("review_litigation") is not None:
            cells = j.cells(d["review_litigation"], "review_litigation")
            if len(cells) != len(REVIEW_KEYS):
                j.fail("review_litigation", f"应有{len(REVIEW_KEYS)}个单元格，实有{len(cells)}个")
            rep.review_litigation = [
                val(f"review_litigation.{k}", f"review_litigation[{i}]", x)
                for i, (k, x) in enumerate(zip(REVIEW_KEYS, cells, strict=False))
            ]
        for label, lv in j.mapping(d.get("legacy"), "legacy").items():
            if isinstance(lv, list):
                rep.legacy[label] = [
                    val(f"legacy.{label}[{i}]", f"legacy.{label}[{i}]", x) for i, x in enumerate(lv)
                ]
            else:
                rep.legacy[label] = val(f"legacy.{label}", f"legacy.{label}", lv)
        rep.legacy_columns = j.texts(d.get("legacy_columns"), "legacy_columns")
        titles = {s.number: s.title for s in SECTIONS}
        for n, s in j.mapping(d.get("sections"), "sections").items():
            sec = j.mapping(s, f"sections.{n}")
            title = sec.get("title", titles.get(n, ""))
            rep.sections[n] = SectionText(
                n,
                j.text(title, f"sections.{n}.title"),
                j.text(sec.get("text", ""), f"sections.{n}.text"),
            )
        for k, x in j.mapping(d.get("narrative"), "narrative").items():
            number = j.cell(x, f"narrative.{k}")
            if not isinstance(number, int | float):
                j.fail(f"narrative.{k}", "应为数字")
            rep.narrative[k] = number
        rep.published = j.optional_text(d.get("published"), "published")
        rep.warnings[:0] = j.texts(d.get("warnings"), "warnings")
        return rep


# -- reading report JSON ---------------------------------------------------------------------

# No figure of a report reaches this (a thousand trillion): a larger number in a report JSON is
# refused, since Python's int()/str() stop at 4,300 digits and float stops at 10^308.
MAX_FIGURE = 10**15
_LOCATION_KEYS = frozenset({"page", "line", "table", "row", "col"})


def _raw(cell: CellValue) -> str:
    return "" if cell is None else str(cell)


def _kind(v: object) -> str:
    if isinstance(v, bool):
        return "真假值"
    if isinstance(v, dict):
        return "对象"
    if isinstance(v, list):
        return "列表"
    if isinstance(v, str):
        return "文字"
    return "数字" if isinstance(v, int | float) else type(v).__name__


class _Json:
    """Checks of the fields of a report JSON; each failure is a GongkaiError naming the field."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def fail(self, name: str, problem: str) -> NoReturn:
        raise GongkaiError(f"报告JSON的字段“{name}”{problem}", self.source)

    def mapping(self, v: object, name: str) -> dict[str, Any]:
        if v is None:
            return {}
        if not isinstance(v, dict):
            self.fail(name, f"应是一个对象（{{…}}），而不是{_kind(v)}")
        return v

    def cells(self, v: object, name: str) -> list[Any]:
        if not isinstance(v, list):
            self.fail(name, f"应是单元格的列表（[…]），而不是{_kind(v)}")
        return v

    def texts(self, v: object, name: str) -> list[str]:
        if v is None:
            return []
        return [self.text(x, f"{name}[{i}]") for i, x in enumerate(self.cells(v, name))]

    def text(self, v: object, name: str) -> str:
        if not isinstance(v, str):
            self.fail(name, f"应为文字，而不是{_kind(v)}")
        return v

    def optional_text(self, v: object, name: str) -> str | None:
        return None if v is None else self.text(v, name)

    def flag(self, v: object, name: str) -> bool:
        if not isinstance(v, bool):
            self.fail(name, f"应为 true 或 false，而不是{_kind(v)}")
        return v

    def cell(self, v: object, name: str) -> CellValue:
        """A cell: a number, a text (“/”, “无”, …) or null (blank)."""
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.fail(name, f"应为数字、文字或 null，而不是{_kind(v)}")
        if v != v or not -MAX_FIGURE < v < MAX_FIGURE:  # NaN, ±Infinity, absurd magnitudes
            self.fail(name, "的数值超出报告数字的合理范围")
        return v

    def year(self, v: object) -> int | None:
        if v is None:
            return None
        text = v if isinstance(v, str) else None
        if isinstance(v, int) and not isinstance(v, bool) and 1000 <= v <= 9999:
            return v
        if text is not None and text.isascii() and text.isdigit() and len(text) == 4:
            return int(text)
        shown = text if text is not None and len(text) <= 20 else _kind(v)
        self.fail("year", f"（报告年度）应为四位数字年份，如2023，而不是“{shown}”")

    def template(self, v: object) -> str:
        name = str(v) if isinstance(v, int | str) and not isinstance(v, bool) else ""
        if name not in ("2021", "2019", "legacy"):
            shown = name[:20] or _kind(v)
            self.fail("template", f"应为“2021”“2019”或“legacy”，而不是“{shown}”")
        return name

    def location(self, v: object, name: str) -> Provenance | None:
        if v is None:
            return None
        src = self.mapping(v, name)
        for k, x in src.items():
            if k not in _LOCATION_KEYS:
                self.fail(f"{name}.{k}", "不是已知的位置字段（page、line、table、row、col）")
            if x is not None and (isinstance(x, bool) or not isinstance(x, int)):
                self.fail(f"{name}.{k}", f"应为整数，而不是{_kind(x)}")
        return Provenance(**src) if src else None


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
