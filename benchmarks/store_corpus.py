"""A large synthetic corpus of annual reports for the store benchmark.

Usage: python benchmarks/store_corpus.py OUT_DIR [-n 10000] [--seed 1] [--pdf-share 0.02]
       [--verify 50]

Bodies (3 provinces with cities, counties, towns and departments) report for 2019–2024. A report
is a labelled corpus report of its template (2019 for 2019–2020, 2021 after; one base per body)
with scaled, perturbed numbers whose totals are recomputed (every sum of 表三/表四 holds) and a
generated narrative stating the same figures, written in one of the shapes of renderings_gen.
Writes roster.csv, manifest.csv and files/<region>/<name>.<ext>; a seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from renderings_gen import RENDERINGS, ROOT, Generator, Source

from gongkai.readers.convert import find_soffice
from gongkai.render import render
from gongkai.render.docx import render_docx
from gongkai.render.fonts import best_fonts
from gongkai.report import Report, SectionText
from gongkai.templates import SECTIONS, SUBTOTAL_KEYS, request_rows_for, template_for

CORPUS = ROOT.parent / "shared" / "corpus"
YEARS = range(2019, 2025)
_HEADS = "河北山西江苏浙江安徽福建江西山东河南湖北湖南四川"
PROVINCES = [_HEADS[i : i + 2] + "省" for i in range(0, len(_HEADS), 2)]
FIRST = "安宁平清河东西南北临永长新丰泰兴武嘉庆云华阳德昌乐和洛石金玉青柳桂汉溪广福崇鹤枣滨"
SECOND = "阳安平川山州城宁江河原丰水泉林口台海门陵邑定兴远化昌津峰坪湖"
# Departments: "{}" is 厅 in a province, 局 below.
DEPTS = ("教育{}", "财政{}", "公安{}", "民政{}", "人力资源和社会保障{}", "自然资源{}",
         "生态环境{}", "住房和城乡建设{}", "交通运输{}", "农业农村{}", "水利{}", "商务{}",
         "文化和旅游{}", "审计{}", "司法{}", "应急管理{}", "发展和改革委员会", "卫生健康委员会",
         "市场监督管理局", "统计局")  # fmt: skip
# Scale of a body's figures against its base report, by level (乡镇 see few requests).
LEVEL_SCALE = {"省": 2.0, "市": 1.0, "县": 0.6, "乡镇": 0.15}  # 0.15 also in roster()
# Renderings (renderings_gen names) and their weights; pdf_lo gets exactly pdf_share.
MIX = dict(
    html=15, html_cms=25, docx=12, md=7, pdf_md=6, cell_lines=12, row_spaces=8, row_nbsp=3,
    row_u3000=3, glued=3, gbk=2, crlf=2, fullwidth=1, thousands=1,
)  # fmt: skip
Label = dict[str, Any]  # a report in the LABEL_SCHEMA shape
_BASES: dict[str, list[Label]] = {}  # load_bases() of this process
EXT = dict(docx="docx", pdf_lo="pdf", pdf_md="md", md="md", html="html", html_cms="html")


@dataclass(frozen=True, slots=True)
class Body:
    name: str
    parent: str
    level: str  # 省 / 市 / 县 / 乡镇 / 部门
    region: str  # 河北省/石家庄市/正定县
    scale: float  # LEVEL_SCALE of the level it belongs to


def roster(seed: int, target: int) -> list[Body]:
    """``target`` bodies: provinces, then cities, then counties round-robin over the cities."""
    rng = random.Random(f"{seed}|roster")
    two = [a + b for a in FIRST for b in SECOND]  # place names: two syllables, then three
    three = [a + b for a in FIRST for b in two]
    place = iter(rng.sample(two, len(two)) + rng.sample(three, len(three))).__next__

    n_depts = max(3, min(len(DEPTS), round(target / 120)))
    n_cities = max(1, min(5, round(target / 400)))
    out: list[Body] = []

    def unit(gov: str, parent: str, level: str, region: str, prefix: str, office: str) -> None:
        out.append(Body(gov, parent, level, region, LEVEL_SCALE[level]))
        for d in sorted(rng.sample(DEPTS, n_depts), key=DEPTS.index):
            out.append(Body(prefix + d.format(office), gov, "部门", region, LEVEL_SCALE[level]))

    cities: list[tuple[str, str, str]] = []
    for prov in rng.sample(PROVINCES, 3):
        unit(prov + "人民政府", "", "省", prov, prov, "厅")
        for _ in range(n_cities):
            city = place() + "市"
            gov = f"{prov}{city}人民政府"
            unit(gov, prov + "人民政府", "市", f"{prov}/{city}", city, "局")
            cities.append((prov, city, gov))
    for prov, city, city_gov in itertools.cycle(cities):
        if len(out) >= target:
            break
        county = place() + rng.choice("县县县区")
        gov, region = f"{prov}{city}{county}人民政府", f"{prov}/{city}/{county}"
        unit(gov, city_gov, "县", region, county, "局")
        for _ in range(rng.randint(2, max(2, n_depts // 2))):
            town = place() + rng.choice("镇镇乡")
            out.append(Body(f"{county}{town}人民政府", gov, "乡镇", f"{region}/{town}", 0.15))
    return out[:target]


def load_bases(corpus: Path = CORPUS) -> dict[str, list[Label]]:
    """Labelled reports by template; "gov" / "dept" pools for the 2021 template."""
    pools: dict[str, list[Label]] = {"2019": [], "gov": [], "dept": []}
    for path in sorted((corpus / "labels").glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        if label.get("template") == "2019" and label.get("requests"):
            pools["2019"].append(label)
        elif label.get("template") == "2021" and label.get("requests"):
            pools["gov" if label["agency"].endswith("人民政府") else "dept"].append(label)
    return pools


def make_label(seed: int, body: Body, year: int, bases: dict[str, list[Label]]) -> Label:
    """The report of ``body`` for ``year`` as a label dict (LABEL_SCHEMA shape)."""
    brng = random.Random(f"{seed}|{body.name}")  # same base and size every year
    pool = "2019" if year <= 2020 else "gov" if body.level != "部门" else "dept"
    base = Report.from_dict(brng.choice(bases[pool]))
    size = body.scale * brng.lognormvariate(0, 0.5) * 1.1 ** (year - 2021)
    rng = random.Random(f"{seed}|{body.name}|{year}")
    f = size * rng.lognormvariate(0, 0.2)

    def vary(v: object, places: int = 0) -> int | float:
        x = float(v) if isinstance(v, int | float) else 0.0  # blank or text: 0
        if x == 0:
            return 1 if places == 0 and rng.random() < 0.01 * min(f, 3) else 0
        return round(max(0.0, x * f * rng.lognormvariate(0, 0.3)), places or None)

    tpl = template_for(base.template)
    active: dict[str, list[Any]] = {}
    for row in tpl.active_rows:
        old = [v.value for v in base.active.get(row.key, [])]
        if len(old) != len(row.columns):
            continue
        new: list[Any] = [vary(x, 2 * c.decimal) for x, c in zip(old, row.columns, strict=True)]
        if row.key in ("regulations", "normative_docs"):
            if tpl.name == "2021":  # in force ≥ issued − repealed
                new[2] = max(new[2], new[0] - new[1])
            else:  # published ≤ made ≤ … and total ≥ published
                new[1] = min(new[1], new[0])
                new[2] = max(new[2], new[1])
        elif len(row.columns) >= 2 and row.columns[1].signed:
            change = old[1] if isinstance(old[1], int) else 0
            new[1] = max(int(math.copysign(vary(abs(change)), change)), -new[0])  # never < 0
        elif row.key == "gov_procurement" and isinstance(old[1], str):
            m = re.match(r"([\d.]+)(.*)", old[1])
            amount = float(m.group(1)) if m else 0.0
            new[1] = f"{vary(amount, 2):.2f}{m.group(2) if m else '元'}"
        active[row.label] = new

    rows = request_rows_for(tpl.name, set(base.requests))
    results = [r.key for r in rows if r.group and r.key in base.requests]
    req: dict[str, list[int]] = {k: [0] * 7 for k in ("new", "carried_over", *results)}
    req.update(total=[0] * 7, carried_forward=[0] * 7)
    for c in range(6):  # the applicant columns
        for key in (*results, "carried_over", "carried_forward"):
            req[key][c] = int(vary(base.request(key, c)))
        req["total"][c] = sum(req[k][c] for k in results)
        avail = req["total"][c] + req["carried_forward"][c]  # 新收 + 上年结转 = 总计 + 结转
        req["carried_over"][c] = min(req["carried_over"][c], avail)
        req["new"][c] = avail - req["carried_over"][c]
    for group, sub in SUBTOTAL_KEYS.items():  # only when the base prints subtotal rows
        if sub in base.requests:
            parts = [req[r.key] for r in rows if r.group == group and r.key in req]
            req[sub] = [sum(col) for col in zip(*parts, strict=True)] if parts else [0] * 7
    for vals in req.values():
        vals[6] = sum(vals[:6])
    ordered = {r.key: req[r.key] for r in rows if r.key in req}
    ordered.update({k: v for k, v in req.items() if k not in ordered})

    review: list[int] = []
    old_review = [v.value for v in base.review_litigation or []] or [0] * 15
    for g in range(0, 15, 5):  # per group: 4 outcomes, 总计
        outcomes = [int(vary(x)) for x in old_review[g : g + 4]]
        review += [*outcomes, sum(outcomes)]
    return dict(agency=body.name, year=year, template=tpl.name, active=active,
                requests=ordered, review_litigation=review)  # fmt: skip


_AIMS = ("以公开促落实、以公开强监管、以公开优服务", "坚持以公开为常态、不公开为例外",
         "围绕中心、服务大局，持续深化政务公开")  # fmt: skip
_TOPICS = ("重大决策部署落实", "财政预决算", "重点项目建设", "行政执法", "民生保障", "政策解读")
_PROBLEMS = ("政策解读形式还不够丰富，图解、视频等解读方式运用较少。",
             "部分栏目信息更新不够及时，内容规范性有待提高。",
             "依申请公开答复的规范化水平还需进一步提升。",
             "工作人员业务能力与新形势新要求相比仍有差距。")  # fmt: skip
_FIXES = ("下一步，将加强政策解读，丰富解读形式，提高解读质量。",
          "加强网站栏目日常巡查，确保信息发布及时、准确、规范。",
          "严格落实依申请公开办理流程，提升答复质量和规范化水平。",
          "加强业务培训，提升工作人员的政务公开业务能力。")  # fmt: skip


def narrative(label: Label, rng: random.Random) -> dict[str, SectionText]:
    """Sections 一、五、六 with figures that agree with the tables."""
    agency, year, req = label["agency"], label["year"], label["requests"]
    t = {k: v[6] for k, v in req.items()}  # the 总计 column
    docs = next((v for k, v in label["active"].items() if "规范性文件" in k), [0, 0, 0])
    one = [
        f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
        f"《中华人民共和国政府信息公开条例》，{rng.choice(_AIMS)}，切实保障人民群众知情权、"
        "参与权、表达权和监督权。",
        f"（一）主动公开。全年通过门户网站、政务新媒体等渠道主动公开政府信息"
        f"{rng.randint(40, 4000)}条，其中{rng.choice(_TOPICS)}类信息{rng.randint(5, 300)}条。"
        + (f"制发行政规范性文件{docs[0]}件，现行有效规范性文件{docs[2]}件。" * (year > 2020)),
    ]
    if t["new"] + t["carried_over"] == 0:
        one.append("（二）依申请公开。本年度未收到政府信息公开申请。")
    else:
        group = Counter[str]()  # （三）…（六） summed: denied_1_state_secret → denied
        for k, v in t.items():
            group[re.sub(r"_\d.*", "", k)] += v
        names = ("不予公开", "无法提供", "不予处理", "其他处理")
        parts = "，".join(f"{n}{group[g]}件" for n, g in zip(names, SUBTOTAL_KEYS, strict=True))
        one.append(
            f"（二）依申请公开。全年共收到政府信息公开申请{t['new']}件，其中自然人申请"
            f"{req['new'][0]}件，法人或其他组织申请{sum(req['new'][1:6])}件；上年结转"
            f"{t['carried_over']}件。办结{t['total']}件，其中予以公开{t['granted']}件，"
            f"部分公开{t['partial']}件，{parts}；结转下年度继续办理{t['carried_forward']}件。"
        )
    one += ["（三）政府信息管理。严格落实信息发布审查制度，坚持“先审查、后公开”和“一事一审”"
            "原则，动态调整主动公开基本目录。", "（四）平台建设。持续优化政府网站信息公开专栏，"
            "发挥政务新媒体传播优势，及时回应社会关切。"]  # fmt: skip
    rl = label["review_litigation"]
    if sum(rl) == 0:
        cases = "全年未发生因政府信息公开引起的行政复议、行政诉讼。"
    else:
        cases = f"全年因政府信息公开被申请行政复议{rl[4]}件，被提起行政诉讼{rl[9] + rl[14]}件。"
    one.append("（五）监督保障。将政务公开工作纳入年度绩效考核，" + cases)
    five = rng.sample(_PROBLEMS, 2) + rng.sample(_FIXES, 2)
    six = [f"本年度{agency}未收取政府信息公开信息处理费。", agency]
    six.append(f"{year + 1}年1月{rng.randint(10, 31)}日")  # the sign-off
    texts = {"一": "\n".join(one), "五": "\n".join(five), "六": "\n".join(six)}  # 二三四: tables
    return {s.number: SectionText(s.number, s.title, texts.get(s.number, "")) for s in SECTIONS}


def make_report(seed: int, body: Body, year: int) -> Source:
    """The report with its narrative, as renderings_gen takes it."""
    if not _BASES:  # once per process
        _BASES.update(load_bases())
    label = make_label(seed, body, year, _BASES)
    rep = Report.from_dict(label)
    rep.sections = narrative(label, random.Random(f"{seed}|{body.name}|{year}|text"))
    return Source(f"{body.name}{year}", label, rep)


def _stable(data: bytes, rendering: str) -> bytes:
    """The same bytes for the same report: DOCX zip entries carry the time of writing, PDFs
    their creation time, ID and checksum (replaced at the same length: xref offsets hold)."""
    if rendering == "docx":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                info.date_time = (2020, 1, 1, 0, 0, 0)
                zout.writestr(info, zin.read(info.filename), zipfile.ZIP_DEFLATED)
        return out.getvalue()
    if rendering == "pdf_lo":
        data = re.sub(rb"D:\d{14}", b"D:20200101000000", data)
        data = re.sub(rb"(/DocChecksum /|<)[0-9A-F]{32}", lambda m: m[1] + b"0" * 32, data)
    return data


RENDER: dict[str, Generator] = {**RENDERINGS, "md": lambda s: (render(s.report, "md"), "report.md")}
Job = tuple[int, Body, int, str, str]  # index, body, year, rendering, relative path
_FLAGS = ("--headless", "--nologo", "--norestore", "--nolockcheck", "--convert-to", "pdf")


def _pdfs(seed: int, jobs: list[Job]) -> dict[int, bytes]:
    """gongkai.render's PDFs, from one soffice run (its start-up costs more than a file)."""
    with tempfile.TemporaryDirectory(prefix="store-corpus-") as tmp:
        work, fonts = Path(tmp), best_fonts()
        for i, body, year, _, _ in jobs:
            report = make_report(seed, body, year).report
            (work / f"{i}.docx").write_bytes(render_docx(report, fonts))
        cmd = [find_soffice() or "soffice", f"-env:UserInstallation={(work / 'p').as_uri()}"]
        cmd += [*_FLAGS, "--outdir", str(work), *(f"{work}/{j[0]}.docx" for j in jobs)]
        subprocess.run(cmd, capture_output=True, timeout=60 + 10 * len(jobs), check=False)
        return {j[0]: (work / f"{j[0]}.pdf").read_bytes() for j in jobs}


