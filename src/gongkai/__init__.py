"""gongkai (公开): read, check and write 政府信息公开工作年度报告."""

from __future__ import annotations

from .api import read
from .errors import GongkaiError
from .report import Report, Value

__all__ = ["GongkaiError", "Report", "Value", "read"]
__version__ = "0.1.0"
