"""Errors a user can act on. Their messages are Chinese and name the file."""

from __future__ import annotations


class GongkaiError(Exception):
    """A problem with the user's input, reported as one clear Chinese message."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}：{message}" if path else message)


class UnsupportedFormat(GongkaiError):
    pass


class NotAReport(GongkaiError):
    pass


class NeedsTool(GongkaiError):
    """A format that needs an external program (LibreOffice, OCR) that is not installed."""
