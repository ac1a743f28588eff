"""Opening the store: the database URL, the schema migrations, and Chinese messages for every
way a database can be unusable (corrupt, newer, locked, unreachable).

SQLite is the default: ``gongkai.db`` in the working folder unless ``--db`` or ``GONGKAI_DB``
names another file or a ``postgresql://`` URL. Opening migrates an older schema to this
version's (in one transaction); a schema from a newer gongkai is refused, as is a database that
holds other programs' tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from ..errors import GongkaiError

DEFAULT_FILE = "gongkai.db"
ENV_VAR = "GONGKAI_DB"
LOCK_TIMEOUT = 10.0  # seconds a writer waits for another writer's lock on a SQLite file
MIGRATIONS = Path(__file__).with_name("migrations")


class Store:
    """An open store: the SQLAlchemy engine and where it points (shown in messages)."""

    def __init__(self, engine: Engine, where: str) -> None:
        self.engine = engine
        self.where = where

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction; any database failure becomes a GongkaiError naming the database."""
        with errors(self.where), self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def database_url(db: str | Path | None = None) -> str:
    """The SQLAlchemy URL for ``db``: a file path, a sqlite:// or postgresql:// URL; by default
    ``$GONGKAI_DB`` or ``gongkai.db`` in the working folder."""
    db = db if db not in (None, "") else os.environ.get(ENV_VAR) or DEFAULT_FILE
    text_db = str(db)
    if text_db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text_db.split("://", 1)[1]
    if "://" in text_db:
        return text_db
    return "sqlite:///" + str(Path(text_db).expanduser().resolve())


def open_store(db: str | Path | None = None, timeout: float = LOCK_TIMEOUT) -> Store:
    """Open (creating or upgrading when needed) the store at ``db``.

    :raises GongkaiError: with a Chinese message when the database cannot be used.
    """
    url = database_url(db)
    where = _where(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise GongkaiError(
            "数据库地址的格式不正确（应为文件路径或 postgresql://… 地址）", where
        ) from None
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, parsed.database, timeout)
    elif parsed.get_backend_name() == "postgresql":
        try:
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        except NoSuchModuleError:
            raise GongkaiError("不支持的数据库驱动", where) from None
    else:
        raise GongkaiError("只支持 SQLite 文件和 PostgreSQL 数据库", where)
    store = Store(engine, where)
    try:
        with store.begin() as conn:
            migrate(conn, where)
    except BaseException:
        engine.dispose()
        raise
    return store


def _where(url: str) -> str:
    """The database as shown to people: the file, or the URL without its password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _sqlite_engine(url: str, database: str | None, timeout: float) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).parent
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise GongkaiError(
                    f"无法创建数据库所在的目录（{exc.strerror}）", database
                ) from None
        if Path(database).is_dir():
            raise GongkaiError("这是一个目录，不是数据库文件", database)
    engine = create_engine(url, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cur.execute("PRAGMA cache_size=-32768")  # 32 MB of pages: listings re-read few from disk
        cur.close()

    return engine


def migrate(conn: Connection, where: str) -> None:
    """Bring the schema to this version's head; refuse a newer or a foreign database."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    known = ScriptDirectory.from_config(config)
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        foreign = set(inspect(conn).get_table_names()) - {"alembic_version"}
        if foreign:
            shown = "、".join(sorted(foreign)[:5])
            raise GongkaiError(
                f"这不是 gongkai 的数据库（其中已有其他表格：{shown}），不会写入", where
            )
    elif current not in {s.revision for s in known.walk_revisions()}:
        raise GongkaiError(
            f"数据库由更新版本的 gongkai 创建（数据库结构版本 {current}），"
            "当前版本无法使用它；请升级 gongkai 后再打开",
            where,
        )
    if current != known.get_current_head():
        if conn.dialect.name == "sqlite":
            conn.execute(text("PRAGMA journal_mode=WAL"))  # readers never wait for the writer
        command.upgrade(config, "head")


@contextlib.contextmanager
def errors(where: str) -> Iterator[None]:
    """Database failures as GongkaiError with a Chinese message naming the database."""
    try:
        yield
    except GongkaiError:
        raise
    except DBAPIError as exc:
        raise GongkaiError(_message(exc), where) from None
    except SQLAlchemyError as exc:
        raise GongkaiError(f"数据库操作失败（{type(exc).__name__}）", where) from None


def _message(exc: DBAPIError) -> str:
    text_ = str(exc.orig).lower()
    if "file is not a database" in text_ or "malformed" in text_:
        return "数据库文件已损坏或不是 SQLite 数据库文件，未作任何修改"
    if "database is locked" in text_ or "database table is locked" in text_:
        return "数据库文件正被其他程序写入（已锁定），请等它完成或关闭它后再试；本次未写入任何内容"
    if "unable to open database file" in text_ or "readonly database" in text_:
        return "无法打开或写入数据库文件（没有权限，或所在目录不可用）"
    if "disk" in text_ and ("full" in text_ or "i/o" in text_):
        return "数据库写入失败：磁盘已满或读写出错；本次未写入的内容没有保存"
    if "does not exist" in text_ and "database" in text_:
        return f"PostgreSQL 中没有这个数据库，请先创建它（{_first_line(exc)}）"
    if exc.connection_invalidated or "connect" in text_ or "connection" in text_:
        return (
            "无法连接 PostgreSQL 数据库：服务器没有运行，或地址、端口、数据库名、用户名、密码有误"
            f"（{_first_line(exc)}）"
        )
    return f"数据库操作失败（{_first_line(exc)}）"


def _first_line(exc: DBAPIError) -> str:
    line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
    return line[:200]


@cache
def reader_version() -> str:
    """This gongkai's version plus a digest of the code that reads reports: a re-read is worth
    doing exactly when this changes."""
    from .. import __version__

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for part in ("readers", "extract"):
        for f in sorted((root / part).rglob("*.py")):
            digest.update(f.read_bytes())
    for name in ("templates.py", "model.py", "report.py", "api.py"):
        digest.update((root / name).read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
