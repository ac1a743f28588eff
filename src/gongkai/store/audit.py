"""The audit trail: who changed what, when, from what to what (and why), newest first.

Rows are written by the functions that make the changes (:mod:`.users`, :mod:`.findings`,
:mod:`.roster`) in the same transaction as the change; this module only lists them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select

from . import schema
from .engine import Store

A = schema.audit.c
MAX_LIMIT = 1000
# What the filter offers: an action, or a family of them ("user" = user.add, user.update…).
ACTIONS = {
    "user": "用户",
    "user.add": "添加用户",
    "user.update": "修改用户",
    "roster.import": "导入名册",
    "finding": "检查结果",
    "finding.dismissed": "忽略检查结果",
    "finding.open": "恢复检查结果",
    "finding.fixed": "标记已整改",
    "ledger": "申请台账",
    "ledger.import": "导入台账",
    "ledger.request.update": "修改申请",
    "ledger.event.add": "登记办理步骤",
    "ledger.case.add": "登记复议诉讼",
    "ledger.case.decide": "登记复议诉讼结果",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str  # user:3, finding:12, roster:名册.csv
    before: Any
    after: Any
    reason: str | None

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def list_audit(
    store: Store, limit: int = 100, action: str | None = None, target: str | None = None
) -> list[AuditEntry]:
    """The latest ``limit`` audit rows (at most :data:`MAX_LIMIT`), newest first.

    :param action: an action (``user.update``) or, without a dot, a family (``user``).
    :param target: a target (``user:3``) or, without a colon, a kind of target (``user``,
        ``finding``, ``roster``).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    where: list[ColumnElement[bool]] = []
    if action := (action or "").strip():
        where.append(
            A.action == action
            if "." in action
            else A.action.startswith(action + ".", autoescape=True)
        )
    if target := (target or "").strip():
        where.append(A.target == target if ":" in target else _kind(target))
    query = select(A.id, A.at, A.actor, A.action, A.target, A.before, A.after, A.reason).order_by(
        A.id.desc()
    )
    with store.begin() as conn:
        rows = conn.execute(query.where(*where).limit(limit)).all()
    return [AuditEntry(*row) for row in rows]


def _kind(kind: str) -> ColumnElement[bool]:
    """Targets ``kind:…`` as a range, so that the target index serves it (a LIKE would not:
    SQLite's is case-insensitive and PostgreSQL's needs a C collation)."""
    return and_(A.target >= kind + ":", A.target < kind + ";")  # ";" follows ":"


__all__ = ["ACTIONS", "MAX_LIMIT", "AuditEntry", "list_audit"]
