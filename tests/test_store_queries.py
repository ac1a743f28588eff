"""The store's queries on the real corpus, imported once per database (SQLite and PostgreSQL):
a body's years across spellings, a region's reports, who has not reported, figures and rates
equal to the labelled values, full-text search, and a region's summary from the store equal to
``gongkai.api.summarize`` over the same files."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS
from web_util import ROSTER  # the same roster serves the web app's tests

from gongkai import api
from gongkai.errors import GongkaiError
from gongkai.store import Store, import_files, open_store
from gongkai.store.findings import set_status
from gongkai.store.listing import list_findings
from gongkai.store.queries import body_years, missing, on_time, region_reports
from gongkai.store.rates import RATES, figures
from gongkai.store.regional import summarize_region
from gongkai.store.roster import import_roster
from gongkai.store.text_search import search_sections
from gongkai.summary import reconcile
from gongkai.templates import REVIEW_KEYS

# The whole corpus when ../shared is there; the cases used below are in the local copy too.
CORPUS = SHARED_CORPUS if (SHARED_CORPUS / "raw").is_dir() else LOCAL_CORPUS
RAW, LABELS = CORPUS / "raw", CORPUS / "labels"
ONLY_IN_S004 = "取得了一定成绩"  # section 五 of s004 (西工区人力资源和社会保障局), no other report


def raw(case: str) -> str:
    return str(CORPUS / json.loads((LABELS / f"{case}.json").read_text("utf-8"))["raw"])


def label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{case}.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The corpus and a roster, imported once per database for the whole module."""
    folder = tmp_path_factory.mktemp("queries")
    if request.param == "sqlite":
        url, drop = f"sqlite:///{folder / 'gongkai.db'}", None
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.fresh_database()
        drop = cluster.drop_database
    opened = open_store(url)
    imported = import_files(opened, [str(RAW)])
    assert imported.ok and imported.stored == len(list(RAW.iterdir()))
    roster = folder / "名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert import_roster(opened, roster).ok
    try:
        yield opened
    finally:
        opened.close()
        if drop is not None:
            drop(url)


# -- a body's years ---------------------------------------------------------------------------


def test_a_body_is_found_by_any_spelling_with_its_years(store: Store) -> None:
    by_short = body_years(store, "洪泽区人民政府")
    by_long = body_years(store, "淮安市洪泽区人民政府")
    assert by_short == by_long == body_years(store, by_short.id)
    assert by_short.name == "洪泽区人民政府"  # the roster's spelling
    assert set(by_short.names) == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    assert (by_short.level, by_short.region, by_short.parent) == (
        "县",
        "江苏省/淮安市/洪泽区",
        "淮安市人民政府",
    )
    assert [(y.year, y.path, y.agency) for y in by_short.years] == [
        (2023, raw("p001"), "洪泽区人民政府"),
        (2024, raw("p002"), "淮安市洪泽区人民政府"),
    ]
    p001 = by_short.years[0]
    assert p001.errors > 0  # p001 really has arithmetic errors (README)
    assert p001.open_findings >= p001.errors + p001.warnings
    assert json.loads(json.dumps(dataclasses.asdict(by_short)))["years"][1]["year"] == 2024


def test_two_files_of_one_body_and_year_are_two_versions(store: Store) -> None:
    history = body_years(store, "北京市西城区人力资源和社会保障局")
    assert [y.year for y in history.years] == [2021]  # one current reading per year
    assert history.years[0].versions == 2  # g001 and s000 are two files of that report
    assert history.years[0].path in (raw("g001"), raw("s000"))


def test_unknown_body_is_a_clear_error(store: Store) -> None:
    with pytest.raises(GongkaiError, match="没有名为“某某县不存在局”的单位"):
        body_years(store, "某某县不存在局")
    with pytest.raises(GongkaiError, match="没有编号为 999999 的单位"):
        body_years(store, 999999)


# -- a region's reports and who is missing ----------------------------------------------------


def test_region_reports_cover_the_regions_below(store: Store) -> None:
    province = region_reports(store, 2024, "江苏省")
    assert {(r.body, r.path) for r in province} == {
        ("淮安市人民政府", raw("p003")),
        ("洪泽区人民政府", raw("p002")),
    }
    county = region_reports(store, 2024, "江苏省/淮安市/洪泽区")
    assert [r.body for r in county] == ["洪泽区人民政府"]
    assert [r.body for r in region_reports(store, 2024, "江苏省", level="县级")] == [
        "洪泽区人民政府"
    ]
    assert region_reports(store, 2024, "江苏") == []  # a prefix of a name is no region


