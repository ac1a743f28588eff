"""The issuing body and the report year, from the title, the metadata or the preamble."""

from __future__ import annotations

import re
from datetime import date

from ..model import Document, Paragraph

_REPORT = r"政[府务]信息公开(?:工作)?(?:的)?年度?报告"
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年\s*度?"
# "{agency}{YYYY}年(度)政府信息公开工作年度报告" or "{YYYY}年(度){agency}政府信息公开…"
_TITLE_AFTER = re.compile(r"(?P<agency>[^\s，。；：:,]{2,40}?)\s*" + _YEAR + r"\s*" + _REPORT)
_TITLE_BEFORE = re.compile(_YEAR + r"\s*(?P<agency>[^\s，。；：:,]{2,40}?)\s*" + _REPORT)
_TITLE_YEAR = re.compile(_YEAR + r"\S{0,40}?" + _REPORT)
_COMPILED_BY = re.compile(r"由\s*(?P<agency>[^\s，。；,（(]{2,40}?)\s*(?:根据[^，。]{0,40})?编制")
_FILLED_BY = re.compile(r"填报单位\s*[（(]?\s*盖章\s*[)）]?\s*[:：]\s*(?P<agency>[^\s|，。]{2,40})")
_YEAR_OF_DATA = re.compile(
    r"[（(]\s*" + r"(?P<year>(?:19|20)\d{2})" + r"\s*年度\s*[)）]"
    r"|统计期限\D{0,6}(?P<year2>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
_JUNK = re.compile(r"^(?:[-—–\s\d]*[-—–]\s*|标题[:：]|#+)\s*")
_AGENCY_TAIL = re.compile(r"(关于|印发|发布)$")


def find_meta(doc: Document) -> tuple[str | None, int | None]:
    """(agency, year) as written; None for what cannot be found."""
    head = _head_text(doc)
    candidates = [c for c in (doc.title, *doc.meta.values(), head) if c]
    for text in candidates:
        flat = _arabic_years(re.sub(r"[\s\u3000]+", "", text))
        for pattern in (_TITLE_AFTER, _TITLE_BEFORE):
            m = pattern.search(flat)
            if m:
                agency = _clean_agency(m.group("agency"))
                year = _year(m.group("year"))
                if agency and year:
                    return agency, year
    flat = _arabic_years(re.sub(r"[\s\u3000]+", "", head))
    # A CMS names the publishing body next to the article (发布机构：…).
    agency = next((_clean_agency(doc.meta[k]) for k in _META_AGENCY if doc.meta.get(k)), None)
    for pattern in () if agency else (_COMPILED_BY, _FILLED_BY):
        m = pattern.search(flat) or pattern.search(re.sub(r"[\s\u3000]+", "", doc.text()))
        if m:
            agency = _clean_agency(m.group("agency"))
            break
    for text in candidates:  # a title without the body's name still gives the year
        m1 = _TITLE_YEAR.search(_arabic_years(re.sub(r"[\s\u3000]+", "", text)))
        if m1:
            return agency, _year(m1.group("year"))
    m2 = _YEAR_OF_DATA.search(flat) or _YEAR_OF_DATA.search(doc.text())
    year = _year(m2.group("year") or m2.group("year2")) if m2 else None
    return agency, year


_META_AGENCY = ("发布机构", "发文机关", "发布单位", "ContentSource")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")


def _arabic_years(text: str) -> str:
    """ "二〇二三年" → "2023年"."""
    return re.sub(
        r"([〇零○一二三四五六七八九]{4})(?=\s*年)", lambda m: m.group(1).translate(_CN_DIGITS), text
    )


def _head_text(doc: Document, limit: int = 12) -> str:
    """The first paragraphs: where titles sit (a title may be broken over lines)."""
    lines = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text[:400])
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def _clean_agency(text: str) -> str | None:
    text = _JUNK.sub("", text).strip('“”"《》-—·:：')
    text = _AGENCY_TAIL.sub("", text)
    text = re.sub(r"^(?:\d+|[-—])+", "", text)
    return text if len(text) >= 2 else None


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
    m = _PERIOD.search(re.sub(r"[\s\u3000]+", "", _head_text(doc, 30)))
    return int(m.group(1)) if m else None
