"""Find the three statistical tables in the stream and read their cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .. import templates as T
from ..report import Value
from . import active_glued, solver
from .empty_rows import blank_if_consistent
from .segments import Segment, Tok, free_segments, segments_after, trim_blanks
from .stream import Stream, Token
from .text import norm, parse_value

GLUED = "相邻单元格数字粘连，按表内勾稽关系拆分"
INFERRED_LABEL = "行标签未能逐字识别，按表格行序推定"


@dataclass(slots=True)
class Regions:
    a: tuple[int, int] | None
    b: tuple[int, int] | None
    c: tuple[int, int] | None


def find_regions(tokens: Sequence[Token], end: int) -> Regions:
    """Where tables 二, 三 and 四 lie: from their first caption to the next table's."""
    a_start = next((t.start for t in tokens if t.spec.kind == "Amark"), None)
    b_start = next(
        (
            t.start
            for t in tokens
            if t.spec.kind == "Bmark" or (t.spec.kind == "B" and t.spec.key == "new")
        ),
        None,
    )
    after_b = b_start if b_start is not None else (a_start or 0)
    c_start = next(
        (
            t.start
            for t in tokens
            if t.spec.kind == "Chead"
            and t.spec.key in ("litigation", "lit_direct", "lit_after_review")
            and t.start > after_b
        ),
        None,
    )
    if c_start is not None:
        # The header starts at the 行政复议 caption just before 行政诉讼.
        review = [t.start for t in tokens if t.spec.key == "review" and after_b < t.start < c_start]
        c_start = review[-1] if review else c_start
    a = (
        (a_start, b_start if b_start is not None and b_start > a_start else c_start or end)
        if a_start is not None
        else None
    )
    b = (b_start, c_start if c_start is not None else end) if b_start is not None else None
    c = (c_start, end) if c_start is not None else None
    return Regions(a, b, c)


def _segments(
    stream: Stream,
    tokens: Sequence[Token],
    kinds: set[str],
    lo: int,
    hi: int,
    bounds: Sequence[int] = (),
) -> list[Segment]:
    """Labelled rows in [lo, hi): each token of ``kinds`` with its values, plus unknown rows.

    ``bounds`` (section headings) end a row's values like the next label does.
    """
    # 表四's captions inside another table (its "总计" column header) are not row labels.
    inside = [t for t in tokens if lo <= t.start < hi and t.spec.kind != "Chead"]
    out: list[Segment] = []
    for i, tok in enumerate(inside):
        stop = inside[i + 1].start if i + 1 < len(inside) else hi
        stop = min([stop, *(b for b in bounds if b >= tok.end)])
        segs = segments_after(stream, tok, stop)
        out.extend(s for s in segs if s.token is None or s.token.spec.kind in kinds)
    if inside and inside[0].start > lo:
        out[:0] = [s for s in free_segments(stream, None, lo, inside[0].start) if s.values]
    return out


def _value(stream: Stream, tok: Tok, derived: str | None = None, textual: bool = False) -> Value:
    parsed = parse_value(tok.raw)
    unit = parsed.unit if parsed else None
    # A textual column (采购总金额) keeps an amount with its unit as written: "251000元".
    if parsed is None or (textual and unit is not None):
        return Value(tok.raw, tok.raw, unit, stream.source_at(tok.pos), derived)
    value = parsed.value
    return Value(value, tok.raw, unit, stream.source_at(tok.pos), derived)


def _assign_unknown(
    found: dict[str, Segment], unknown: list[Segment], order: Sequence[tuple[str, str]]
) -> list[str]:
    """Give unknown labelled rows the template row that is missing at their position."""
    notes = []
    keys = [k for k, _ in order]
    labels = dict(order)
    for seg in unknown:
        before = [k for k in keys if k in found and found[k].pos < seg.pos]
        after = [k for k in keys if k in found and found[k].pos > seg.pos]
        lo = keys.index(before[-1]) + 1 if before else 0
        hi = keys.index(after[0]) if after else len(keys)
        missing = [k for k in keys[lo:hi] if k not in found]
        best = max(missing, key=lambda k: _similar(seg.text, labels[k]), default=None)
        if best is None:
            continue
        score = _similar(seg.text, labels[best])
        # The only row missing at that position needs a loose likeness; else a close one.
        if score >= 0.6 or (len(missing) == 1 and score >= 0.4):
            found[best] = seg
            notes.append(best)
    return notes


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, norm(a), norm(b)).ratio()


# -- Table A -----------------------------------------------------------------------------


def detect_template(tokens: Sequence[Token], regions: Regions, b_keys: set[str]) -> str | None:
    lo, hi = regions.a if regions.a else (0, 0)
    heads = {norm(t.text) for t in tokens if lo <= t.start < hi and t.spec.kind in ("Ahead", "A")}
    marks_2021 = {norm(m) for m in T.ACTIVE_2021_MARKERS}
    marks_2019 = {norm(m) for m in T.ACTIVE_2019_MARKERS}
    n21 = sum(1 for h in heads if any(h.startswith(m) for m in marks_2021))
    n19 = sum(1 for h in heads if any(h.startswith(m) for m in marks_2019))
    if n21 or n19:
        return "2021" if n21 >= n19 else "2019"
    if b_keys & {"other_1_no_correction", "other_2_unpaid_fee", "other_3_other"}:
        return "2021"
    if "other" in b_keys:
        return "2019"
    return "2021" if b_keys else None


