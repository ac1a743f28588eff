"""Names of issuing bodies: what counts as one, and where a report states its own.

A body's name is told apart from surrounding prose by its structure: it ends in a body
suffix (局, 厅, 人民政府, 办事处 …) or is a place (镇, 乡, 区 …) that stands for its
government, and it never holds self-references (我局), verbs, quotes or site chrome.
"""

from __future__ import annotations

import re

# Longest first, so that "人民政府" is preferred to "政府" when stripping or testing.
_BODY_SUFFIXES = (
    "人民政府|管理委员会|委员会|管委会|办事处|办公室|办公厅|辦公室|政府|街道|中心|"
    "分局|支队|大队|局|厅|廳|委|办|辦|院|所|署|会|會|处|處|站|队|部|馆|社"
)
_PLACE_SUFFIXES = "自治区|自治州|自治县|省|市|县|縣|区|區|旗|州|盟|镇|鎮|乡|鄉"
_NAME_END = re.compile(rf"(?:{_BODY_SUFFIXES}|{_PLACE_SUFFIXES})$")
_PLACE_END = re.compile(rf"(?:{_PLACE_SUFFIXES})$")
_GOV_FORMS = ("人民政府", "管委会", "管理委员会", "党工委管委会")
# Offices that compile a government's report on its behalf ("由X区人民政府办公室编制").
_OFFICE_TAIL = re.compile(
    r"^(?P<body>.+?(?:人民政府|管委会|管理委员会))"
    r"(?:党政综合办公室|党政办公室|综合办公室|办公室|办公厅|党政办|黨政辦|辦公室|政府办)$"
)
# Words that never sit inside a body's name: self-references, verbs, report words, chrome.
_NOT_IN_NAME = re.compile(
    r"[我本该其此《》“”\"、，,。：:；;（）()\d<>|/]|的|了|年度|报告|報告|信息公开|信息公開|"
    r"网站|網站|首页|首頁|位置|发布|编制(?!委员会|办)|编写|公布|印发|关于|根据|依据|按照|要求|"
    r"博彩|娱乐|赌|彩票|官网|棋牌|真人|投注|葡京|澳门"
)
_BAD_START = re.compile(r"^(?:各|全|该|本|我|贵|上级|下属|所属|有关|相关|省市|市县|县乡)")
# Prose that runs into a name from the left ("现公布区统计局…", "特编制湛江市…").
_LEAD = re.compile(
    r"^.*(?:现将|现予|现公布|现面向社会公开|特向社会公布|向社会公布|特编制|编制(?!委员会|办)了?|编写了?|"
    r"公布|发布|印发|关于|如下|[《“\"'>›»＞/|_·：:](?:正文|详情|内容)?)"
)
_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")
_SHORT_START = re.compile(r"^(?:省|市|县|区|州|盟|旗|镇|乡)")
_PLACE_MARK = re.compile(r"[省市县区州旗盟镇乡]")

PROVINCES = (
    "北京市|天津市|上海市|重庆市|河北省|山西省|辽宁省|吉林省|黑龙江省|江苏省|浙江省|安徽省|"
    "福建省|江西省|山东省|河南省|湖北省|湖南省|广东省|海南省|四川省|贵州省|云南省|陕西省|"
    "甘肃省|青海省|台湾省|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|"
    "新疆维吾尔自治区"
)


def ungloss(text: str) -> str:
    """Drop pinyin glosses some mirror sites insert after characters: 鎮(zhèn) → 鎮."""
    return _GLOSS.sub("", text)


def clean(text: str | None) -> str | None:
    """The body's name in a phrase, or None if the phrase does not name one."""
    if not text:
        return None
    name = re.sub(r"[\s\u3000]+", "", ungloss(text))
    name = re.sub(r"(?:关于|印发|发布|的)$", "", name)  # "X关于2023年…报告"
    name = _LEAD.sub("", name).strip('“”"《》-—·:：_')
    name = re.sub(r"^(?:度|年度)", "", name)
    return name if is_name(name) else None


def is_name(name: str) -> bool:
    """Structure check: 2-40 characters, a body or place suffix, nothing that is not a name."""
    return (
        2 <= len(name) <= 40
        and bool(_NAME_END.search(name))
        and not _NOT_IN_NAME.search(name)
        and not _BAD_START.search(name)
        and name not in _GENERIC
    )


# Suffix words alone are not names ("局", "政府", "镇政府" say which kind, not which one).
_GENERIC = {"政府", "人民政府", "区政府", "县政府", "市政府", "省政府", "镇政府", "乡政府"}


def is_place(name: str) -> bool:
    return bool(_PLACE_END.search(name))


