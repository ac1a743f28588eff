"""The mandated report templates, as data.

Every row, column, key, label and label variant is defined here once; extraction, output,
checks and rendering all take them from this module (spec: ../shared/spec/template-spec.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    decimal: bool = False  # decimals allowed (fees in 万元)
    signed: bool = False  # may be negative (本年增/减)
    textual: bool = False  # kept as written (采购总金额 with its unit)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None  # caption of the block the row sits in
    columns: tuple[Column, ...] = ()  # Table A rows carry their own columns

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def all_titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class Template:
    name: str  # "2021" | "2019"
    active_rows: tuple[Row, ...]
    request_rows: tuple[Row, ...]
    sections: tuple[Section, ...]
    groups: tuple[Group, ...] = field(default=())

    def active_row(self, key: str) -> Row:
        return next(r for r in self.active_rows if r.key == key)

    @property
    def result_rows(self) -> tuple[Row, ...]:
        """The rows of 三、本年度办理结果 that are summed into （七）总计."""
        return tuple(r for r in self.request_rows if r.group is not None)


# ---------------------------------------------------------------------------
# Table A — 第二十条 主动公开
# ---------------------------------------------------------------------------

_ISSUED = Column("issued", "本年制发件数", unit="件")
_REPEALED = Column("repealed", "本年废止件数", unit="件")
_IN_FORCE = Column("in_force", "现行有效件数", unit="件")
_DECISIONS_2021 = Column("decisions", "本年处理决定数量", ("处理决定数量",))
_FEE_AMOUNT = Column(
    "amount_wan_yuan", "本年收费金额（单位：万元）", ("本年收费金额",), unit="万元", decimal=True
)

ITEM_1 = "第二十条第（一）项"
ITEM_5 = "第二十条第（五）项"
ITEM_6 = "第二十条第（六）项"
ITEM_8 = "第二十条第（八）项"
ITEM_9 = "第二十条第（九）项"

ACTIVE_2021 = (
    Row("regulations", "规章", group=ITEM_1, columns=(_ISSUED, _REPEALED, _IN_FORCE)),
    Row(
        "normative_docs",
        "行政规范性文件",
        ("规范性文件",),
        group=ITEM_1,
        columns=(_ISSUED, _REPEALED, _IN_FORCE),
    ),
    Row("admin_licensing", "行政许可", group=ITEM_5, columns=(_DECISIONS_2021,)),
    Row("admin_penalty", "行政处罚", group=ITEM_6, columns=(_DECISIONS_2021,)),
    Row("admin_coercion", "行政强制", group=ITEM_6, columns=(_DECISIONS_2021,)),
    Row("admin_fees", "行政事业性收费", group=ITEM_8, columns=(_FEE_AMOUNT,)),
)

_MADE = Column("newly_made", "本年新制作数量", ("本年新制作",), unit="件")
_PUBLISHED = Column("newly_published", "本年新公开数量", ("本年新公开",), unit="件")
_TOTAL_PUBLISHED = Column("total_published", "对外公开总数量", unit="件")
_PREV_ITEMS = Column("prev_year_items", "上一年项目数量")
_CHANGE = Column("change", "本年增/减", ("本年增减", "本年增／减"), signed=True)
_DECISIONS_2019 = Column("decisions", "处理决定数量")
_PROC_ITEMS = Column("items", "采购项目数量")
_PROC_AMOUNT = Column("total_amount", "采购总金额", textual=True)
_ITEMS_3 = (_PREV_ITEMS, _CHANGE, _DECISIONS_2019)
ACTIVE_2019_ITEM_COLUMNS = _ITEMS_3

ACTIVE_2019 = (
    Row("regulations", "规章", group=ITEM_1, columns=(_MADE, _PUBLISHED, _TOTAL_PUBLISHED)),
    Row(
        "normative_docs",
        "规范性文件",
        ("行政规范性文件",),
        group=ITEM_1,
        columns=(_MADE, _PUBLISHED, _TOTAL_PUBLISHED),
    ),
    Row("admin_licensing", "行政许可", group=ITEM_5, columns=_ITEMS_3),
    Row("other_mgmt_services", "其他对外管理服务事项", group=ITEM_5, columns=_ITEMS_3),
    Row("admin_penalty", "行政处罚", group=ITEM_6, columns=_ITEMS_3),
    Row("admin_coercion", "行政强制", group=ITEM_6, columns=_ITEMS_3),
    Row("admin_fees", "行政事业性收费", group=ITEM_8, columns=(_PREV_ITEMS, _CHANGE)),
    Row("gov_procurement", "政府集中采购", group=ITEM_9, columns=(_PROC_ITEMS, _PROC_AMOUNT)),
)

ACTIVE_CAPTIONS = (ITEM_1, ITEM_5, ITEM_6, ITEM_8, ITEM_9)
ACTIVE_FIRST_COLUMN = "信息内容"

# Column headers whose presence tells the 2021 layout from the 2019 layout.
ACTIVE_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
ACTIVE_2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "其他对外管理服务事项",
    "政府集中采购",
    "采购项目数量",
)

# ---------------------------------------------------------------------------
# Table B — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------

REQUEST_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业"),
    Column("research_institution", "科研机构"),
    Column("public_interest_org", "社会公益组织"),
    Column("legal_service_org", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
REQUEST_COLUMN_KEYS = tuple(c.key for c in REQUEST_COLUMNS)
APPLICANT_KEYS = REQUEST_COLUMN_KEYS[:6]
REQUEST_HEADER = "申请人情况"
REQUEST_ORG_HEADER = "法人或其他组织"
REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REQUEST_OUTER = "三、本年度办理结果"

G_DENIED = Group("denied", "（三）不予公开")
G_UNABLE = Group("unable", "（四）无法提供")
G_REJECTED = Group("rejected", "（五）不予处理")
G_OTHER = Group("other", "（六）其他处理")
G_RESULT = Group("result", REQUEST_OUTER)

_R = "result"
_REQ_HEAD = (
    Row("new", "一、本年新收政府信息公开申请数量"),
    Row("carried_over", "二、上年结转政府信息公开申请数量"),
    Row("granted", "（一）予以公开", group=_R),
    Row(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ("（二）部分公开",),
        group=_R,
    ),
    Row("denied_1_state_secret", "1.属于国家秘密", group="denied"),
    Row("denied_2_law_forbidden", "2.其他法律行政法规禁止公开", group="denied"),
    Row(
        "denied_3_three_safety_stability",
        "3.危及“三安全一稳定”",
        ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
        group="denied",
    ),
    Row("denied_4_third_party", "4.保护第三方合法权益", group="denied"),
    Row("denied_5_internal_affairs", "5.属于三类内部事务信息", group="denied"),
    Row("denied_6_process_info", "6.属于四类过程性信息", group="denied"),
    Row("denied_7_enforcement_files", "7.属于行政执法案卷", group="denied"),
    Row("denied_8_admin_query", "8.属于行政查询事项", group="denied"),
    Row("unable_1_not_held", "1.本机关不掌握相关政府信息", group="unable"),
    Row("unable_2_needs_creation", "2.没有现成信息需要另行制作", group="unable"),
    Row("unable_3_unclear_after_correction", "3.补正后申请内容仍不明确", group="unable"),
    Row("rejected_1_petition", "1.信访举报投诉类申请", group="rejected"),
    Row("rejected_2_repeat", "2.重复申请", group="rejected"),
    Row("rejected_3_publications", "3.要求提供公开出版物", group="rejected"),
    Row("rejected_4_mass_repeat", "4.无正当理由大量反复申请", group="rejected"),
    Row(
        "rejected_5_confirm_existing",
        "5.要求行政机关确认或重新出具已获取信息",
        ("5.要求行政机关确认或重新出具",),
        group="rejected",
    ),
)
_REQ_TAIL = (
    Row("total", "（七）总计"),
    Row("carried_forward", "四、结转下年度继续办理"),
)
_OTHER_SPLIT = (
    Row(
        "other_1_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("1.申请人无正当理由逾期不补正",),
        group="other",
    ),
    Row(
        "other_2_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("2.申请人逾期未按收费通知要求缴纳费用",),
        group="other",
    ),
    Row("other_3_other", "3.其他", group="other"),
)
# （六）其他处理 printed as one row with numbers: 2019 template, and some 2021-layout reports.
OTHER_SINGLE = Row("other", "（六）其他处理", group=_R)

REQUESTS_2021 = (*_REQ_HEAD, *_OTHER_SPLIT, *_REQ_TAIL)
REQUESTS_2019 = (*_REQ_HEAD, OTHER_SINGLE, *_REQ_TAIL)

# Subtotal rows are not in the templates but some documents print them (spec §8.1).
SUBTOTAL_KEYS = {
    "denied": "denied_subtotal",
    "unable": "unable_subtotal",
    "rejected": "rejected_subtotal",
    "other": "other_subtotal",
}
REQUEST_GROUPS = (G_DENIED, G_UNABLE, G_REJECTED, G_OTHER)

# Every request-row key in the order of LABEL_SCHEMA.md (union of both templates).
ALL_REQUEST_KEYS = tuple(
    dict.fromkeys(r.key for r in (*_REQ_HEAD, *_OTHER_SPLIT, OTHER_SINGLE, *_REQ_TAIL))
)

# ---------------------------------------------------------------------------
# Table C — 行政复议、行政诉讼
# ---------------------------------------------------------------------------

OUTCOMES = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
REVIEW_GROUPS = (
    Group("review", "行政复议"),
    Group("lit_direct", "未经复议直接起诉"),
    Group("lit_after_review", "复议后起诉"),
)
LITIGATION_HEADER = "行政诉讼"
REVIEW_KEYS = tuple(f"{g.key}_{o.key}" for g in REVIEW_GROUPS for o in OUTCOMES)
REVIEW_LABELS = {
    f"{g.key}_{o.key}": f"{g.label}·{o.label}" for g in REVIEW_GROUPS for o in OUTCOMES
}

# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------

SECTIONS = (
    Section("一", "总体情况", ("概述",)),
    Section("二", "主动公开政府信息情况", ("行政机关主动公开政府信息情况",)),
    Section("三", "收到和处理政府信息公开申请情况", ("行政机关收到和处理政府信息公开申请情况",)),
    Section(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "政府信息公开行政法复议、行政诉讼情况",
            "政府信息公开行政复议、诉讼情况",
        ),
    ),
    Section(
        "五",
        "存在的主要问题及改进情况",
        (
            "政府信息公开工作存在的主要问题及改进情况",
            "存在的主要问题及整改措施",
            "存在的主要问题及改进措施",
        ),
    ),
    Section("六", "其他需要报告的事项", ()),
)
SECTION_NUMBERS = tuple(s.number for s in SECTIONS)
FEE_SECTION_NOTE = "收取信息处理费情况在此处报告"

TEMPLATE_2021 = Template("2021", ACTIVE_2021, REQUESTS_2021, SECTIONS, REQUEST_GROUPS)
TEMPLATE_2019 = Template("2019", ACTIVE_2019, REQUESTS_2019, SECTIONS, REQUEST_GROUPS)
TEMPLATES = {"2021": TEMPLATE_2021, "2019": TEMPLATE_2019}
TEMPLATE_NAMES = ("2021", "2019", "legacy")


def template_for(name: str) -> Template:
    """The 2021 or 2019 template; legacy reports have no fixed table layout."""
    return TEMPLATES.get(name, TEMPLATE_2021)


def request_rows_for(template: str, keys: set[str] | None = None) -> tuple[Row, ...]:
    """Rows of Table B in template order; a 2021-layout report may print （六） as one row."""
    rows = template_for(template).request_rows
    if (
        keys is not None
        and template == "2021"
        and "other" in keys
        and "other_1_no_correction" not in keys
    ):
        rows = (*_REQ_HEAD, OTHER_SINGLE, *_REQ_TAIL)
    return rows


# ---------------------------------------------------------------------------
# Legacy (pre-2019) statistics appendices
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator of the national 2014–2018 statistics form (spec §4.3)."""

    key: str
    label: str
    unit: str
    parent: str | None = None  # key of the indicator this one is a part of
    aliases: tuple[str, ...] = ()


