"""People's decisions on findings: dismiss with a reason, mark fixed, reopen. Every change is
written to the audit trail (who, when, before, after, why) in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from ..errors import GongkaiError
from . import schema
from .engine import Store, now
from .write import recount

STATUSES = {"open": "待处理", "dismissed": "已忽略", "fixed": "已整改"}


def set_status(
    store: Store, finding_id: int, status: str, actor: str, reason: str | None = None
) -> dict[str, Any]:
    """Change a finding's status; returns the finding as stored afterwards.

    :param status: "open", "dismissed" (needs a reason) or "fixed".
    :param actor: who does it (a user name), kept in the audit trail.
    :raises GongkaiError: for an unknown finding or status, or a dismissal without a reason.
    """
    if status not in STATUSES:
        raise GongkaiError(f"未知的处理状态“{status}”，可选：{'、'.join(STATUSES)}")
    reason = (reason or "").strip() or None
    if status == "dismissed" and reason is None:
        raise GongkaiError("忽略一条检查结果时必须说明理由")
    actor = (actor or "").strip()
    if not actor:
        raise GongkaiError("请说明是谁在更改（用户名）")
    f = schema.findings.c
    with store.begin() as conn:
        row = conn.execute(
            select(f.id, f.report_id, f.code, f.status, f.reason).where(f.id == finding_id)
        ).first()
        if row is None:
            raise GongkaiError(f"没有编号为 {finding_id} 的检查结果", store.where)
        before = {"status": row.status, "reason": row.reason}
        after = {"status": status, "reason": reason}
        at = now()
        conn.execute(
            update(schema.findings)
            .where(f.id == finding_id)
            .values(status=status, reason=reason, changed_at=at, changed_by=actor[:100])
        )
        conn.execute(
            insert(schema.audit).values(
                at=at,
                actor=actor[:100],
                action=f"finding.{status}",
                target=f"finding:{finding_id}",
                before=before,
                after=after,
                reason=reason,
            )
        )
        recount(conn, row.report_id)
    return {"id": finding_id, "report_id": row.report_id, "code": row.code, **after}
