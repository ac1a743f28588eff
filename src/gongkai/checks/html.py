"""The HTML page of findings: a headline and a summary table, then each report's findings and
its tables with the cells that findings point at highlighted. One file, no external resources;
a small inline script (no report data in it) sorts a table by the column whose header is
clicked. Everything taken from reports is HTML-escaped (Jinja autoescape)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup

from ..report import Report, Value, ordered_request_keys
from ..templates import OUTCOMES, REQUEST_COLUMN_KEYS, REVIEW_GROUPS, REVIEW_KEYS
from .catalogue import SEVERITY_LABELS, SEVERITY_RANK, TABLE_LABELS, Finding
from .context import column_label, row_label
from .output import Failures, Pairs, counts, describe_report, headline, ordered


@dataclass
class CellView:
    text: str
    css: str = ""
    title: str = ""


@dataclass
class RowView:
    label: str
    cells: list[CellView]


@dataclass
class TableView:
    title: str
    header: list[str]
    rows: list[RowView] = field(default_factory=list)
    flagged: bool = False


@dataclass
class ReportView:
    title: str
    path: str
    agency: str
    year: str
    template: str
    counts: dict[str, int]
    findings: list[Finding]
    skipped: list[str]
    tables: list[TableView]


def _marks(findings: Sequence[Finding]) -> dict[str, tuple[str, list[str]]]:
    """Cell name -> (worst severity, codes) for the cells that applicable findings point at."""
    out: dict[str, tuple[str, list[str]]] = {}
    for f in findings:
        if not f.applicable:
            continue
        for c in f.cells:
            sev, codes = out.get(c.name, ("info", []))
            worst = f.severity if SEVERITY_RANK[f.severity] < SEVERITY_RANK[sev] else sev
            out[c.name] = (worst, [*codes, f.code] if f.code not in codes else codes)
    return out


def _cell(
    name: str, v: Value | None, marks: dict[str, tuple[str, list[str]]], prefix: str = ""
) -> CellView:
    if v is None:
        return CellView("缺", "missing")
    text = v.raw or ("" if v.value is None else str(v.value))
    css = [
        "ambiguous" if v.ambiguous else "",
        "derived" if v.derived else "",
        "blank" if v.value is None else "",
    ]
    title = ""
    if name in marks:
        sev, codes = marks[name]
        css.append(f"mark-{sev}")
        title = "、".join(codes)
    return CellView(f"{prefix}{text}", " ".join(c for c in css if c), title)


def _tables(rep: Report, marks: dict[str, tuple[str, list[str]]]) -> list[TableView]:
    views: list[TableView] = []
    if rep.active:
        width = max(len(r.columns) for r in rep.active_rows())
        t = TableView(TABLE_LABELS["active"], ["信息内容", "数值", *[""] * (width - 1)])
        for row in rep.active_rows():
            vals = rep.active.get(row.key, [])
            cells = [
                _cell(
                    f"active.{row.key}.{c.key}",
                    vals[i] if i < len(vals) else None,
                    marks,
                    f"{c.label}：",
                )
                for i, c in enumerate(row.columns)
            ]
            t.rows.append(RowView(row.label, cells))
        views.append(t)
    if rep.requests:
        t = TableView(
            TABLE_LABELS["requests"],
            [""] + [column_label(i) for i in range(len(REQUEST_COLUMN_KEYS))],
        )
        for key in ordered_request_keys(rep):
            vals = rep.requests[key]
            cells = [
                _cell(f"requests.{key}.{ck}", vals[i] if i < len(vals) else None, marks)
                for i, ck in enumerate(REQUEST_COLUMN_KEYS)
            ]
            t.rows.append(RowView(row_label(key), cells))
        views.append(t)
    if rep.review_litigation is not None:
        t = TableView(TABLE_LABELS["review_litigation"], ["", *(o.label for o in OUTCOMES)])
        cells_all = rep.review_litigation
        for g, group in enumerate(REVIEW_GROUPS):
            cells = []
            for o in range(len(OUTCOMES)):
                i = g * len(OUTCOMES) + o
                cells.append(
                    _cell(
                        f"review_litigation.{REVIEW_KEYS[i]}",
                        cells_all[i] if i < len(cells_all) else None,
                        marks,
                    )
                )
            t.rows.append(RowView(group.label, cells))
        views.append(t)
    if rep.legacy:
        width = max(len(v) if isinstance(v, list) else 1 for v in rep.legacy.values())
        t = TableView(
            TABLE_LABELS["legacy"], ["统计指标", *(rep.legacy_columns or ["统计数"] * width)]
        )
        for key, lv in rep.legacy.items():
            vals = lv if isinstance(lv, list) else [lv]
            multi = isinstance(lv, list)
            t.rows.append(
                RowView(
                    key,
                    [
                        _cell(f"legacy.{key}[{i}]" if multi else f"legacy.{key}", v, marks)
                        for i, v in enumerate(vals)
                    ],
                )
            )
        views.append(t)
    for t in views:
        t.flagged = any("mark-" in c.css for r in t.rows for c in r.cells)
    return views


def _view(rep: Report, findings: list[Finding]) -> ReportView:
    skipped: dict[str, list[str]] = {}
    for f in findings:
        if not f.applicable:
            skipped.setdefault(str(f.fields.get("reason", "")), []).append(f.code)
    return ReportView(
        describe_report(rep),
        rep.path or "",
        rep.agency or "",
        "" if rep.year is None else str(rep.year),
        rep.template,
        counts(findings),
        [f for f in findings if f.applicable],
        [f"{'、'.join(codes)}（{reason}）" for reason, codes in skipped.items()],
        _tables(rep, _marks(findings)),
    )


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>政府信息公开工作年度报告检查结果</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
body{line-height:1.5}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top}
th{background:#f2f2f2}
td.n{text-align:right}
.summary td:nth-child(n+4){text-align:right}
li.error .badge{background:#c62828}li.warning .badge{background:#ef8f00}
li.info .badge{background:#607d8b}
.badge{color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.loc,.file,.skipped{color:#666;font-size:.9em}
.mark-error{background:#ffcdd2;outline:2px solid #c62828}
.mark-warning{background:#ffe0b2;outline:2px solid #ef8f00}
.mark-info{background:#e3f2fd}
.blank{background:repeating-linear-gradient(45deg,#fafafa,#fafafa 4px,#eee 4px,#eee 8px)}
.ambiguous{font-style:italic;color:#6a1b9a}.derived{text-decoration:underline dotted}
.missing{color:#999}
.headline{font-size:1.15em;font-weight:bold}
td.count.error{background:#ffcdd2;color:#b71c1c;font-weight:bold}
td.count.warning{background:#ffe0b2;color:#8a4b00;font-weight:bold}
table.sortable thead th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
</style></head><body>
<h1>政府信息公开工作年度报告检查结果</h1>
<p class="headline">{{ headline }}</p>
<table class="summary sortable"><thead><tr><th>机关</th><th>年度</th><th>格式</th>
<th>错误</th><th>警告</th><th>提示</th><th>文件</th></tr></thead><tbody>
{% for r in reports %}<tr><td><a href="#r{{ loop.index }}">{{ r.agency or "（不详）" }}</a></td>
<td>{{ r.year }}</td><td>{{ r.template }}</td>
<td class="count{% if r.counts.error %} error{% endif %}">{{ r.counts.error }}</td>
<td class="count{% if r.counts.warning %} warning{% endif %}">{{ r.counts.warning }}</td>
<td class="count">{{ r.counts.info }}</td><td>{{ r.path }}</td></tr>
{% endfor %}</tbody></table>
{% if failures %}<h2>无法读取的文件</h2><ul>
{% for path, message in failures %}<li><code>{{ path }}</code>：{{ message }}</li>{% endfor %}
</ul>{% endif %}
{% for r in reports %}<section id="r{{ loop.index }}">
<h2>{{ r.title }}</h2><p class="file">{{ r.path }}</p>
{% if r.findings %}<ol class="findings">
{% for f in r.findings %}<li class="{{ f.severity }}">
<span class="badge">{{ labels[f.severity] }}</span>
<b>{{ f.code }}</b> {{ f.title }}：{{ f.message }}
{% if f.location %}<div class="loc">位置：{{ f.location }}</div>{% endif %}</li>
{% endfor %}</ol>{% else %}<p>没有发现问题。</p>{% endif %}
{% if r.skipped %}<p class="skipped">不适用：{{ r.skipped | join("；") }}</p>{% endif %}
{% for t in r.tables %}<details{% if t.flagged %} open{% endif %}><summary>{{ t.title }}</summary>
<table class="grid sortable"><thead>
<tr>{% for h in t.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}<tr><th>{{ row.label }}</th>
{% for c in row.cells %}<td class="n {{ c.css }}"{% if c.title %} title="{{ c.title }}"{% endif %}>
{{- c.text }}</td>{% endfor %}
</tr>{% endfor %}</tbody></table></details>
{% endfor %}</section>
{% endfor %}<script>{{ script }}</script></body></html>
"""

