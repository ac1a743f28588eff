"""The rule reference (docs/rules.md) and the `gongkai rules` listing, from the catalogue."""

from __future__ import annotations

from .catalogue import FAMILIES, RULES, SEVERITY_LABELS, TAGS, Rule

_HEADER = """# 检查规则目录

<!-- 本文件由 gongkai.checks.rules_markdown() 生成，请勿手工修改。
     重新生成：gongkai rules --format markdown > docs/rules.md -->

`gongkai check` 按下列规则检查政府信息公开工作年度报告。每条规则有固定代码（不会重复使用）、
严重程度（错误 / 警告 / 提示）、标签和消息模板；`--select`、`--ignore` 可按代码、字母（如 `B`）
或标签（如 `跨年`）选择规则。规则无法适用时（例如缺少表格、没有上年报告）给出“不适用”提示。
"""


def _family_rules() -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for r in RULES.values():
        out.setdefault(r.family, []).append(r)
    return out


def rules_markdown() -> str:
    """docs/rules.md: every rule of the catalogue with severity, tags, template and basis."""
    lines = [
        _HEADER,
        f"共 {len(RULES)} 条规则。",
        "",
        "| 代码 | 严重程度 | 标题 | 标签 |",
        "|---|---|---|---|",
    ]
    for r in RULES.values():
        tags, severity = "、".join(r.tags), SEVERITY_LABELS[r.severity]
        lines.append(f"| [{r.code}](#{r.code.lower()}) | {severity} | {r.title} | {tags} |")
    lines += ["", "## 标签", ""]
    lines += [f"- **{tag}**：{meaning}" for tag, meaning in TAGS.items()]
    for family, rules in _family_rules().items():
        lines += ["", f"## {family}　{FAMILIES.get(family, family)}"]
        for r in rules:
            fields = "、".join(f"`{f}`" for f in sorted(r.fields)) or "无"
            lines += [
                "",
                f"### {r.code}",
                "",
                f"**{r.title}**（{SEVERITY_LABELS[r.severity]}；{'、'.join(r.tags)}）",
                "",
                r.description,
                "",
                f"- 消息模板：`{r.template}`",
                f"- 字段：{fields}",
            ]
    return "\n".join(lines) + "\n"


def rules_text() -> str:
    """A compact listing for the terminal: code, severity, title, tags."""
    lines = []
    for family, rules in _family_rules().items():
        lines.append(f"{family}  {FAMILIES.get(family, family)}")
        for r in rules:
            lines.append(
                f"  {r.code:<4} {SEVERITY_LABELS[r.severity]}  {r.title}  [{'、'.join(r.tags)}]"
            )
    return "\n".join(lines) + "\n"