def test_region_reports_with_errors_only_and_on_time(store: Store) -> None:
    all_2023 = {r.body: r for r in region_reports(store, 2023, "江苏省")}
    assert set(all_2023) == {"洪泽区人民政府", "沭阳县发展和改革局"}
    assert [r.body for r in region_reports(store, 2023, "江苏省", errors_only=True)] == [
        "洪泽区人民政府"
    ]
    d001 = all_2023["沭阳县发展和改革局"]
    assert d001.published == "2024-01-17" and d001.on_time is True
    assert all_2023["洪泽区人民政府"].on_time is None  # no date on the page
    assert on_time("2025-02-15", 2024, "部门") is False
    assert on_time("2025-02-15", 2024, "县") is True  # a government's report is due 31 March


def test_missing_lists_roster_bodies_without_a_report(store: Store) -> None:
    assert [m.body for m in missing(store, 2024)] == ["淮安市教育局"]
    gone = missing(store, 2021, "北京市")
    assert [(m.body, m.level, m.source) for m in gone] == [
        ("北京市西城区人民政府", "县", "名册.csv")
    ]
    assert missing(store, 2023, "江苏省") == []  # 沭阳县发展和改革局 reported


# -- figures and rates ------------------------------------------------------------------------


def _review(case: str, key: str) -> int:
    value: int = label(case)["review_litigation"][REVIEW_KEYS.index(key)]
    return value


def test_figures_equal_the_labelled_cells(store: Store) -> None:
    rows = figures(
        store,
        [2023, 2024],
        ["requests.new.total", "review_litigation.review_corrected"],
        region="江苏省/淮安市",
    )
    got = {(r.body, r.year, r.figure): r.value for r in rows}
    assert got == {
        ("洪泽区人民政府", 2023, "requests.new.total"): label("p001")["requests"]["new"][6],
        ("洪泽区人民政府", 2024, "requests.new.total"): label("p002")["requests"]["new"][6],
        ("淮安市人民政府", 2024, "requests.new.total"): label("p003")["requests"]["new"][6],
        ("洪泽区人民政府", 2023, "review_litigation.review_corrected"): _review(
            "p001", "review_corrected"
        ),
        ("洪泽区人民政府", 2024, "review_litigation.review_corrected"): _review(
            "p002", "review_corrected"
        ),
        ("淮安市人民政府", 2024, "review_litigation.review_corrected"): _review(
            "p003", "review_corrected"
        ),
    }
    assert {r.label for r in rows} == {"一、本年新收政府信息公开申请数量·总计", "行政复议·结果纠正"}


def test_rates_are_computed_from_the_labelled_cells(store: Store) -> None:
    rows = figures(store, 2024, [r.key for r in RATES], bodies=["淮安市人民政府"])
    got = {r.figure: r.value for r in rows}
    req = label("p003")["requests"]
    assert got["rate.granted"] == pytest.approx(req["granted"][6] / req["total"][6])
    assert got["rate.disclosed"] == pytest.approx(
        (req["granted"][6] + req["partial"][6]) / req["total"][6]
    )
    assert got["rate.completed"] == pytest.approx(
        req["total"][6] / (req["new"][6] + req["carried_over"][6])
    )
    assert got["rate.review_corrected"] == pytest.approx(
        _review("p003", "review_corrected") / _review("p003", "review_total")
    )
    lit = [_review("p003", f"{g}_{o}") for g in ("lit_direct", "lit_after_review")
           for o in ("corrected", "total")]  # fmt: skip
    assert got["rate.litigation_corrected"] == pytest.approx((lit[0] + lit[2]) / (lit[1] + lit[3]))
    by_name = figures(store, 2024, ["予以公开率"], bodies=["淮安市人民政府"])
    assert by_name[0].value == got["rate.granted"] and by_name[0].label == "予以公开率"


def test_a_zero_denominator_or_a_missing_table_gives_no_rate(store: Store) -> None:
    # p001 reports 10 reviews upheld and 1 corrected but a review total of 0.
    p001 = figures(store, 2023, ["rate.review_corrected"], bodies=["洪泽区人民政府"])
    assert _review("p001", "review_total") == 0 and p001[0].value is None
    # 西城区政府办公室 handled no request in 2021: no 予以公开率.
    s003 = figures(store, 2021, ["予以公开率", "requests.total.total"], bodies=["西城区政府办公室"])
    assert [r.value for r in s003] == [None, 0]
    # A pre-2019 report has no national tables: every figure is None, no error.
    s002 = figures(
        store,
        2018,
        ["rate.granted", "requests.new.total"],
        bodies=["北京市东城区人力资源和社会保障局"],
    )
    assert [r.value for r in s002] == [None, None]


