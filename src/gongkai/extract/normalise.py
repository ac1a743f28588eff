"""Text normalisation applied to a document before anything in it is matched.

Real reports write the same characters many ways: browser-printed PDFs give Kangxi radicals
(⾏ U+2F8F for 行), some fonts give compatibility ideographs, crawler text has full-width digits
(０１２), mirror sites insert pinyin glosses (數(shù)), editors leave zero-width marks and NBSPs.
Only those are folded; Chinese punctuation is kept as written (section text is the user's).
"""

from __future__ import annotations

import re
import unicodedata

from ..model import ZERO_WIDTH, Document, Paragraph

_SPACES = {0xA0: " ", 0x2007: " ", 0x202F: " ", 0x3000: " "}
# Kangxi radicals, CJK radicals supplement, compatibility ideographs (and supplement),
# full-width digits and letters: NFKC gives the ordinary character (punctuation is kept).
_FOLD_RANGES = (
    "\u2e80-\u2fdf\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0002f800-\U0002fa1f"
)
_FOLD = re.compile(f"[{_FOLD_RANGES}]")
# NFKC leaves most of the CJK radicals supplement alone, yet browser-printed PDFs give them for
# whole characters (⻔ for 门): the unified ideograph each stands for (Unicode's
# EquivalentUnifiedIdeograph data, the radicals that are also characters in modern text).
_RADICALS = str.maketrans(
    "⺅⺉⺗⺘⺙⺝⺠⺡⺢⺣⺦⺨⺩⺬⺭⺼⺾⻁⻄⻅⻆⻈⻉⻋⻌⻏⻐⻓⻔⻖⻗⻘⻚⻛⻜⻝⻠⻢⻣⻤⻥⻧⻨⻩⻬⻮⻰",
    "亻刂心扌攵月民氵氺灬丬犭王示礻月艹虎西见角讠贝车辶阝钅长门阝雨青页风飞食饣马骨鬼鱼卤麦黄齐齿龙",
)
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin gloss after a Han character: "數(shù)", "據(jù)"; at least one tone mark, so that a real
# bracketed word like "(a)" or "(PDF)" is never taken.
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")


# Any character one of the foldings touches (the radicals table lies in the fold ranges; a
# gloss starts with "("): most text has none and is returned as it is.
_TOUCHED = re.compile(
    "[" + re.escape("".join(map(chr, [*ZERO_WIDTH, *_SPACES]))) + "(" + _FOLD_RANGES + "]"
)


def normalise_text(text: str) -> str:
    """``text`` with the foldings above applied."""
    if text.isascii() or not _TOUCHED.search(text):
        return text
    text = text.translate(ZERO_WIDTH).translate(_SPACES).translate(_RADICALS)
    text = _FOLD.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _GLOSS.sub("", text)


def normalise_document(doc: Document) -> Document:
    """Normalise every paragraph, cell, the title and metadata of ``doc`` in place."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            block.text = normalise_text(block.text)
            continue
        for row in block.rows:
            for cell in row:
                cell.text = normalise_text(cell.text)
    if doc.title:
        doc.title = normalise_text(doc.title)
    doc.meta = {k: normalise_text(v) for k, v in doc.meta.items()}
    return doc
