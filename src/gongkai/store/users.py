"""People who use the web app: accounts with argon2id-hashed passwords, roles and what each
role may see (:class:`Scope`). Every change is written to the audit trail.

Roles: ``admin`` (everything, manages users); ``supervisor`` (reads and acts on the reports of
one region and the regions below it); ``agency`` (its own body's reports); ``viewer`` (reads,
changes nothing; limited to a region when one is set).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select, update

from ..errors import GongkaiError
from . import schema
from .access import Scope
from .engine import Store, new_id, now
from .queries import B, region_path, resolve_body

ROLES = {"admin": "管理员", "supervisor": "监督检查", "agency": "填报单位", "viewer": "只读"}
MIN_PASSWORD = 8
_hasher = PasswordHasher()
U = schema.users.c


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    region: str | None
    body_id: int | None
    body: str | None  # the agency user's body name
    active: bool

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def scope(self) -> Scope:
        if self.role == "admin":
            return Scope()
        if self.role == "agency":
            return Scope(body_id=self.body_id if self.body_id is not None else -1)
        return Scope(region=self.region)

    @property
    def can_act(self) -> bool:
        """May change findings and upload reports (not a read-only viewer)."""
        return self.role != "viewer"


def _user(row: Any) -> User:
    return User(row.id, row.name, row.role, row.region, row.body_id, row.body, bool(row.active))


def _select() -> Any:
    return select(
        U.id, U.name, U.role, U.region, U.body_id, B.name.label("body"), U.active
    ).outerjoin(schema.bodies, B.id == U.body_id)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise GongkaiError(f"密码至少 {MIN_PASSWORD} 个字符")


def _place(
    conn: Connection, role: str, region: str | None, body: str | int | None
) -> tuple[str | None, int | None]:
    if role not in ROLES:
        raise GongkaiError(f"未知的角色“{role}”，可选：{'、'.join(ROLES)}")
    if role == "agency":
        if body is None or body == "":
            raise GongkaiError("填报单位的用户必须指定所属单位")
        return None, resolve_body(conn, body)
    if role == "supervisor" and not region:
        raise GongkaiError("监督检查的用户必须指定所辖地区")
    return (region_path(region) if region else None), None


def add_user(
    store: Store,
    name: str,
    password: str,
    role: str,
    *,
    region: str | None = None,
    body: str | int | None = None,
    actor: str = "system",
) -> User:
    """Create an account.

    :raises GongkaiError: for a taken or empty name, a short password, an unknown role, a
        supervisor without a region or an agency user without a (known) body.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise GongkaiError("用户名不能为空，最长 100 个字符")
    _check_password(password)
    with store.begin() as conn:
        place_region, body_id = _place(conn, role, region, body)
        if conn.execute(select(U.id).where(U.name == name)).first() is not None:
            raise GongkaiError(f"用户名“{name}”已被使用")
        uid = new_id(
            conn.execute(
                insert(schema.users).values(
                    name=name,
                    password_hash=_hasher.hash(password),
                    role=role,
                    region=place_region,
                    body_id=body_id,
                    active=True,
                    created_at=now(),
                )
            )
        )
        after = {"role": role, "region": place_region, "body_id": body_id}
        _audit(conn, actor, "user.add", uid, None, after)
        return _user(conn.execute(_select().where(U.id == uid)).one())


def update_user(
    store: Store,
    user_id: int,
    *,
    actor: str,
    role: str | None = None,
    region: str | None = None,
    body: str | int | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change an account's role and place, (de)activate it or set a new password."""
    with store.begin() as conn:
        row = conn.execute(_select().where(U.id == user_id)).first()
        if row is None:
            raise GongkaiError(f"没有编号为 {user_id} 的用户")
        before = {
            "role": row.role,
            "region": row.region,
            "body_id": row.body_id,
            "active": row.active,
        }
        values: dict[str, Any] = {}
        if role is not None:
            values["region"], values["body_id"] = _place(conn, role, region, body)
            values["role"] = role
        if active is not None:
            values["active"] = active
        if password is not None:
            _check_password(password)
            values["password_hash"] = _hasher.hash(password)
        if values:
            conn.execute(update(schema.users).where(U.id == user_id).values(**values))
            after = {k: v for k, v in values.items() if k != "password_hash"}
            if password is not None:
                after["password"] = "（已更改）"
            _audit(conn, actor, "user.update", user_id, before, after)
        return _user(conn.execute(_select().where(U.id == user_id)).one())


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (the same answer, in about the
    same time, for an unknown name: nobody learns which names exist)."""
    with store.begin() as conn:
        row = conn.execute(
            _select().add_columns(U.password_hash).where(U.name == name.strip())
        ).first()
    stored = row.password_hash if row is not None else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(stored):
        with store.begin() as conn:
            conn.execute(
                update(schema.users)
                .where(U.id == row.id)
                .values(password_hash=_hasher.hash(password))
            )
    return _user(row)


_DUMMY = _hasher.hash(secrets.token_hex(16))


def get_user(store: Store, user_id: int) -> User | None:
    """The active user with this id."""
    with store.begin() as conn:
        row = conn.execute(_select().where(U.id == user_id, U.active.is_(True))).first()
    return _user(row) if row is not None else None


def list_users(store: Store) -> list[User]:
    with store.begin() as conn:
        return [_user(row) for row in conn.execute(_select().order_by(U.name)).all()]


def has_users(store: Store) -> bool:
    with store.begin() as conn:
        return conn.execute(select(U.id).limit(1)).first() is not None


def setting(store: Store, key: str, make: Any = None) -> str | None:
    """A stored setting; with ``make`` (a function giving the value) created when missing."""
    s = schema.settings.c
    with store.begin() as conn:
        value = conn.execute(select(s.value).where(s.key == key)).scalar()
        if value is None and make is not None:
            value = str(make())
            conn.execute(insert(schema.settings).values(key=key, value=value))
    return value


def _audit(conn: Connection, actor: str, action: str, uid: int, before: Any, after: Any) -> None:
    conn.execute(
        insert(schema.audit).values(
            at=now(),
            actor=actor[:100],
            action=action,
            target=f"user:{uid}",
            before=before,
            after=after,
        )
    )
