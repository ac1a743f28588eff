"""The legal receipt date of an application (《政府信息公开条例》第三十一条) by its channel."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from ..errors import GongkaiError


class ClockError(GongkaiError):
    """Events that cannot happen in this order, or a receipt date that cannot be fixed."""


class Channel(StrEnum):
    IN_PERSON = "in_person"
    REGISTERED_MAIL = "registered_mail"  # any mail the office signs for (挂号信, EMS, 快递)
    ORDINARY_MAIL = "ordinary_mail"  # 平信: no signature
    ONLINE = "online"
    FAX = "fax"


CHANNEL_LABELS = {
    Channel.IN_PERSON: "当面提交",
    Channel.REGISTERED_MAIL: "邮寄（需签收）",
    Channel.ORDINARY_MAIL: "平信（无需签收）",
    Channel.ONLINE: "互联网",
    Channel.FAX: "传真",
}


def _day(d: date | datetime | None) -> date | None:
    return d.date() if isinstance(d, datetime) else d


def legal_receipt_date(
    channel: Channel | str,
    *,
    submitted: date | datetime | None = None,
    signed_for: date | datetime | None = None,
    confirmed: date | datetime | None = None,
) -> date:
    """The day the office received the application in law (第三十一条).

    In person: the day submitted. Mail the office signs for: the day it signs. Ordinary mail:
    the day the office confirms with the applicant (due the day it arrives). Internet or the
    office's fax: the day both sides confirm. ``submitted`` is the raw arrival/sending time.
    """
    ch = Channel(channel)
    needed = {
        Channel.IN_PERSON: (submitted, "提交之日"),
        Channel.REGISTERED_MAIL: (signed_for, "行政机关签收之日"),
        Channel.ORDINARY_MAIL: (confirmed, "与申请人确认之日"),
        Channel.ONLINE: (confirmed, "双方确认之日"),
        Channel.FAX: (confirmed, "双方确认之日"),
    }
    value, what = needed[ch]
    got = _day(value)
    if got is None:
        raise ClockError(
            f"{CHANNEL_LABELS[ch]}的申请以{what}为收到申请之日（第三十一条），请填写该日期"
        )
    sent = _day(submitted)
    if sent is not None and got < sent:
        raise ClockError(f"{what} {got.isoformat()} 早于提交时间 {sent.isoformat()}")
    return got
