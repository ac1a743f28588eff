"""What a real annual report can be: every limit on reading, in one place.

A 政府信息公开工作年度报告 is a few pages with about ten small tables (the largest, 表三, has
about 30 rows of 17 columns). Each limit below is one to two orders of magnitude above the
largest real report seen, so only hostile or broken files reach them; a file beyond a limit is
refused with a Chinese message naming the limit, before the work (and the memory) it would take.

They are module attributes read at the time of use, so a program (or a test) can change them::

    import gongkai.readers.limits as limits
    limits.MAX_PAGES = 1000

See docs/limits.md for what each one protects against.
"""

from __future__ import annotations

MB = 1024 * 1024

# --- the file ---------------------------------------------------------------------------------
MAX_FILE_BYTES = 100 * MB  # any file, as read from disk (PDFs with images are the largest)
MAX_TEXT_BYTES = 20 * MB  # a TXT, Markdown or HTML file (Word-exported HTML is bloated)

# --- DOCX packages (zip) ----------------------------------------------------------------------
MAX_UNZIPPED_BYTES = 200 * MB  # all members of the package, uncompressed
MAX_XML_BYTES = 25 * MB  # one XML part (word/document.xml ...), uncompressed
MAX_RATIO = 200  # a member this compressible ...
MAX_RATIO_MEMBER_BYTES = 20 * MB  # ... and this large is a zip bomb

# --- the document -----------------------------------------------------------------------------
MAX_PAGES = 300  # pages of a PDF
MAX_GRID_PAGES = 60  # pages of a PDF the slower table-grid reading is tried on (else: lines only)
MAX_CHARS = 1_000_000  # characters of text in the whole document
MAX_LINES = 100_000  # lines of text (paragraphs, PDF text lines) in the whole document
MAX_TABLES = 1_000  # tables in the document (an HTML page's layout tables count)
MAX_CELLS_PER_TABLE = 20_000  # grid positions of one table, merged cells counted per position
MAX_CELLS = 200_000  # grid positions of all tables together

# --- batches (gongkai.batch.read_many) --------------------------------------------------------
TIMEOUT_SECONDS = 120.0  # time to read one file
MEMORY_BYTES = 2048 * MB  # memory one file may take on top of the program itself


def too_big(what: str, value: int, limit: int, unit: str) -> str:
    """The refusal message: what is too big, by how much, and the limit."""
    return f"{what}过大（{value:,} {unit}，上限 {limit:,} {unit}），不像是年度报告，已拒绝读取"


class Budget:
    """Running counts of one document's text and tables, refused as soon as one is over."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.chars = 0
        self.lines = 0
        self.tables = 0
        self.cells = 0

    def text(self, count: int) -> None:
        self.chars += count
        if self.chars > MAX_CHARS:
            self._refuse("文字", self.chars, MAX_CHARS, "字")

    def line(self, count: int) -> None:
        """One paragraph or line of ``count`` characters."""
        self.lines += 1
        if self.lines > MAX_LINES:
            self._refuse("文字行数", self.lines, MAX_LINES, "行")
        self.text(count)

    def table(self, cells: int) -> None:
        self.tables += 1
        self.cells += cells
        if cells > MAX_CELLS_PER_TABLE:
            self._refuse(f"表格{self.tables}", cells, MAX_CELLS_PER_TABLE, "个单元格")
        if self.tables > MAX_TABLES:
            self._refuse("表格数量", self.tables, MAX_TABLES, "个")
        if self.cells > MAX_CELLS:
            self._refuse("表格", self.cells, MAX_CELLS, "个单元格")

    def _refuse(self, what: str, value: int, limit: int, unit: str) -> None:
        from ..errors import GongkaiError

        raise GongkaiError(too_big(what, value, limit, unit), self.path)


# zip bundles of reports (readers/bundle.py)
MAX_BUNDLE_MEMBERS = 2_000  # members of one bundle (a county's reports: a few hundred)
MAX_BUNDLE_UNZIPPED_BYTES = 2048 * MB  # all members of one bundle, uncompressed
