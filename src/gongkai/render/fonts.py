"""The faces a rendering names: the official ones, or the best installed ones for a PDF.

A DOCX names the fonts of the customary layout (方正小标宋简体, 黑体, 仿宋_GB2312, 楷体_GB2312,
宋体) so that Word and WPS on an official machine use them. LibreOffice on Linux has none of
them and would print everything in one sans-serif face; for a PDF the DOCX names the closest
installed faces instead: song/serif for the title, body and tables, hei for headings, kai for
second-level headings (Debian: fonts-noto-cjk, fonts-arphic-gkai00mp).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fonts:
    title: str = "方正小标宋简体"
    heading: str = "黑体"
    body: str = "仿宋_GB2312"
    kai: str = "楷体_GB2312"
    table: str = "宋体"
    latin: str = "Times New Roman"
    title_bold: bool = False  # a regular serif stands in for 小标宋 only in bold


OFFICIAL = Fonts()

# Per role: the official face and its other names first, then free substitutes.
SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL SungtiL GB")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei")
KAI = ("AR PL KaitiM GB", "AR PL UKai CN", "AR PL UKai")
CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", *SERIF),
    "heading": ("黑体", "SimHei", *SANS),
    "body": ("仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong", "STFangsong", *SERIF),
    "kai": ("楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi", "STKaiti", *KAI, *SERIF),
    "table": ("宋体", "SimSun", "NSimSun", *SERIF),
}


def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows (empty when fc-list is missing)."""
    return _installed()


@functools.cache
def _installed() -> frozenset[str]:
    exe = shutil.which("fc-list")
    if exe is None:
        return frozenset()
    try:
        res = subprocess.run(
            [exe, ":", "family"], capture_output=True, timeout=30, check=False, text=True
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in res.stdout.splitlines() for name in line.split(","))


def pick(role: str, installed: frozenset[str]) -> str:
    """The first installed candidate for ``role``, else the official name."""
    official: str = getattr(OFFICIAL, role)
    return next((f for f in CANDIDATES[role] if f in installed), official)


def best_fonts(installed: frozenset[str] | None = None) -> Fonts:
    """The faces to print with here: official where installed, else the closest free ones."""
    have = installed_families() if installed is None else installed
    if not have:
        return OFFICIAL
    chosen = {role: pick(role, have) for role in CANDIDATES}
    return Fonts(**chosen, title_bold=chosen["title"] in SERIF)
