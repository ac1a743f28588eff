"""The issuing body and the report year, from the title, the metadata or the text."""

from __future__ import annotations

import re
from datetime import date

from ..model import Document, Paragraph
from . import bodies

_REPORT = (
    r"政[府務务]信息公[开開](?:工作)?(?:的)?(?:年度|工作情况|情况|情況)?(?:年度)?(?:报告|報告)"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年\s*度?"
_NAME = r"[^\s，。；：:,、]"
# "{agency}{YYYY}年(度)政府信息公开…": a title may stop at 政府信息公开 where it is broken
# over two lines; "{YYYY}年(度){agency}政府信息公开…报告"; "{YYYY}年报_{agency}" (file names).
_TITLE_AFTER = re.compile(
    rf"(?P<agency>{_NAME}{{2,60}}?)\s*{_YEAR}\s*(?:{_REPORT}|政[府务]信息公开|信息公开\S*报告)"
)
_TITLE_BEFORE = re.compile(rf"{_YEAR}\s*(?P<agency>{_NAME}{{2,40}})\s*{_REPORT}")
_TITLE_FILE = re.compile(rf"{_YEAR}报\s*[_\-—]+\s*(?P<agency>{_NAME}{{2,40}})\s*$")
_TITLE_YEAR = re.compile(rf"{_YEAR}\S{{0,40}}?(?:{_REPORT}|年报)")
# A title without the body's name on its own line, under a line holding the name.
_BARE_TITLE = re.compile(rf"^\s*{_YEAR}\s*(?:{_REPORT}|政[府务]信息公开)")
_FILLED_BY = re.compile(r"填报单位\s*[（(]?\s*盖章\s*[)）]?\s*[:：]\s*(?P<agency>[^\s|，。]{2,40})")
_PERIOD_YEAR = re.compile(
    r"[（(]\s*(?P<year>(?:19|20)\d{2})\s*年度\s*[)）]"
    r"|统计期限\D{0,8}(?P<year2>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
# "2022年，我局…": the year the narrative opens with.
_NARRATIVE_YEAR = re.compile(r"(?:^|[。\n])\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[,，]")
# "汇报我镇2023年政府信息公开工作": the year whose disclosure work the text reports on.
_WORK_YEAR = re.compile(rf"{_YEAR}\s*政[府务]信息公开工作")
_HEADER_DATE = re.compile(
    r"(?:发布时间|发布日期|公开日期|成文日期|更新时间)\s*[:：]\s*((?:19|20)\d{2})\s*[-年/.]"
)
_META_AGENCY = ("发布机构", "发文机关", "发布单位", "ContentSource")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")


def find_meta(doc: Document) -> tuple[str | None, int | None]:
    """(agency, year) as the document states them; None for what it does not state."""
    lines = _lines(doc)
    head = lines[:40]
    titles = [t for t in (doc.title, doc.meta.get("标题")) if t] + head
    agency, year = _from_titles(titles)
    if agency and year and not bodies.is_place(agency) and not bodies.is_short(agency):
        return agency, year  # a title naming the full body: nothing else can improve it
    text = bodies.ungloss(doc.text())
    flat = re.sub(r"[\s\u3000]+", "", text)
    found = [agency] if agency else []
    found += [a for k in _META_AGENCY if (a := bodies.clean(doc.meta.get(k)))]
    found += bodies.header_fields(head)
    m = _FILLED_BY.search(flat)
    found += [
        a
        for a in (
            bodies.compiled_by(flat[:3000]),
            bodies.sign_off(lines),
            bodies.clean(m.group("agency")) if m else None,
        )
        if a
    ]
    found += bodies.subjects(text[:4000])
    found += [a for a in (bodies.contact(flat[:4000]),) if a]
    agency = bodies.complete(found[0], found, flat) if found else None
    return agency, year or _other_year(doc, text, head)


def _from_titles(titles: list[str]) -> tuple[str | None, int | None]:
    """The body and year of the first title naming a body; else the first title's year."""
    first_year: int | None = None
    prev = ""
    for raw in titles:
        for line in (raw, re.sub(r"[\s\u3000]+", "", raw)):
            line = _arabic_years(bodies.ungloss(line))
            for pattern in (_TITLE_AFTER, _TITLE_BEFORE, _TITLE_FILE):
                for m in pattern.finditer(line):
                    if _cites_other(line[: m.start("year")]):
                        continue
                    year = _year(m.group("year"))
                    agency = bodies.clean(m.group("agency"))
                    if agency and year:
                        return agency, year
            bare = _BARE_TITLE.search(line)
            name = bodies.clean(prev) if bare else None
            if bare and name and _year(bare.group("year")):
                return name, _year(bare.group("year"))
            m1 = _TITLE_YEAR.search(line)
            if first_year is None and m1:
                first_year = _year(m1.group("year"))
        if raw.strip():
            prev = raw
    return None, first_year


def _cites_other(before: str) -> bool:
    """Inside 《…》 a title names another document (a notice), unless the report publishes
    itself under that title ("现面向社会公开《X局2021年度…报告》")."""
    k = before.rfind("《")
    if k < 0 or before.count("《") <= before.count("》"):
        return False
    return not re.search(r"(?:公开|公布|发布|印发)$", before[:k])


def _other_year(doc: Document, text: str, head: list[str]) -> int | None:
    """The year reported on when no title gives it: the statistics period, the year the
    narrative opens with, and only then the publication date (reports appear early in the
    following year, so a page published in 2024 reports on 2023)."""
    m = _PERIOD_YEAR.search(re.sub(r"[\s\u3000]+", "", text))
    if m:
        return _year(m.group("year") or m.group("year2"))
    m = _NARRATIVE_YEAR.search(text[:4000]) or _WORK_YEAR.search(text[:4000])
    if m:
        return _year(m.group("year"))
    published = find_published(doc)
    m2 = _HEADER_DATE.search("\n".join(head))
    pub_year = int(published[:4]) if published else int(m2.group(1)) if m2 else None
    return _year(str(pub_year - 1)) if pub_year else None


def _lines(doc: Document) -> list[str]:
    """Paragraph lines in order (a paragraph may hold several lines)."""
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.extend(block.text.split("\n"))
    return out


def _arabic_years(text: str) -> str:
    """ "二〇二三年" → "2023年"."""
    return re.sub(
        r"([〇零○一二三四五六七八九]{4})(?=\s*年)", lambda m: m.group(1).translate(_CN_DIGITS), text
    )


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year if 2000 <= year <= date.today().year + 1 else None


_PUBLISHED_KEYS = ("PubDate", "发布日期", "公开日期", "发布时间", "成文日期")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_PERIOD = re.compile(r"统计期限\D{0,8}((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")


def find_published(doc: Document) -> str | None:
    """The publication date a page's metadata states, as YYYY-MM-DD."""
    for key in _PUBLISHED_KEYS:
        m = _DATE.search(doc.meta.get(key, ""))
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def find_period_year(doc: Document) -> int | None:
    """The year of the data-period sentence ("统计期限为2021年1月1日至…"), if any."""
    m = _PERIOD.search(re.sub(r"[\s\u3000]+", "", "\n".join(_lines(doc)[:60])))
    return int(m.group(1)) if m else None
