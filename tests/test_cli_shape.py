"""The shape of the command line and the public API (issue 11, items 17 and 30).

One package ``gongkai.cli`` (a module per verb group) whose verbs share one set of output
options; authoring in one package; one public library function per verb; and no import circle
between checks catalogue/context, checks html/output or summary core/sheet.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from corpus_util import local_raw

import gongkai
from gongkai.cli import main

SRC = Path(gongkai.__file__).parent
VERBS = ("extract", "check", "rules", "summarize", "new", "render", "findings", "export")
# Verbs that only change the store (their output is a summary line, not a file).
STORE_VERBS = ("import", "finding", "roster")
GROUPS = ("query", "ledger", "calendar", "user", "serve")


def test_old_cli_modules_are_gone_and_the_package_has_one_module_per_verb_group() -> None:
    for old in ("gongkai.render_cli", "gongkai.summary_cli", "gongkai.checks.cli"):
        assert importlib.util.find_spec(old) is None, old
    assert not (SRC / "cli.py").exists() and not (SRC / "authoring.py").exists()
    assert not (SRC / "authoring_read.py").exists()
    for module in ("common", "extract", "check", "authoring", "summarize"):
        assert (SRC / "cli" / f"{module}.py").is_file(), module
    pyproject = tomllib.loads((SRC.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["gongkai"] == "gongkai.cli:main"
    assert sorted(main.commands) == sorted((*VERBS, *STORE_VERBS, *GROUPS))


def test_every_verb_has_the_same_output_options() -> None:
    shapes = set()
    for verb in VERBS:
        params = {p.name: p for p in main.commands[verb].params}
        out, fmt = params["out"], params["fmt"]
        assert isinstance(out, click.Option) and isinstance(fmt, click.Option)
        shapes.add((tuple(out.opts), tuple(fmt.opts), tuple(out.secondary_opts)))
    assert shapes == {(("-o", "--output"), ("-f", "--format"), ())}


def test_authoring_is_one_package_with_its_public_names() -> None:
    from gongkai import authoring
    from gongkai.authoring import read, workbook

    for name in ("new_workbook", "write_workbook", "read_workbook", "total_parts", "render_file"):
        assert callable(getattr(authoring, name)), name
    assert authoring.read_workbook is read.read_workbook
    assert authoring.new_workbook is workbook.new_workbook


def _imports(module: Path) -> set[str]:
    """Modules of gongkai/ imported anywhere in ``module`` (module level or in functions)."""
    package = ".".join(module.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("checks.catalogue", "checks.context"),
        ("checks.html", "checks.output"),
        ("summary.core", "summary.sheet"),
    ],
)
def test_no_import_circle_between(a: str, b: str) -> None:
    ia = _imports(SRC / (a.replace(".", "/") + ".py"))
    ib = _imports(SRC / (b.replace(".", "/") + ".py"))
    assert not (f"gongkai.{b}" in ia and f"gongkai.{a}" in ib), (a, b)


# -- 17: the public API ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["read", "check", "render", "summarize", "new"])
def test_public_api_functions_are_documented_and_typed(name: str) -> None:
    func = getattr(gongkai, name)
    assert inspect.isfunction(func) and name in gongkai.__all__
    assert func.__doc__ and len(func.__doc__) > 80
    hints = inspect.signature(func)
    assert hints.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in hints.parameters.values())


def test_library_functions_do_the_work(tmp_path: Path) -> None:
    s000 = local_raw("s000")
    batch = gongkai.check(s000)
    assert len(batch.checked) == 1 and batch.checked[0].report.year == 2021
    book = gongkai.new("测试局", 2025, tmp_path / "n.xlsx")
    assert book.is_file()
    made = gongkai.render(s000, tmp_path / "r.md", force=True)
    assert made.written == tmp_path / "r.md" and made.written.is_file()
    summed = gongkai.summarize([s000], "某区人民政府", 2021)
    assert summed.ok and summed.report.year == 2021 and len(summed.summary.bodies) == 1
    with pytest.raises(gongkai.GongkaiError, match="2008"):
        gongkai.summarize([s000], "某区人民政府", 24)
    with pytest.raises(gongkai.GongkaiError, match="扩展名"):
        gongkai.render(s000, tmp_path / "r.docx", fmt="pdf")
    (tmp_path / "empty").mkdir()
    with pytest.raises(gongkai.GongkaiError, match="没有找到"):
        gongkai.check(tmp_path / "empty")


@pytest.mark.parametrize(
    ("verb", "name", "args"),
    [
        ("check", "check", ["check", "X.txt"]),
        ("render", "render", ["render", "X.txt", "-o", "Y.md"]),
        ("new", "new", ["new", "--agency", "局", "--year", "2025", "-o", "Y.xlsx"]),
        ("summarize", "summarize", ["summarize", "--agency", "A", "--year", "2021", "X.txt"]),
    ],
)
def test_each_verb_calls_its_library_function(
    monkeypatch: pytest.MonkeyPatch, verb: str, name: str, args: list[str]
) -> None:
    class Called(Exception):
        pass

    def spy(*_: object, **__: object) -> None:
        raise Called

    monkeypatch.setattr(f"gongkai.api.{name}", spy)
    if verb == "summarize":
        monkeypatch.setattr("gongkai.api.report_files", lambda *_: [Path("X.txt")])
        monkeypatch.setattr("gongkai.api.load_reports", lambda *_, **__: ([], []))
    result = CliRunner().invoke(main, args)
    assert isinstance(result.exception, Called), result.output
