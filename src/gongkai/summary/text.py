"""The summary report's text: a generated 一、总体情况 and placeholders for the government."""

from __future__ import annotations

from decimal import Decimal

from ..report import Report, SectionText
from ..templates import FEE_SECTION_NOTE, REQUEST_COLUMN_KEYS, REVIEW_KEYS, SECTIONS

PLACEHOLDER = "（由本级政府填写）"


def _active(rep: Report, row: str, col: str) -> str:
    spec = next(r for r in rep.active_rows() if r.key == row)
    idx = next(i for i, c in enumerate(spec.columns) if c.key == col)
    return rep.active[row][idx].raw


def _requests(rep: Report, row: str) -> str:
    return rep.requests[row][REQUEST_COLUMN_KEYS.index("total")].raw


def _overview(rep: Report, agencies: list[str]) -> str:
    """一、总体情况: who was summed and the key totals, then what the government adds."""
    label = {r.key: r.label for r in rep.active_rows()}
    review = dict(zip(REVIEW_KEYS, rep.review_litigation or [], strict=False))
    lit = sum(Decimal(review[k].raw) for k in ("lit_direct_total", "lit_after_review_total"))
    made, stock = (
        ("issued", "in_force") if rep.template == "2021" else ("newly_made", "total_published")
    )
    docs = [
        f"制发{label['regulations']}{_active(rep, 'regulations', made)}件、"
        f"{label['normative_docs']}{_active(rep, 'normative_docs', made)}件",
        f"现行有效{label['regulations']}{_active(rep, 'regulations', stock)}件、"
        f"{label['normative_docs']}{_active(rep, 'normative_docs', stock)}件",
        f"作出行政许可决定{_active(rep, 'admin_licensing', 'decisions')}件、"
        f"行政处罚决定{_active(rep, 'admin_penalty', 'decisions')}件、"
        f"行政强制决定{_active(rep, 'admin_coercion', 'decisions')}件",
    ]
    if rep.template == "2021":
        docs.append(f"行政事业性收费金额{_active(rep, 'admin_fees', 'amount_wan_yuan')}万元")
    lines = [
        f"本报告由{rep.agency}根据本级{len(agencies)}个单位报送的{rep.year}年政府信息公开工作"
        f"年度报告汇总编制，表格数据为各单位数据之和。"
        f"汇总单位：{'、'.join(agencies)}。",
        f"{rep.year}年，本级各单位{'；'.join(docs)}。",
        f"本年新收政府信息公开申请{_requests(rep, 'new')}件，"
        f"上年结转{_requests(rep, 'carried_over')}件；办结{_requests(rep, 'total')}件，"
        f"其中予以公开{_requests(rep, 'granted')}件、部分公开{_requests(rep, 'partial')}件；"
        f"结转下年度继续办理{_requests(rep, 'carried_forward')}件。"
        f"因政府信息公开工作被申请行政复议{review['review_total'].raw}件，"
        f"被提起行政诉讼{lit}件。",
        "（由本级政府补充主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等"
        "情况，以及工作考核、社会评议和责任追究结果情况。）",
    ]
    return "\n".join(lines)


def sections(rep: Report, agencies: list[str]) -> dict[str, SectionText]:
    """The six sections of a summary of the bodies named by ``agencies``."""
    n = len(agencies)
    texts = {
        "一": _overview(rep, agencies),
        "二": f"下表为本级{n}个单位第二十条主动公开情况的汇总。",
        "三": f"下表为本级{n}个单位收到和处理政府信息公开申请情况的汇总。",
        "四": f"下表为本级{n}个单位政府信息公开行政复议、行政诉讼情况的汇总。",
        "五": PLACEHOLDER,
        "六": f"{PLACEHOLDER}{FEE_SECTION_NOTE}。",
    }
    return {s.number: SectionText(s.number, s.title, texts[s.number]) for s in SECTIONS}
