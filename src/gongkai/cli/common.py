"""What every verb shares: the output options, writing a format to a path, and messages.

Every message goes through :func:`say` / :func:`fail`: plain lines (click strips colour when the
stream is not a terminal, and nothing wraps them), with untrusted text (agency and file names,
report text) made safe by :func:`safe`: control and format characters are shown as escapes, never
sent to the terminal, and nothing is interpreted as markup.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..api import format_for, scan_reports
from ..batch import Skipped
from ..errors import GongkaiError
from ..output import write_file

F = TypeVar("F", bound=Callable[..., Any])

USAGE = 2  # exit status for a wrong option (as click uses); 1 for a failed file or check
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def _escape(c: str) -> str:
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def safe(text: object, keep: str = "", json_text: bool = False) -> str:
    """``text`` with every control/format character (ESC, CR, bidi overrides…) escaped.

    :param keep: characters to leave as they are, e.g. "\\n\\t" for multi-line output.
    :param json_text: escape as JSON does (``\\u009b``), so JSON output stays valid JSON.
    """
    escape = (lambda c: json.dumps(c)[1:-1]) if json_text else _escape
    return "".join(
        escape(c) if c not in keep and unicodedata.category(c) in _UNSAFE_CATEGORIES else c
        for c in str(text)
    )


def say(message: str, style: str | None = None) -> None:
    """One message line on stderr; coloured only when ``style`` is given and stderr is a tty."""
    line = safe(message)
    click.echo(click.style(line, fg=style) if style else line, err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``错误：message`` and exit with ``code``."""
    click.echo(click.style("错误：", fg="red") + safe(message), err=True)
    sys.exit(code)


def fail_on(exc: GongkaiError, code: int = 1) -> NoReturn:
    fail(str(exc), code)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[object], None]]:
    """A progress bar on stderr for batches, shown only on a terminal; yields the advance step."""
    if total < 2 or not stderr_is_terminal():
        yield lambda _: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda _: bar.update(1)


# -- outputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputKind:
    """The formats a verb writes: suffix -> format, which are binary, the default."""

    suffixes: Mapping[str, str]
    default: str
    binary: frozenset[str] = frozenset()
    path_required: bool = False

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(self.suffixes.values()))


@dataclass(frozen=True)
class Target:
    """Where a verb writes and in which format; ``path`` None means standard output."""

    fmt: str
    path: Path | None


def output_options(kind: OutputKind, what: str = "输出文件") -> Callable[[F], F]:
    """The ``-f/--format`` and ``-o/--output`` options every verb shares (sqlite-utils style)."""
    formats = "/".join(kind.formats)
    suffixes = "、".join(kind.suffixes)
    where = "（必填）" if kind.path_required else f"（默认标准输出，格式 {kind.default}）"

    def decorate(func: F) -> F:
        func = click.option(
            "-o",
            "--output",
            "out",
            type=click.Path(path_type=Path),
            default=None,
            help=f"{what}：{suffixes}，格式按扩展名{where}。",
        )(func)
        func = click.option(
            "-f",
            "--format",
            "fmt",
            metavar=formats,
            default=None,
            help=f"输出格式：{formats}；给出 -o 时须与其扩展名一致。",
        )(func)
        return func

    return decorate


def target(kind: OutputKind, fmt: str | None, out: Path | None) -> Target:
    """The format and path from the options; a wrong or contradictory choice ends with exit 2."""
    if out is None:
        if kind.path_required:
            fail(f"请用 -o 指定输出文件（{'、'.join(kind.suffixes)}）", USAGE)
        chosen = (fmt or kind.default).lower().lstrip(".")
        if chosen not in kind.formats:
            fail(f"不支持的输出格式“{fmt}”，可选：{'、'.join(kind.formats)}", USAGE)
        if chosen in kind.binary:
            fail(f"{chosen} 是二进制格式，需要用 -o 指定输出文件", USAGE)
        return Target(chosen, None)
    try:
        chosen = format_for(out, fmt, kind.suffixes, kind.formats)
    except GongkaiError as exc:
        fail_on(exc, USAGE)
    if out.is_dir():
        fail(f"{out} 是一个目录，请给出输出文件名", USAGE)
    return Target(chosen, out)


def emit(tgt: Target, data: str | bytes, note: str = "已写入") -> None:
    """Write ``data`` to the target: a file (its folder created when missing) or stdout."""
    if tgt.path is None:
        if isinstance(data, bytes):
            fail(f"{tgt.fmt} 是二进制格式，需要用 -o 指定输出文件", USAGE)
        click.echo(safe(data, "\n\t", json_text=tgt.fmt in ("json", "jsonl")), nl=False)
        return
    try:
        write_file(tgt.path, data)
    except GongkaiError as exc:
        fail_on(exc)
    say(f"{note} {tgt.path}")


SKIPPED_SHOWN = 50  # skipped files named in the one line; the rest are counted


def show_skipped(skipped: Sequence[Skipped]) -> None:
    """One line for the batch: "已跳过 3 个文件：~$x.docx（Word 临时锁文件）、…"."""
    if not skipped:
        return
    shown = "、".join(f"{s.path}（{s.reason}）" for s in skipped[:SKIPPED_SHOWN])
    more = (
        f"等（另有 {len(skipped) - SKIPPED_SHOWN} 个未列出）"
        if len(skipped) > SKIPPED_SHOWN
        else ""
    )
    say(f"已跳过 {len(skipped)} 个文件：{shown}{more}")


def report_files(paths: Sequence[object]) -> list[Path]:
    """The report files under ``paths`` (folders scanned, zip bundles opened); the skipped
    files are listed once on stderr; no report file at all ends with exit 1."""
    try:
        found = scan_reports([str(p) for p in paths])
    except GongkaiError as exc:
        fail_on(exc)
    show_skipped(found.skipped)
    return found.files


def input_paths(paths: Sequence[object]) -> list[str]:
    return [str(p) for p in paths]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table on stdout: drawn by rich on a terminal, tab-separated plain lines otherwise.

    Cells are untrusted text: they are passed to rich as ``Text`` (never parsed as markup) and
    made safe by :func:`safe` either way.
    """
    if not sys.stdout.isatty():
        click.echo(safe(title))
        for r in (header, *rows):
            click.echo("\t".join(safe(c) for c in r))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    drawn = Table(title=Text(safe(title)))
    for name in header:
        drawn.add_column(Text(name), overflow="fold")
    for r in rows:
        drawn.add_row(*(Text(safe(c)) for c in r))
    Console(highlight=False).print(drawn)
