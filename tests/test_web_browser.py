"""The web app in a real browser (Debian's Chromium under Playwright), as a supervisor uses it:
log in, upload two reports, open one, see a finding highlighted, dismiss it with a reason, open
the compare page and see the chart drawn, download the CSV. Every page is visited once more
for a screenshot (``out/screenshots``, for people to look at), and no page may break the
Content-Security-Policy or log an error in the console."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import SHOTS, LiveServer, chromium  # noqa: F401 (fixture)
from sqlalchemy import select
from web_util import PASSWORD, RAW

from gongkai.store import Store, open_store, schema
from gongkai.store.users import add_user
from gongkai.web import create_app

# 洪泽区人民政府 2023 (p001: its tables hold arithmetic errors) and 2024 (p002).
UPLOADS = ("p001.pdf", "p002.pdf")
# Counts the pixels of a chart's canvas that are drawn on (not transparent).
DRAWN = """el => {
  const c = el.querySelector('canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(tmp_path_factory.mktemp("browser") / "gongkai.db")
    add_user(opened, "admin", PASSWORD, "admin")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[LiveServer]:
    with LiveServer(create_app(store)) as live:
        yield live


@pytest.fixture
def page(chromium, server: LiveServer) -> Iterator[object]:  # type: ignore[no-untyped-def]  # noqa: F811
    context = chromium.new_context(base_url=server.url, accept_downloads=True, locale="zh-CN")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()


def shot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(tab) -> None:  # type: ignore[no-untyped-def]
    tab.goto("/login")
    tab.fill("input[name=name]", "admin")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/overview")


def test_a_supervisors_afternoon(page, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tab = page
    log_in(tab)
    shot(tab, "01-overview-empty")

    # Upload two reports: the upload goes by XMLHttpRequest, then the job page polls.
    tab.goto("/upload")
    tab.set_input_files("input[type=file]", [str(RAW / name) for name in UPLOADS])
    tab.click("form[data-dropzone] button[type=submit]")
    tab.wait_for_url("**/upload/*")
    tab.wait_for_function("() => !document.querySelector('[hx-trigger]')", timeout=120_000)
    results = tab.locator("table.upload-results tbody tr")
    assert results.count() == 2
    assert tab.locator("table.upload-results").inner_text().count("已读取并检查") == 2
    shot(tab, "02-upload-results")

    # Open the report with arithmetic errors: a highlighted cell carries the finding.
    tab.click("table.upload-results tr:has-text('p001.pdf') a[href^='/reports/']")
    tab.wait_for_url("**/reports/*")
    flagged = tab.locator("td.finding-error")
    assert flagged.count() >= 1
    assert flagged.first.is_visible()
    title = flagged.first.get_attribute("title") or ""
    assert title  # the finding's message, on the cell itself
    background = flagged.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # really highlighted
    shot(tab, "03-report-with-findings")

    # Dismiss that error with a reason (htmx swaps the findings list).
    row = tab.locator("tr.finding.open:has(.tag.bad)").first
    finding_id = int((row.get_attribute("id") or "").split("-")[-1])
    row.locator("input[name=reason]").fill("经核实，原文即如此，已另行说明")
    row.locator("button:has-text('忽略')").click()
    tab.locator(f"#finding-{finding_id}.dismissed").wait_for()
    assert "经核实，原文即如此" in tab.locator(f"#finding-{finding_id}").inner_text()
    f = schema.findings.c
    with store.begin() as conn:
        status, reason, by = conn.execute(
            select(f.status, f.reason, f.changed_by).where(f.id == finding_id)
        ).one()
    assert (status, by) == ("dismissed", "admin") and reason.startswith("经核实")
    shot(tab, "04-finding-dismissed")

    # Compare: the body's two years, drawn as a chart, downloaded as CSV.
    tab.goto("/compare?body=洪泽区人民政府&figure=requests.new.total&figure=rate.granted")
    chart = tab.locator("[data-chart]").first
    chart.locator("canvas").wait_for()
    tab.wait_for_function("() => document.querySelector('[data-chart][data-drawn=true]') !== null")
    assert chart.evaluate(DRAWN) > 1000  # pixels drawn, not an empty canvas
    shot(tab, "05-compare-chart")
    with tab.expect_download() as download:
        tab.click("a:has-text('下载 CSV')")
    saved = tmp_path / "compare.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8-sig"))))
    by_year = {r["year"]: r for r in rows}
    assert by_year["2023"]["requests.new.total"] == "21"  # p001's 新收 (labels/p001.json)
    assert by_year["2024"]["requests.new.total"] == "95"  # p002's
    assert tab.problems == [], tab.problems


def test_every_page_renders_without_errors(page, store: Store) -> None:  # type: ignore[no-untyped-def]
    tab = page
    log_in(tab)
    r = schema.reports.c
    with store.begin() as conn:
        report, body = conn.execute(select(r.id, r.body_id).order_by(r.id)).first() or (0, 0)
    if not report:  # the module's first test uploads them; alone, this one does
        import_files_for(store)
        with store.begin() as conn:
            report, body = conn.execute(select(r.id, r.body_id).order_by(r.id)).first()
    pages = {
        "10-overview": "/overview?year=2024",
        "11-reports": "/reports",
        "12-report": f"/reports/{report}",
        "13-source-page": f"/reports/{report}/page/1",
        "14-letter": f"/reports/{report}/letter",
        "15-body": f"/bodies/{body}",
        "16-bodies": "/bodies",
        "17-compare-form": "/compare",
        "18-summary": "/summary",
        "19-upload": "/upload",
        "20-admin": "/admin",
    }
    for name, url in pages.items():
        answer = tab.goto(url)
        assert answer is not None and answer.status < 500, url
        tab.wait_for_load_state("networkidle")
        for el in tab.locator("[data-chart]").all():
            tab.wait_for_function(
                "el => el.getAttribute('data-drawn') === 'true'", arg=el.element_handle()
            )
        shot(tab, name)
    csp = [p for p in tab.problems if "Content Security Policy" in p]
    assert csp == [], csp
    assert tab.problems == [], tab.problems


def import_files_for(store: Store) -> None:
    from gongkai.store import import_files

    import_files(store, [str(RAW / name) for name in UPLOADS])