LEGACY_HEADER_LABELS = ("统计指标", "指标名称", "指 标 名 称", "项目")
LEGACY_UNIT_LABELS = ("单位", "计量单位")
LEGACY_SKIP_COLUMNS = ("代码",)
# Name of the single value column of a legacy table, and the caption written above it.
LEGACY_VALUE_LABEL = "统计数"
LEGACY_TABLE_CAPTION = "附表：政府信息公开情况统计"
# Units of the indicator rows: they anchor the cells when a rendering lost the table grid.
# Longest first, so "万元" is not read as "元" and "人次" not as "人".
LEGACY_UNITS = (
    "万元",
    "人次",
    "元",
    "件",
    "条",
    "个",
    "人",
    "次",
    "篇",
    "项",
    "家",
    "期",
    "份",
    "场",
)
# Names of the value columns that may follow 单位 in the header (regex alternatives).
LEGACY_COLUMN_NAMES = (
    r"\d{4}\s*年\s*度?",
    r"本\s*年\s*度?",
    r"上\s*年\s*度?",
    r"历\s*年\s*累\s*计",
    r"累\s*计\s*数?",
    r"统\s*计\s*数",
    r"本\s*期\s*数?",
    r"数\s*量",
    r"合\s*计",
    r"全\s*年",
)
# A value column whose name holds this word accumulates the other columns (so it is ≥ them).
LEGACY_CUMULATIVE_WORD = "累计"