def read_active(
    stream: Stream,
    tokens: Sequence[Token],
    region: tuple[int, int],
    template: str,
    bounds: Sequence[int],
    narrative: str = "",
) -> tuple[dict[str, list[Value]], list[str]]:
    rows = T.template_for(template).active_rows
    segs = _segments(stream, tokens, {"A"}, *region, bounds)
    found: dict[str, Segment] = {}
    unknown = []
    for seg in segs:
        if seg.token is None:
            unknown.append(seg)
        elif seg.token.spec.key not in found or not found[seg.token.spec.key].values:
            found[seg.token.spec.key] = seg
    inferred = _assign_unknown(found, unknown, [(r.key, r.label) for r in rows])
    out: dict[str, list[Value]] = {}
    warnings = []
    glued: dict[str, list[Tok]] = {}
    candidates: dict[str, list[solver.Reading]] = {}
    for row in rows:
        if row.key not in found:
            continue
        seg, n = found[row.key], len(row.columns)
        vals = trim_blanks(seg.values, n)
        filled = [v for v in vals if v.raw]
        if len(vals) == n:
            note = INFERRED_LABEL if row.key in inferred else None
            out[row.key] = [
                _value(stream, v, note, col.textual)
                for v, col in zip(vals, row.columns, strict=True)
            ]
        elif filled and (not seg.grid or len(filled) == 1):
            # Fewer pieces than cells in running text: digits ran together.
            glued[row.key] = filled
            candidates[row.key] = active_glued.readings([v.raw for v in filled], row) or []
        elif filled:
            out[row.key] = _glued_values(stream, filled, [None] * n)
            warnings.append(
                f"主动公开“{row.label}”一行有 {len(vals)} 个单元格，应为 {n} 个，未作猜测"
            )
    if glued:
        decided = {
            k: tuple(v.value for v in vals if isinstance(v.value, int))
            for k, vals in out.items()
            if all(isinstance(v.value, int) for v in vals)
        }
        by_key = {r.key: r for r in rows}
        cells = active_glued.decide(candidates, decided, by_key, narrative)
        for key, toks in glued.items():
            out[key] = _glued_values(stream, toks, cells[key])
            if any(v.ambiguous for v in out[key]):
                raw = "".join(v.raw for v in toks)
                warnings.append(f"主动公开“{by_key[key].label}”一行数字粘连，无法唯一拆分：{raw}")
    return {r.key: out[r.key] for r in rows if r.key in out}, warnings


def _glued_values(stream: Stream, vals: list[Tok], cells: Sequence[int | None]) -> list[Value]:
    raw = "".join(v.raw for v in vals)
    src = stream.source_at(vals[0].pos)
    return [
        Value(c, str(c), None, src, GLUED)
        if c is not None
        else Value(None, raw, None, src, GLUED, True)
        for c in cells
    ]


# -- Table B -----------------------------------------------------------------------------


def read_requests(
    stream: Stream,
    tokens: Sequence[Token],
    region: tuple[int, int],
    hints: Sequence[solver.JointRule],
    bounds: Sequence[int],
) -> tuple[dict[str, list[Value]], list[str]]:
    found, unknown = _request_segments(_segments(stream, tokens, {"B", "Bgroup"}, *region, bounds))
    rows = T.REQUESTS_2019 if "other" in found else T.REQUESTS_2021
    inferred = _assign_unknown(found, unknown, [(r.key, r.label) for r in rows])
    width = len(T.REQUEST_COLUMNS)
    out: dict[str, list[Value]] = {}
    candidates: dict[str, list[solver.Reading]] = {}
    glued: dict[str, list[Tok]] = {}
    empty: list[str] = []
    warnings: list[str] = []
    for key, seg in found.items():
        vals = trim_blanks(seg.values, width)
        filled = [v for v in vals if v.raw]
        if not vals and not seg.grid:
            empty.append(key)
        elif len(vals) == width:
            note = INFERRED_LABEL if key in inferred else None
            out[key] = [_value(stream, v, note) for v in vals]
        elif filled and (not seg.grid or len(filled) == 1):
            glued[key] = filled
            pieces = [v.raw for v in filled]
            reads = (
                solver.joined(pieces, width, group=width)  # a number letter-spaced: "1 6"
                if len(pieces) > width
                else solver.readings(pieces, width, group=width)
            )
            if reads:
                candidates[key] = reads
        elif filled:
            # Real cell boundaries but the wrong number of cells: no position is certain.
            out[key] = _glued_values(stream, filled, [None] * width)
            warnings.append(f"表三“{key}”一行有 {len(vals)} 个单元格，应为 {width} 个，未作猜测")
    if glued:
        known = {
            k: tuple(int(v.number or 0) for v in vals)
            for k, vals in out.items()
            if all(isinstance(v.value, int) for v in vals)
        }
        results = {r.key for r in rows if r.group is not None} & (set(known) | set(candidates))
        solved = solver.solve(
            {**{k: [r] for k, r in known.items()}, **candidates}, _request_rules(results), hints
        )
        for key, toks in glued.items():
            cells = solved.get(key) or [None] * width
            out[key] = _glued_values(stream, toks, cells)
            if any(c is None for c in cells):
                raw = "".join(t.raw for t in toks)
                warnings.append(f"表三“{key}”一行数字粘连，无法唯一拆分，未作猜测：{raw}")
    for key in empty:
        blank = blank_if_consistent(key, set(empty), out, rows, stream.source_at(found[key].pos))
        if blank is not None:
            out[key] = blank
    order = [r.key for r in rows] + list(T.SUBTOTAL_KEYS.values())
    return {k: out[k] for k in order if k in out}, warnings


