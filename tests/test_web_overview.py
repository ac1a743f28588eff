"""总览 on the real corpus (SQLite and PostgreSQL): counts against the roster, missing bodies,
headline sums equal to the labelled cells, and the JSON / CSV twins."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.testclient import TestClient