def _write(seed: int, out_dir: Path, jobs: list[Job]) -> list[tuple[int, str]]:
    done = []
    pdf_jobs = [j for j in jobs if j[3] == "pdf_lo"]
    pdfs = _pdfs(seed, pdf_jobs) if pdf_jobs else {}
    for i, body, year, rendering, rel in jobs:
        data = pdfs.get(i) or RENDER[rendering](make_report(seed, body, year))[0]
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_stable(data, rendering))
        done.append((i, rendering))
    return done


def generate(out_dir: Path, n: int = 10_000, seed: int = 1, pdf_share: float = 0.02) -> Path:
    """Write ``n`` reports, roster.csv and manifest.csv under ``out_dir``; returns out_dir."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bodies = roster(seed, math.ceil(n / len(YEARS)))
    rng = random.Random(f"{seed}|plan")
    slots = [(b, y) for b in bodies for y in YEARS]
    for k in sorted(rng.sample(range(len(slots)), len(slots) - n), reverse=True):
        del slots[k]  # a few bodies miss a year
    renderings = rng.choices(list(MIX), weights=list(MIX.values()), k=n)
    for k in rng.sample(range(n), round(n * pdf_share)):
        renderings[k] = "pdf_lo"
    jobs: list[Job] = []
    for i, ((body, year), r) in enumerate(zip(slots, renderings, strict=True)):
        rel = f"files/{body.region}/{body.name}{year}年政府信息公开工作年度报告.{EXT.get(r, 'txt')}"
        jobs.append((i, body, year, r, rel))
    with open(out_dir / "roster.csv", "w", newline="", encoding="utf-8") as fh:
        rows = [(b.name, b.parent, b.level, b.region) for b in bodies]
        csv.writer(fh).writerows([("body", "parent", "level", "region"), *rows])
    # Slow PDFs first, so the last chunks even out the workers.
    order = sorted(jobs, key=lambda j: j[3] != "pdf_lo")
    chunks = [order[k : k + 16] for k in range(0, n, 16)]
    counts: Counter[str] = Counter()
    done = 0
    with ProcessPoolExecutor(os.cpu_count()) as ex:
        futures = [ex.submit(_write, seed, out_dir, c) for c in chunks]
        for fut in as_completed(futures):
            for _, r in fut.result():
                counts[EXT.get(r, "txt")] += 1
            done += 16
            if done % 1000 < 16 or done >= n:
                print(f"  {min(done, n)}/{n} files, {time.perf_counter() - t0:.0f} s", flush=True)
    with open(out_dir / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "agency", "year", "template", "format"])
        for _, body, year, r, rel in jobs:
            w.writerow([rel, body.name, year, 2019 if year <= 2020 else 2021, EXT.get(r, "txt")])
    mix = " ".join(f"{k}={v} ({v / n:.1%})" for k, v in counts.most_common())
    print(f"{n} reports, {len(bodies)} bodies: {mix}; {time.perf_counter() - t0:.1f} s")
    return out_dir


def verify(out_dir: Path, seed: int, sample: int = 50) -> None:
    """Read a sample back with gongkai.read and compare agency, year and cells; run the checks
    on the generated reports of the sample (no 表三/表四 arithmetic errors expected)."""
    from accuracy import label_cells, report_cells, same

    from gongkai import GongkaiError, read
    from gongkai.checks import check

    with open(out_dir / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    bodies = {b.name: b for b in roster(seed, math.ceil(len(rows) / len(YEARS)))}
    meta = right = cells = errors = abstained = 0
    for row in random.Random(seed).sample(rows, min(sample, len(rows))):
        src = make_report(seed, bodies[row["agency"]], int(row["year"]))
        errors += sum(f.severity == "error" and f.code[0] in "BC" for f in check(src.report))
        want = label_cells(src.report.to_dict(detail=False))
        try:
            rep = read(out_dir / row["file"])
        except GongkaiError as exc:
            print(f"  unreadable {row['file']}: {exc}")
            cells += len(want)
            continue
        got, unsure = report_cells(rep)
        abstained += len(unsure & set(want))
        ok = sum(c in got and same(got[c], v) for c, v in want.items())
        meta += (rep.agency == row["agency"]) + (rep.year == int(row["year"]))
        right, cells = right + ok, cells + len(want)
        if ok < len(want) or rep.agency != row["agency"]:
            print(f"  {row['file']}: {ok}/{len(want)} cells, agency {rep.agency}")
    print(f"read back {sample}: agency+year {meta}/{2 * sample}, cells {right}/{cells}"
          f" ({right / max(cells, 1):.2%}), {abstained} abstained (marked ambiguous), "
          f"{cells - right - abstained} wrong; B/C errors in the reports: {errors}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf-share", type=float, default=0.02)
    ap.add_argument("--verify", type=int, default=0, metavar="K", help="read back K files")
    args = ap.parse_args(argv)
    generate(args.out_dir, args.n, args.seed, args.pdf_share)
    if args.verify:
        verify(args.out_dir, args.seed, args.verify)
    return 0


if __name__ == "__main__":
    sys.exit(main())
