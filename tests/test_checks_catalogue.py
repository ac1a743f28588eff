"""The rule catalogue: unique codes, strict templates, every rule exercised, docs up to date."""

from __future__ import annotations

import string
from dataclasses import replace
from pathlib import Path

import pytest
from checks_cases import CASES
from checks_support import CORPORA, CORPUS_IDS, label_report

from gongkai.checks import RULES, Finding, check, rule, rules_markdown
from gongkai.checks.catalogue import TAGS, Catalogue, Rule
from gongkai.errors import GongkaiError

ROOT = Path(__file__).resolve().parent.parent
RUNNABLE = sorted(code for code, r in RULES.items() if r.func is not None)


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    assert sorted(CASES) == RUNNABLE


def test_codes_are_unique_and_never_reregistered() -> None:
    with pytest.raises(ValueError, match="重复"):
        rule("B1", "error", "重复", "{x}", ("表内",), "重复的代码")(lambda ctx: iter(()))
    cat = Catalogue()
    cat.add(Rule("B99", "info", "t", "{a}", ("表内",), "d"))
    with pytest.raises(ValueError, match="重复"):
        cat.add(Rule("B99", "info", "t", "{a}", ("表内",), "d"))
    with pytest.raises(ValueError):
        cat.add(Rule("Z1", "info", "t", "{a}", ("表内",), "d"))  # family Z is not registered
    with pytest.raises(ValueError):
        cat.add(Rule("B98", "info", "t", "{a}", ("无此标签",), "d"))


def test_catalogue_metadata() -> None:
    for code, r in RULES.items():
        assert r.code == code and r.severity in ("error", "warning", "info")
        assert r.title and r.description and r.tags
        assert set(r.tags) <= set(TAGS)
        assert template_fields(r.template) == set(r.fields)


def test_a_missing_field_is_a_bug_not_a_blank() -> None:
    with pytest.raises(KeyError):
        RULES["B1"].render({"column": "总计"})
    with pytest.raises(KeyError):
        RULES["C4"].render({"after_review": 1, "review": 0, "extra": 2})


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
@pytest.mark.parametrize("code", RUNNABLE)
def test_failing_case_renders_every_field(code: str, corpus: Path) -> None:
    rep, prev = CASES[code][1](corpus)
    findings = check(rep, prev)
    assert not [f for f in findings if f.code == "R1"], [
        f.message for f in findings if f.code == "R1"
    ]
    mine = [f for f in findings if f.code == code and f.applicable]
    assert mine, f"{code} did not fire on its failing case"
    for f in findings:
        if f.applicable:
            assert set(f.fields) == set(RULES[f.code].fields)
            assert f.message == RULES[f.code].template.format_map(dict(f.fields))
            assert "{" not in f.message


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
@pytest.mark.parametrize("code", RUNNABLE)
def test_passing_case_applies_and_passes(code: str, corpus: Path) -> None:
    rep, prev = CASES[code][0](corpus)
    findings = [f for f in check(rep, prev, select={code}) if f.code == code]
    assert findings == [] or all(f.applicable for f in findings), [f.message for f in findings]
    assert [f.message for f in findings if f.applicable] == []


def test_rule_that_raises_becomes_an_info_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(ctx: object) -> list[Finding]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(RULES._rules, "B1", replace(RULES["B1"], func=boom))
    findings = check(label_report(CORPORA[0], "s000"), select={"B1", "B2"})
    errors = [f for f in findings if f.code == "R1"]
    assert len(errors) == 1 and "B1" in errors[0].message and errors[0].severity == "info"


def test_select_and_ignore_by_code_letter_and_tag() -> None:
    rep = label_report(CORPORA[0], "p001")
    assert {f.code for f in check(rep, select={"C1"})} == {"C1"}
    assert {f.code for f in check(rep, select="C")} == {f"C{i}" for i in range(1, 6)} & {
        f.code for f in check(rep)
    }
    assert all("跨年" in RULES[f.code].tags for f in check(rep, select={"跨年"}))
    assert not [f for f in check(rep, ignore={"表内"}) if "表内" in RULES[f.code].tags]
    assert "C1" not in {f.code for f in check(rep, ignore="C1,C2")}
    with pytest.raises(GongkaiError, match="未知"):
        check(rep, select={"Q9"})


def test_findings_are_sorted_errors_first() -> None:
    findings = check(label_report(CORPORA[0], "p001"))
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `gongkai rules --format markdown > docs/rules.md`"
    )
    for code in RULES:
        assert f"### {code}\n" in rules_markdown()
