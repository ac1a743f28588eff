"""``gongkai calendar add FILE``: a State Council holiday notice added to the store's calendar.

The packaged calendar ends with the last notice gongkai shipped with; a later year's notice is
added here (CSV ``date,kind,notice``, optional ``name`` and ``year``). Clocks are computed when
they are read, never stored, so every running request's deadline follows the added year at
once: a deadline that was provisional becomes final.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GongkaiError
from ..ledger.calendar_store import add_calendar_file
from .common import fail_on, say
from .store import db_options, open_db


@click.group("calendar")
def calendar_group() -> None:
    """节假日安排（工作日计算所依据的国务院办公厅通知）。"""


@calendar_group.command("add")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@db_options
def add_command(file: Path, db: str | None, db_timeout: float | None) -> None:
    """载入一年的节假日安排：CSV 文件，表头 date,kind,notice（可加 name、year），kind 为
    holiday（放假）或 workday（调休上班）。载入后，所有未办结申请的期限按新安排重新计算，
    原为“暂定”的期限成为确定的期限。"""
    with open_db(db, db_timeout) as store:
        try:
            done = add_calendar_file(store, file)
        except GongkaiError as exc:
            fail_on(exc)
    years = "、".join(f"{y}年" for y in done.years)
    known = f"，{done.known} 天此前已载入" if done.known else ""
    say(f"已载入 {done.added} 天{known}" + (f"；新增年度：{years}" if years else ""))


__all__ = ["add_command", "calendar_group"]