# Sorts a table.sortable by the clicked header (numbers as numbers, text in Chinese order);
# a second click reverses. Only the page's own text is read, never written as HTML.
SORT_SCRIPT = """
(function () {
  function key(row, i) {
    var cell = row.cells[i], text = cell ? cell.textContent.trim() : "";
    var plain = text.replace(/,/g, "");
    return /^[-+]?[0-9]+(\\.[0-9]+)?$/.test(plain) ? [0, parseFloat(plain), text] : [1, 0, text];
  }
  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    if (a[0] === 0) return a[1] - b[1];
    return a[2].localeCompare(b[2], "zh-CN");
  }
  function sort(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var up = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    Array.prototype.slice.call(body.rows)
      .map(function (row, n) { return [key(row, i), n, row]; })
      .sort(function (a, b) { return (up ? 1 : -1) * compare(a[0], b[0]) || a[1] - b[1]; })
      .forEach(function (item) { body.appendChild(item[2]); });
  }
  document.querySelectorAll("table.sortable thead th").forEach(function (th) {
    th.tabIndex = 0;
    th.title = "点击排序";
    th.addEventListener("click", function () { sort(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(th); });
  });
})();
"""

_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
)
_TEMPLATE = _ENV.from_string(_PAGE)


def render_page(
    pairs: Sequence[tuple[Report, list[Finding]]], failures: Sequence[tuple[str, str]]
) -> str:
    reports = [_view(rep, findings) for rep, findings in pairs]
    return _TEMPLATE.render(
        reports=reports,
        failures=list(failures),
        labels=SEVERITY_LABELS,
        headline=headline([r.counts for r in reports], len(failures)),
        script=Markup(SORT_SCRIPT),
    )


def findings_html(pairs: Pairs, failures: Failures = ()) -> str:
    """A self-contained HTML page: a summary table, then each report's findings and tables."""
    return render_page([(rep, ordered(findings)) for rep, findings in pairs], failures)
