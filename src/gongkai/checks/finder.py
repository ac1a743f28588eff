"""A small narrative number finder: what the report's text says about its own tables.

It reads the sections' prose (table rows, i.e. lines with tabs, are skipped; PDF line wraps
are joined) sentence by sentence and returns :class:`Claim` objects such as "received 17",
"lit_corrected 1" or the assertion "claim_all_upheld" for 复议/诉讼. Patterns are narrow on
purpose: a missed statement costs nothing, a misread one produces a false warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..report import Report
from ..templates import REQUEST_COLUMNS, REQUEST_GROUPS, REQUESTS_2021

# A figure of the text has at most 15 digits (see report.MAX_FIGURE); a longer run of digits
# (a serial number, glued text) is no claim, and int() refuses more than 4,300 digits.
_NUM = r"(?<![\d.])(?P<n>\d{1,15})(?!\d)\s*"
_NEARBY = re.compile(r"(?<![\d.])\d{1,15}(?![\d.])")
_APP_UNIT = r"(?:件次|件|项|份)"
_GAP = r"[^。；，,]"
_NOT_BEFORE = r"(?<!按时)(?<!延期)(?<!逾期)(?<!超期)(?<!不予)"


def _strip_numbering(label: str) -> str:
    return re.sub(r"^（[一二三四五六七]）|（.*）$", "", label)


# (kind, pattern); a pattern without group "n" states zero.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "received",
        re.compile(
            rf"(?:收到|受理|新收|接收|接到){_GAP}{{0,20}}?申请{_GAP}{{0,15}}?{_NUM}{_APP_UNIT}"
        ),
    ),
    ("received", re.compile(rf"(?:未|没有)(?:收到|受理|接到){_GAP}{{0,15}}?申请")),
    ("closed", re.compile(rf"{_NOT_BEFORE}(?:办结|答复|办理完毕)[^。；，,（(]{{0,8}}?{_NUM}件")),
    ("carried_over", re.compile(rf"上一?年度?结转{_GAP}{{0,10}}?{_NUM}件")),
    (
        "carried_forward",
        re.compile(rf"(?:结转|顺延|转入|转到)(?:到|至)?下一?年度?{_GAP}{{0,10}}?{_NUM}件"),
    ),
    (
        "carried_forward",
        re.compile(rf"{_NUM}件{_GAP}{{0,8}}?(?:结转|顺延|转入|转到)(?:到|至)?下一?年"),
    ),
    ("docs_in_force", re.compile(rf"现行有效的?(?:行政)?规范性文件(?:共计|共)?\s*{_NUM}件")),
    ("docs_in_force", re.compile(rf"(?:行政)?规范性文件现行有效(?:共计|共)?\s*{_NUM}件")),
    (
        "docs_issued",
        re.compile(rf"(?:制发|出台|印发|制定)了?(?:行政)?规范性文件(?:共计|共)?\s*{_NUM}件"),
    ),
    (
        "docs_issued",
        re.compile(r"(?:未|没有)(?:制发|出台|印发|制定)(?:或废止)?(?:任何)?(?:行政)?规范性文件"),
    ),
    ("docs_repealed", re.compile(rf"(?<!拟)废止了?(?:行政)?规范性文件(?:共计|共)?\s*{_NUM}件")),
    (
        "docs_repealed",
        re.compile(r"(?:未|没有)(?:制发|出台|印发|制定)或废止(?:任何)?(?:行政)?规范性文件"),
    ),
    ("active_total", re.compile(rf"主动公开(?:政府)?信息{_NUM}条")),
]

# Applicant columns (N3), from the template labels; "其他" alone is too vague to find.
for _col in REQUEST_COLUMNS[:-1]:
    if _col.key != "other_org":
        _PATTERNS.append(
            (
                f"applicant_{_col.key}",
                re.compile(rf"{_col.label}(?:申请人?)?(?:提出)?的?(?:申请)?{_NUM}件"),
            )
        )
_PATTERNS.append(
    ("applicant_orgs", re.compile(rf"法人或其他组织(?:申请)?(?:提出)?的?(?:申请)?{_NUM}件"))
)

# Result categories (N4): the rows 予以公开 / 部分公开 and the groups （三）…（六）.
_ROWS = {r.key: r for r in REQUESTS_2021}
RESULT_KINDS: dict[str, str] = {
    "result_granted": _strip_numbering(_ROWS["granted"].label),
    "result_partial": _strip_numbering(_ROWS["partial"].label),
    **{f"result_{g.key}": _strip_numbering(g.label) for g in REQUEST_GROUPS},
}
for _kind, _name in RESULT_KINDS.items():
    _PATTERNS.append((_kind, re.compile(rf"(?<!不)(?<!同意){_name}[^。；，,\d]{{0,6}}?{_NUM}件")))

_SUBJECT = re.compile(r"(?:行政)?(复议|诉讼)(?!后起诉)")
_CASE_TOTAL = re.compile(
    rf"(?:行政)?(?P<s>复议|诉讼)(?!后)(?:案件|申请)?(?:共计|共|总计|合计)?\s*{_NUM}(?:件|起|宗)"
)
_CASE_TOTAL_BEFORE = re.compile(
    rf"(?:发生|收到|提起|涉及|共有){_NUM}(?:件|起|份){_GAP}{{0,12}}?(?:行政)?(?P<s>复议|诉讼)"
)
_OUTCOME_AFTER = re.compile(rf"(?:结果)?(?P<o>维持|纠正|其他结果|尚未审结|未审结){_NUM}(?:件|起)")
_OUTCOME_BEFORE = re.compile(
    rf"{_NUM}(?:件|起)[^。；，,\d]{{0,6}}?(?P<o>维持|驳回|败诉|被纠错|纠错|被纠正|纠正|尚未审结|未审结)"
)
OUTCOMES = {
    "维持": "upheld",
    "驳回": "upheld",
    "纠正": "corrected",
    "被纠正": "corrected",
    "纠错": "corrected",
    "被纠错": "corrected",
    "败诉": "corrected",
    "其他结果": "other",
    "尚未审结": "pending",
    "未审结": "pending",
}
_ALL_UPHELD = re.compile(r"(?:均|全部|都)(?:获|被|予以|得到)?维持")
_NO_LOST = re.compile(rf"(?:零|无|未|没有){_GAP}{{0,30}}?败诉")
_NO_CORRECTED = re.compile(
    rf"(?:零|无|未|没有){_GAP}{{0,30}}?复议{_GAP}{{0,6}}?(?:被)?(?:纠错|纠正)"
)
_NONE = re.compile(
    r"(?:未|没有|无)(?:发生|收到|出现|产生|涉及|被申请)?(?P<body>[^。；，,]{0,25}?)"
    r"(?P<what>行政复议(?:[和、及或与]\s*(?:提起)?行政诉讼)?|行政诉讼)(?P<tail>[^。；，,]{0,4})"
)

SUBJECT_KEYS = {"复议": "review", "诉讼": "lit"}


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of the text: ``kind`` with a number ``value`` (None for assertions)."""

    kind: str
    value: int | None
    section: str  # 一 … 六
    sentence: str
    quote: str  # the words that state it