def test_unknown_figure_is_refused(store: Store) -> None:
    with pytest.raises(GongkaiError, match=r"未知的数据项“requests\.nothing\.total”"):
        figures(store, 2024, ["requests.nothing.total"], region="江苏省")


# -- search -----------------------------------------------------------------------------------


def test_search_finds_the_one_report_holding_a_phrase(store: Store) -> None:
    hits = search_sections(store, ONLY_IN_S004)
    assert [(h.body, h.year, h.section) for h in hits] == [
        ("西工区人力资源和社会保障局", 2023, "五")
    ]
    assert ONLY_IN_S004 in hits[0].excerpt
    assert search_sections(store, ONLY_IN_S004, year=2024) == []
    assert search_sections(store, ONLY_IN_S004, region="江苏省") == []
    many = search_sections(store, "政府信息公开", limit=3)
    assert len(many) == 3 and all("政府信息公开" in h.excerpt for h in many)
    with pytest.raises(GongkaiError, match="没有可检索的文字"):
        search_sections(store, "，。！")


# -- a region's summary -----------------------------------------------------------------------


def _bodies(summary: Any) -> list[tuple[str, bool, str]]:
    return [(b.file, b.included, b.reason) for b in summary.bodies]


def test_region_summary_equals_summarize_over_the_same_files(store: Store) -> None:
    made = summarize_region(store, "江苏省/淮安市", 2024, agency="淮安市人民政府")
    files = api.summarize([raw("p002")], "淮安市人民政府", 2024).summary
    assert made.summary.report.to_dict() == files.report.to_dict()
    assert _bodies(made.summary) == _bodies(files)
    # The city's own published report is stored: it is left out of the sum and reconciled.
    assert made.published_id is not None and made.published_id not in made.report_ids
    expected = reconcile(api.read(raw("p003")), files)
    assert expected and made.differences == expected
    by_body = summarize_region(store, "淮安市人民政府", 2024)
    assert (by_body.region, by_body.agency) == ("江苏省/淮安市", "淮安市人民政府")
    assert by_body.differences == expected


def test_region_summary_follows_peoples_decisions_on_findings(store: Store) -> None:
    """p001 (洪泽区 2023) has arithmetic errors: left out of the sum, until a supervisor
    dismisses them (the stored findings decide; nothing is checked again)."""
    with pytest.raises(GongkaiError, match="检查发现"):
        summarize_region(store, "江苏省/淮安市", 2023, agency="淮安市人民政府")
    errors = [f["id"] for f in list_findings(store, body="洪泽区", year=2023, severity="error")]
    assert errors
    try:
        for fid in errors:
            set_status(store, fid, "dismissed", "tester", "核实后原文无误")
        made = summarize_region(store, "江苏省/淮安市", 2023, agency="淮安市人民政府")
        assert made.summary.report.requests["new"][6].value == label("p001")["requests"]["new"][6]
    finally:
        for fid in errors:
            set_status(store, fid, "open", "tester")


def test_region_summary_problems_are_clear_errors(store: Store) -> None:
    with pytest.raises(GongkaiError, match="请给出汇总报告的单位名称"):
        summarize_region(store, "江苏省/淮安市", 2024)
    with pytest.raises(GongkaiError, match="没有找到地区或单位“火星省”"):
        summarize_region(store, "火星省", 2024, agency="火星省人民政府")
    with pytest.raises(GongkaiError, match="没有2022年的报告"):
        summarize_region(store, "江苏省", 2022, agency="江苏省人民政府")
    alone = summarize_region(store, "江苏省/宿迁市", 2023, agency="宿迁市人民政府")
    assert alone.differences is None and "没有宿迁市人民政府2023年的报告" in (alone.note or "")


def test_results_are_plain_json(store: Store, tmp_path: Path) -> None:
    rows = [dataclasses.asdict(r) for r in region_reports(store, 2024)]
    (tmp_path / "r.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    assert {r["body"] for r in rows} >= {"淮安市人民政府", "洪泽区人民政府"}