def _request_segments(segs: list[Segment]) -> tuple[dict[str, Segment], list[Segment]]:
    """Table B rows by key (first occurrence with values), and rows with unknown labels."""
    found: dict[str, Segment] = {}
    unknown = []
    for seg in segs:
        if seg.token is None:
            unknown.append(seg)
            continue
        key = seg.token.spec.key
        has_values = any(v.raw for v in seg.values)
        if seg.token.spec.kind == "Bgroup":
            if not has_values or key not in T.SUBTOTAL_KEYS:
                continue  # a group caption: no numbers of its own
            key = T.SUBTOTAL_KEYS[key]
        if key not in found or (has_values and not any(v.raw for v in found[key].values)):
            found[key] = seg
    if "other" in found and any(k in found for k in ("other_1_no_correction", "other_3_other")):
        # （六）其他处理 above its three sub-rows: their caption, or a printed subtotal.
        other = found.pop("other")
        if any(v.raw for v in other.values):
            found["other_subtotal"] = other
    return found, unknown


def _request_rules(result_keys: set[str]) -> list[solver.JointRule]:
    """勾稽 per column (一 + 二 = （七） + 四) and （七） = sum of the outcome rows."""
    cols = range(len(T.REQUEST_COLUMNS))

    def balance(a: solver.Assignment) -> bool:
        if not all(k in a for k in ("new", "carried_over", "total", "carried_forward")):
            return True
        return all(
            a["new"][c] + a["carried_over"][c] == a["total"][c] + a["carried_forward"][c]
            for c in cols
        )

    def outcomes(a: solver.Assignment) -> bool:
        if "total" not in a or not result_keys:
            return True
        assigned = [k for k in result_keys if k in a]
        sums = [sum(a[k][c] for k in assigned) for c in cols]
        if len(assigned) < len(result_keys):  # cells are non-negative: partial sums only grow
            return all(sums[c] <= a["total"][c] for c in cols)
        return all(sums[c] == a["total"][c] for c in cols)

    return [balance, outcomes]


# -- Table C -----------------------------------------------------------------------------


def read_review(
    stream: Stream, tokens: Sequence[Token], region: tuple[int, int]
) -> tuple[list[Value] | None, list[str]]:
    lo, hi = region
    heads = [t for t in tokens if lo <= t.start < hi and t.spec.kind == "Chead"]
    if not heads:
        return None, []
    n = len(T.REVIEW_KEYS)
    # The data row is the first row with numbers after the header captions (a note under
    # the table may name 行政复议 again: it is not a caption); a table split into three
    # (复议, 直接起诉, 复议后起诉) has a row of five after each header.
    rows = [
        seg.values
        for seg in free_segments(stream, None, heads[0].start, hi)
        if any(v.raw for v in seg.values)
    ]
    width = len(T.OUTCOMES)
    split = [trim_blanks(r, width) for r in rows[: len(T.REVIEW_GROUPS)]]
    if len(split) == len(T.REVIEW_GROUPS) and all(len(r) == width for r in split):
        vals = [v for r in split for v in r]
    else:
        # Page furniture between captions and data (a running title's "2021年") also has
        # numbers: the data row is the full one, or else the one with the most digits.
        def rank(r: list[Tok]) -> tuple[bool, int]:
            return len(trim_blanks(r, n)) == n, sum(len(v.raw) for v in r)

        vals = trim_blanks(max(rows, key=rank), n) if rows else []
    if len(vals) == n:
        return [_value(stream, v) for v in vals], []
    if not vals:
        return None, ["表四（行政复议、行政诉讼）未读到数字"]
    if len(vals) > n:
        return [_value(stream, v) for v in vals[:n]], [
            f"表四读到 {len(vals)} 个数字，多于 15 个，只取前 15 个"
        ]
    reads = solver.readings([v.raw for v in vals if v.raw], n, group=len(T.OUTCOMES))
    cells: list[int | None] = solver.consensus(reads) if reads else [None] * n
    out = _glued_values(stream, [v for v in vals if v.raw], cells)
    warns = []
    if not reads:
        warns.append("表四数字粘连，且没有一种拆分满足“总计=各项之和”，未作猜测")
    elif any(c is None for c in cells):
        warns.append("表四数字粘连，存在多种拆分，未作猜测")
    return out, warns
