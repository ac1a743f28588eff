"""`gongkai extract`: one JSON object for one file, a JSON array (or JSON Lines with -f jsonl)
for several, CSV/XLSX one row per report."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from corpus_util import LOCAL_CORPUS, local_label, local_raw
from openpyxl import load_workbook

from gongkai.cli import main
from gongkai.output import cell_columns


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


def test_one_file_gives_one_json_object_in_label_shape() -> None:
    code, out = run("extract", str(local_raw("s000")))
    assert code == 0
    data = json.loads(out)
    label = local_label("s000")
    for key in ("agency", "year", "template", "active", "requests", "review_litigation"):
        assert data[key] == label[key]
    assert isinstance(data["year"], int)
    assert data["cells"]["requests.new.total"]["source"]["line"] > 0
    assert data["sections"]["六"]["text"]


def test_several_files_give_one_json_array_naming_each_file() -> None:
    files = [str(local_raw(c)) for c in ("s000", "s002", "p003")]
    code, out = run("extract", "--brief", *files)
    assert code == 0
    objs = json.loads(out)
    assert isinstance(objs, list)
    assert [o["file"] for o in objs] == files
    assert [o["template"] for o in objs] == ["2021", "legacy", "2021"]


def test_several_files_as_json_lines_with_jsonl() -> None:
    files = [str(local_raw(c)) for c in ("s000", "s002")]
    code, out = run("extract", "--brief", "-f", "jsonl", *files)
    assert code == 0
    assert [json.loads(line)["file"] for line in out.splitlines()] == files


def test_directory_is_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(local_raw("s000"), tmp_path / "a" / "s000.txt")
    shutil.copy(local_raw("d001"), tmp_path / "a" / "b" / "d001.html")
    (tmp_path / "a" / "notes.json").write_text("{}")
    code, out = run("extract", "--brief", "-f", "jsonl", str(tmp_path))
    assert code == 0
    names = sorted(Path(json.loads(line)["file"]).name for line in out.splitlines())
    assert names == ["d001.html", "s000.txt"]


def test_csv_has_one_row_per_report_with_stable_columns(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    code, _ = run("extract", str(LOCAL_CORPUS / "raw"), "-o", str(out))
    assert code == 0
    labelled = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # Under the keys, the Chinese label of each column (`--no-labels` leaves it out).
    assert labelled[0]["requests.new.total"] == "一、本年新收政府信息公开申请数量·总计"
    rows = labelled[1:]
    assert len(rows) == len(list((LOCAL_CORPUS / "raw").iterdir()))
    header = list(rows[0])
    assert header[6 : 6 + len(cell_columns())] == cell_columns()
    p003 = next(r for r in rows if r["file"].endswith("p003.pdf"))
    assert p003["requests.new.total"] == "3119"
    assert p003["active.admin_fees.amount_wan_yuan"] == "96171.6"
    s002 = next(r for r in rows if r["file"].endswith("s002.txt"))
    assert s002["template"] == "legacy"
    assert s002["legacy.五、行政诉讼数量"] == "3"


def test_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, _ = run("extract", str(local_raw("s000")), str(local_raw("d001")), "-o", str(out))
    assert code == 0
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    col = header.index("requests.new.natural_person")
    assert ws.cell(row=2, column=col + 1).value == "一、本年新收政府信息公开申请数量·自然人"
    values = [row[col].value for row in ws.iter_rows(min_row=3)]
    assert values == [29, 26]
    blank = header.index("requests.new.commercial_enterprise")
    assert ws.cell(row=4, column=blank + 1).value is None  # d001's blank cell stays blank


def test_no_labels_leaves_one_header_row(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    code, _ = run("extract", str(local_raw("s000")), "--no-labels", "-o", str(out))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and "requests.new.total" in rows[0]


def test_binary_format_needs_output_file() -> None:
    result = CliRunner().invoke(main, ["extract", "-f", "xlsx", str(local_raw("s000"))])
    assert result.exit_code != 0
    assert "-o" in result.output
