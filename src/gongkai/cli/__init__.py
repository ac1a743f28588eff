"""The ``gongkai`` command line: one module per verb group, each verb a thin wrapper around the
library function of the same name in :mod:`gongkai.api`.

Every verb shares the output options and the "write this format to this path" logic of
:mod:`.common`: the format comes from the output file's suffix (a contradicting ``--format`` or an
unknown suffix is refused), missing folders are created, and the exit status is 1 when any file
failed (2 for a wrong option).
"""

from __future__ import annotations

import click

from .authoring import new_command, render_command
from .calendar import calendar_group
from .check import check_command, rules_command
from .export import export_command
from .extract import extract_command
from .ledger import ledger_group
from .query import query_group, roster_command
from .store import finding_command, findings_command, import_command
from .summarize import summarize_command
from .web import serve_command, user_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：读取、检查、撰写政府信息公开工作年度报告。"""


main.add_command(extract_command, "extract")
main.add_command(export_command, "export")
main.add_command(check_command, "check")
main.add_command(rules_command, "rules")
main.add_command(summarize_command, "summarize")
main.add_command(new_command, "new")
main.add_command(render_command, "render")
main.add_command(query_group, "query")
main.add_command(roster_command, "roster")
main.add_command(import_command, "import")
main.add_command(findings_command, "findings")
main.add_command(finding_command, "finding")
main.add_command(serve_command, "serve")
main.add_command(user_group, "user")
main.add_command(ledger_group, "ledger")
main.add_command(calendar_group, "calendar")

__all__ = [
    "check_command",
    "extract_command",
    "main",
    "new_command",
    "render_command",
    "rules_command",
    "summarize_command",
]