def is_short(name: str) -> bool:
    """ "省教育厅", "区统计局", "教育局": a name without the place it belongs to."""
    return bool(_SHORT_START.search(name)) or not _PLACE_MARK.search(name)


def office_to_body(name: str) -> str:
    """ "两城镇人民政府党政办公室" compiles the report of "两城镇人民政府"."""
    m = _OFFICE_TAIL.search(name)
    return str(m.group("body")) if m else name


def complete(name: str, found: list[str], text: str) -> str:
    """The fullest form of ``name`` the document itself gives, else ``name`` as written."""
    if is_place(name):
        # A place stands for its government: "周湾镇" → "周湾镇人民政府" when written so.
        for form in _GOV_FORMS:
            if name + form in text:
                return name + form
        return name
    if not is_short(name):
        return name
    longer = [m for m in found if m.endswith(name) and len(m) > len(name) and not is_short(m)]
    if longer:
        return longer[0]
    if name.startswith("省"):
        # "省教育厅" in a report that names exactly one province (its own regulations).
        provinces: set[str] = set(re.findall(PROVINCES, text))
        if len(provinces) == 1:
            return provinces.pop() + name[1:]
    return name


_SIGN_OFF_DATE = r"(?:19|20|二〇|二○)\S{2}\s*年\s*\S{1,2}\s*月\s*\S{1,3}\s*日"
_SIGN_OFF = re.compile(
    r"(?:^|[。！!\n])\s*(?P<name>[^\s。，,；;：:]{2,40}?)\s*\n?\s*" + _SIGN_OFF_DATE + r"\s*$"
)


def sign_off(lines: list[str]) -> str | None:
    """The body named on its own line at the end, just above (or before) the date."""
    tail = [ln.strip() for ln in lines[-12:] if ln.strip()]
    for i in range(len(tail) - 1, -1, -1):
        if re.fullmatch(_SIGN_OFF_DATE, tail[i]) and i > 0:
            name = clean(tail[i - 1])
            if name:
                return name
    m = _SIGN_OFF.search("\n".join(tail)[-300:])
    return clean(m.group("name")) if m else None


_COMPILED = re.compile(
    r"由\s*(?P<name>[^\s，。；,（(]{2,40}?)\s*(?:根据[^，。]{0,60}?)?(?:负责)?(?:编制|编写|制作)"
)
_CONTACT = re.compile(r"[请請]?[与與]\s*(?P<name>[^\s，。；,（(：:]{2,40}?)\s*[联聯][系繫]")


def compiled_by(text: str) -> str | None:
    """ "本报告由X编制": the body, or the government whose office X is."""
    for m in _COMPILED.finditer(text):
        name = clean(m.group("name"))
        if name:
            return clean(office_to_body(name))
    return None


def contact(text: str) -> str | None:
    """ "如对本报告有任何疑问，请与X联系": a government's office stands for the government."""
    for m in _CONTACT.finditer(ungloss(text)):
        name = clean(m.group("name"))
        if name and office_to_body(name) != name:
            return clean(office_to_body(name))
    return None


# Words that open the predicate after a body named as the subject of a sentence.
_VERBS = (
    "认真|严格|坚持|按照|通过|高度|深入|全面|积极|紧紧|始终|不断|进一步|持续|扎实|围绕|结合|"
    "收到|主动|根据|依据|加强|强化|着力|聚焦|立足|切实|大力|牢固|贯彻|落实|紧扣|秉持|继续|"
    "对照|全年|在|以|把"  # not 对/将/共/于: they open place names (对坊乡, 将乐县, 共青城市)
)
_SUBJECT = re.compile(
    r"(?:^|[。；;，,：:\n])\s*(?:(?:19|20)\d{2}\s*年度?(?:以来)?\s*[,，]?\s*)?"
    r"(?P<name>[\u4e00-\u9fff]{2,30}?)(?=" + _VERBS + ")"
)


def subjects(text: str) -> list[str]:
    """Bodies named as the subject of a sentence ("2022年，区政府办公室认真贯彻…")."""
    out = []
    for m in _SUBJECT.finditer(ungloss(text)):
        name = clean(m.group("name"))
        if name and name not in out:
            out.append(name)
    return out


_HEADER = re.compile(
    r"(?:^|\s)(?:发布机构|发文机关|发布单位|来源|來源|单位|信息来源)\s*[:：]\s*(?P<name>[^\s|]{2,40})"
)


def header_fields(lines: list[str]) -> list[str]:
    """Crawler and CMS header fields naming the publisher (发布机构：…, 来源：…)."""
    out = []
    for line in lines:
        for m in _HEADER.finditer(line):
            name = clean(m.group("name"))
            if name:
                out.append(name)
    return out
