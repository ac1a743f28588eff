"""Bodies: one row per administrative body, whatever spelling its reports use.

A report's agency is matched to a stored body by its folded name, or by the rule of
:func:`gongkai.checks.bodies.same_body` (淮安市洪泽区人民政府 = 洪泽区人民政府: one name adds a
place prefix to the other); a name that matches no body, or several, starts a body of its own.
Every spelling seen is kept in ``body_names``. A roster names the canonical form; without one
it is the fullest spelling seen.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, insert, select, update

from ..checks.bodies import normalise, same_body
from . import schema
from .engine import new_id, now

_MIN_SUFFIX = 4  # same_body never matches a shorter name


class Bodies:
    """The stored bodies' names, held in memory while one import or roster load runs."""

    def __init__(self, conn: Connection) -> None:
        self.names: dict[str, int] = {}
        self.suffixes: dict[str, set[int]] = defaultdict(set)
        self.spellings: dict[int, list[str]] = defaultdict(list)
        for name, body_id in conn.execute(
            select(schema.body_names.c.name, schema.body_names.c.body_id)
        ):
            self._remember(name, body_id)

    def _remember(self, name: str, body_id: int) -> None:
        self.names[name] = body_id
        self.spellings[body_id].append(name)
        for i in range(1, len(name) - _MIN_SUFFIX + 1):
            self.suffixes[name[i:]].add(body_id)

    def find(self, agency: str | None) -> int | None:
        """The stored body ``agency`` names, or None (no body, or more than one, fits)."""
        name = normalise(agency)
        if not name:
            return None
        if name in self.names:
            return self.names[name]
        fits = {b for b in self.suffixes.get(name, ()) if self._same(name, b)}
        for i in range(1, len(name) - _MIN_SUFFIX + 1):  # a stored name that ``name`` extends
            b = self.names.get(name[i:])
            if b is not None and same_body(name, name[i:]):
                fits.add(b)
        return fits.pop() if len(fits) == 1 else None

    def _same(self, name: str, body_id: int) -> bool:
        return any(same_body(name, other) for other in self.spellings[body_id])

    def resolve(self, conn: Connection, agency: str | None) -> int | None:
        """The body for ``agency``, stored (with this spelling) when new; None without a name."""
        name = normalise(agency)
        if not name:
            return None
        body_id = self.find(name)
        if body_id is None:
            body_id = new_id(
                conn.execute(insert(schema.bodies).values(name=name, created_at=now()))
            )
        if name not in self.names:
            conn.execute(insert(schema.body_names).values(name=name, body_id=body_id))
            self._remember(name, body_id)
            self._fuller_name(conn, body_id, name)
        return int(body_id)

    def _fuller_name(self, conn: Connection, body_id: int, name: str) -> None:
        """A body no roster named is called by its fullest spelling (淮安市洪泽区人民政府 rather
        than 洪泽区人民政府), whichever order its reports arrive in."""
        b = schema.bodies.c
        row = conn.execute(select(b.name, b.level, b.region).where(b.id == body_id)).one()
        if (
            row.level is None
            and row.region is None
            and (len(name), name) > (len(row.name), row.name)
        ):
            conn.execute(update(schema.bodies).where(b.id == body_id).values(name=name))

    def rename(self, conn: Connection, body_id: int, canonical: str) -> None:
        """Make ``canonical`` the body's name (a roster's spelling), keeping the others."""
        name = normalise(canonical)
        taken = conn.execute(
            select(schema.bodies.c.id).where(schema.bodies.c.name == name)
        ).scalar()
        if taken is None:
            conn.execute(
                update(schema.bodies).where(schema.bodies.c.id == body_id).values(name=name)
            )
        if name not in self.names:
            conn.execute(insert(schema.body_names).values(name=name, body_id=body_id))
            self._remember(name, body_id)
