"""What a user may see (:class:`Scope`): every body, the bodies of a region and the regions
below it, or one body. Queries take a scope and add its condition to their own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true

from . import schema

B, R = schema.bodies.c, schema.reports.c


def within(path: str) -> ColumnElement[bool]:
    """Bodies of the region ``path`` (as stored) and of the regions below it."""
    return or_(B.region == path, B.region.startswith(path + "/", autoescape=True))


@dataclass(frozen=True)
class Scope:
    """What a user may see: all bodies, the bodies of a region, or one body."""

    region: str | None = None  # path; bodies in it and below it
    body_id: int | None = None

    @property
    def everything(self) -> bool:
        return self.region is None and self.body_id is None

    def bodies(self) -> ColumnElement[bool]:
        """A condition on ``bodies`` for the bodies in scope."""
        if self.body_id is not None:
            return B.id == self.body_id
        if self.region is not None:
            return within(self.region)
        return true()

    def reports(self) -> ColumnElement[bool]:
        """A condition on ``reports`` for the reports of bodies in scope (a report whose agency
        matched no body is visible only to users who see everything)."""
        if self.everything:
            return true()
        return R.body_id.in_(select(B.id).where(self.bodies()))

    def covers_region(self, region: str | None) -> bool:
        """Whether every body of ``region`` (None: all regions) is in scope."""
        if self.everything:
            return True
        if self.body_id is not None or region is None or self.region is None:
            return False
        return region == self.region or region.startswith(self.region + "/")
