"""HTML output: one self-contained, print-friendly page (inline CSS, no external assets)."""

from __future__ import annotations

from html import escape

from ..report import Report
from .layout import HEADER, LABEL, LCell, LTable, layout
from .prose import subheading

CSS = """
@page { size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }
body { font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong",
       "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; color: #000;
       max-width: 15.6cm; margin: 2em auto; }
h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimHei", "黑体",
     "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; text-align: center;
     line-height: 36pt; margin: 0 0 28pt; }
h1 span { display: inline-block; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt;
     font-weight: normal; text-indent: 2em; margin: 0; break-after: avoid;
     page-break-after: avoid; }
.kai { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti",
       "AR PL KaitiM GB", "AR PL UKai CN", serif; }
p.sign-off { text-align: right; text-indent: 0; padding-right: 2em; }
p.sign-off.first { margin-top: 28pt; }
p { text-indent: 2em; margin: 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; table-layout: fixed;
        font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 10.5pt;
        line-height: 1.3; page-break-inside: auto; }
table.small { font-size: 9pt; }
th, td { border: 1px solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle;
         font-weight: normal; word-break: break-all; }
td.label { text-align: left; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.keep { page-break-after: avoid; break-after: avoid; }
thead { display: table-header-group; }
@media print { body { margin: 0; max-width: none; } }
"""


def render_html(rep: Report) -> bytes:
    lay = layout(rep)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(lay.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        # Each piece wraps as a whole where it can: no break inside "年度报告".
        "<h1>" + "".join(f"<span>{escape(t)}</span>" for t in lay.title_lines) + "</h1>",
    ]
    for sec in lay.sections:
        out.append(f"<h2>{escape(sec.heading)}</h2>")
        out.extend(_paragraph(p) for p in sec.paragraphs)
        out.extend(
            f'<p class="sign-off{" first" if k == 0 else ""}">{escape(t)}</p>'
            for k, t in enumerate(sec.sign_off)
        )
        if sec.table is not None:
            out.append(_table(sec.table))
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _paragraph(text: str) -> str:
    head, rest = subheading(text)
    if not head:
        return f"<p>{escape(text)}</p>"
    return f'<p><span class="kai">{escape(head)}</span>{escape(rest)}</p>'


def _table(lt: LTable) -> str:
    total = sum(lt.widths)
    cls = ' class="small"' if lt.small else ""
    # border="1" for viewers that ignore CSS (Word, WPS and LibreOffice HTML import).
    lines = [f'<table{cls} border="1" data-table="{escape(lt.name)}">', "<colgroup>"]
    lines += [f'<col style="width:{100 * w / total:.2f}%">' for w in lt.widths]
    lines.append("</colgroup>")
    by_row: dict[int, list[LCell]] = {}
    for r, _, cell in lt.origins():
        by_row.setdefault(r, []).append(cell)
    # Caption rows (only headers) stay with the row after them.
    keep = {r for r, cells in by_row.items() if all(c.kind == HEADER for c in cells)}
    for r in range(len(lt.rows)):
        if r == 0 and lt.header_rows:
            lines.append("<thead>")
        if r == lt.header_rows and lt.header_rows:
            lines.append("</thead>")
        if r == lt.header_rows:
            lines.append("<tbody>")
        tr = '<tr class="keep">' if r in keep else "<tr>"
        lines.append(tr + "".join(_cell(c) for c in by_row.get(r, [])) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _cell(c: LCell) -> str:
    tag = "th" if c.kind == HEADER else "td"
    attrs = ""
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    if c.kind == LABEL and c.rowspan == 1:
        attrs += ' class="label"'
    return f"<{tag}{attrs}>{escape(c.text)}</{tag}>"