LEGACY_INDICATORS = (
    Indicator("active_total", "主动公开政府信息数", "条"),
    Indicator("active_normative_docs", "主动公开规范性文件数", "条", "active_total"),
    Indicator("normative_docs_issued", "制发规范性文件总数", "件"),
    Indicator("channel_gazette", "政府公报公开政府信息数", "条"),
    Indicator("channel_web", "政府网站公开政府信息数", "条"),
    Indicator("channel_weibo", "政务微博公开政府信息数", "条"),
    Indicator("channel_wechat", "政务微信公开政府信息数", "条"),
    Indicator("channel_other", "其他方式公开政府信息数", "条"),
    Indicator("req_received", "收到申请数", "件", aliases=("受理依申请公开信息总数",)),
    Indicator("req_in_person", "当面申请数", "件", "req_received"),
    Indicator("req_fax", "传真申请数", "件", "req_received"),
    Indicator("req_online", "网络申请数", "件", "req_received", ("网上申请数",)),
    Indicator("req_letter", "信函申请数", "件", "req_received"),
    Indicator("req_closed", "申请办结数", "件"),
    Indicator("req_on_time", "按时办结数", "件", "req_closed"),
    Indicator("req_extended", "延期办结数", "件", "req_closed"),
    Indicator("reply_total", "申请答复数", "件", aliases=("对申请的答复总数",)),
    Indicator("reply_already_public", "属于已主动公开范围数", "件", "reply_total"),
    Indicator("reply_granted", "同意公开答复数", "件", "reply_total"),
    Indicator("reply_partial", "同意部分公开答复数", "件", "reply_total"),
    Indicator("reply_denied", "不同意公开答复数", "件", "reply_total"),
    Indicator("denied_state_secret", "涉及国家秘密", "件", "reply_denied"),
    Indicator("denied_trade_secret", "涉及商业秘密", "件", "reply_denied"),
    Indicator("denied_privacy", "涉及个人隐私", "件", "reply_denied"),
    Indicator("denied_safety", "危及国家安全、公共安全、经济安全和社会稳定", "件", "reply_denied"),
    Indicator("denied_not_gov_info", "不是《条例》所指政府信息", "件", "reply_denied"),
    Indicator("denied_other_law", "法律法规规定的其他情形", "件", "reply_denied"),
    Indicator("reply_not_this_agency", "不属于本行政机关公开数", "件", "reply_total"),
    Indicator("reply_not_exist", "申请信息不存在数", "件", "reply_total"),
    Indicator("reply_ask_amend", "告知作出更改补充数", "件", "reply_total"),
    Indicator("reply_other_channel", "告知通过其他途径办理数", "件", "reply_total"),
    Indicator("review_total", "行政复议数量", "件", aliases=("行政复议数",)),
    Indicator("review_upheld", "维持具体行政行为数", "件", "review_total"),
    Indicator("review_corrected", "被依法纠错数", "件", "review_total"),
    Indicator("review_other", "其他情形数", "件", "review_total"),
    Indicator("lit_total", "行政诉讼数量", "件", aliases=("行政诉讼数",)),
    Indicator("lit_upheld", "维持具体行政行为或者驳回原告诉讼请求数", "件", "lit_total"),
    Indicator("lit_corrected", "被依法纠错数", "件", "lit_total"),
    Indicator("lit_other", "其他情形数", "件", "lit_total"),
    Indicator("complaints", "举报投诉数量", "件"),
    Indicator("fees", "依申请公开信息收取的费用", "元"),
    Indicator("staff_total", "从事政府信息公开工作人员数", "人"),
    Indicator("staff_full_time", "专职人员数", "人", "staff_total"),
    Indicator("staff_part_time", "兼职人员数", "人", "staff_total"),
)