@dataclass(frozen=True, slots=True)
class Percent:
    """A share the text states ("N件，占比P%"), with the numbers near it."""

    numerator: int
    percent: float
    decimals: int
    section: str
    sentence: str
    quote: str
    nearby: tuple[int, ...]  # other numbers of the same section, candidate denominators


def prose(text: str) -> str:
    """Section text without table rows, PDF line wraps joined, spaces inside numbers kept."""
    lines = [ln.strip() for ln in text.splitlines() if "\t" not in ln and "|" not in ln]
    out: list[str] = []
    for ln in lines:
        if not ln or re.fullmatch(r"[-—\d\s]+", ln):  # page numbers such as "-3-"
            continue
        if out and not re.search(r"[。；;！!？?：:]$", out[-1]):
            out[-1] += ln
        else:
            out.append(ln)
    return "\n".join(out)


def sentences(report: Report) -> Iterator[tuple[str, str]]:
    """(section number, sentence) pairs of the report's prose, in order."""
    for number, sec in report.sections.items():
        for s in re.split(r"[。；;！!？?\n]", prose(sec.text)):
            if s.strip():
                yield number, s.strip()


def _value(m: re.Match[str]) -> int:
    return int(m.group("n")) if "n" in m.re.groupindex and m.group("n") else 0


def _case_claims(number: str, s: str) -> Iterator[Claim]:
    """复议/诉讼 totals, outcome counts and assertions, attached to the subject they follow."""
    subjects = [(m.start(), SUBJECT_KEYS[m.group(1)]) for m in _SUBJECT.finditer(s)]

    def subject_at(pos: int) -> str | None:
        before = [k for p, k in subjects if p <= pos]
        return before[-1] if before else (subjects[0][1] if subjects else None)

    for m in (*_CASE_TOTAL.finditer(s), *_CASE_TOTAL_BEFORE.finditer(s)):
        yield Claim(f"{SUBJECT_KEYS[m.group('s')]}_total", _value(m), number, s, m.group(0))
    for m in (*_OUTCOME_AFTER.finditer(s), *_OUTCOME_BEFORE.finditer(s)):
        subj = subject_at(m.start())
        if subj is not None:
            yield Claim(f"{subj}_{OUTCOMES[m.group('o')]}", _value(m), number, s, m.group(0))
    for m in _ALL_UPHELD.finditer(s):
        for subj in dict.fromkeys(k for _, k in subjects):
            yield Claim(f"claim_all_upheld_{subj}", None, number, s, m.group(0))
    for m in _NO_LOST.finditer(s):
        yield Claim("claim_no_corrected_lit", None, number, s, m.group(0))
    for m in _NO_CORRECTED.finditer(s):
        yield Claim("claim_no_corrected_review", None, number, s, m.group(0))
    for m in _NONE.finditer(s):
        if re.match(r"纠|败诉|率|被纠", m.group("tail")) or re.search(
            r"纠错|败诉", m.group("body")
        ):
            continue  # a statement about corrections, handled above
        what = m.group("what")
        for word, subj in SUBJECT_KEYS.items():
            if word in what:
                yield Claim(f"claim_none_{subj}", None, number, s, m.group(0))


def find_claims(report: Report) -> list[Claim]:
    """Every statement the finder recognises in the report's sections."""
    out: list[Claim] = []
    for number, s in sentences(report):
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(s):
                out.append(Claim(kind, _value(m), number, s, m.group(0)))
        out.extend(_case_claims(number, s))
    return out


_PERCENT = re.compile(
    rf"{_NUM}(?:件|项|条|次|个)[^。；\d]{{0,6}}?占[^。；\d%％]{{0,8}}?(?P<p>\d{{1,15}}(?:\.(?P<d>\d{{1,15}}))?)\s*[%％]"
)


def find_percents(report: Report) -> list[Percent]:
    out: list[Percent] = []
    for number, sec in report.sections.items():
        text = prose(sec.text)
        nearby = tuple(int(x) for x in _NEARBY.findall(text))
        for s in re.split(r"[。；;！!？?\n]", text):
            for m in _PERCENT.finditer(s):
                decimals = len(m.group("d") or "")
                out.append(
                    Percent(
                        int(m.group("n")),
                        float(m.group("p")),
                        decimals,
                        number,
                        s,
                        m.group(0),
                        nearby,
                    )
                )
    return out
