"""A private, throwaway PostgreSQL cluster for tests.

The cluster lives in a temp dir, listens only on a unix socket there, and is stopped and removed
by ``stop()``. When the tests run as root, the server runs as the ``postgres`` system user
(``initdb`` refuses root), through ``runuser``.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url as parse_url

DEBIAN_BINDIRS = Path("/usr/lib/postgresql")
MAIN_DATABASE = "gongkai_test"
SUPERUSER = "postgres"
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresUnavailable(RuntimeError):
    """PostgreSQL binaries (or the system user to run them as root) are missing."""


def find_bindir() -> Path:
    """The directory with initdb, pg_ctl and postgres: newest Debian version, else PATH."""
    candidates: list[tuple[int, Path]] = []
    for bindir in DEBIAN_BINDIRS.glob("*/bin"):
        version = bindir.parent.name
        if version.isdigit() and (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            candidates.append((int(version), bindir))
    if candidates:
        return max(candidates)[1]
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        bindir = Path(os.path.realpath(initdb)).parent
        if (bindir / "pg_ctl").is_file() and (bindir / "postgres").is_file():
            return bindir
    raise PostgresUnavailable(
        f"PostgreSQL server binaries not found: no initdb/pg_ctl under {DEBIAN_BINDIRS}/*/bin "
        "nor on PATH. Install the Debian package 'postgresql' (scripts/setup.sh does this)."
    )


def free_port() -> int:
    """A port number free on loopback (only used to name the unix socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_user() -> pwd.struct_passwd:
    """The system user that runs the server when the tests run as root."""
    if shutil.which("runuser") is None:
        raise PostgresUnavailable("running the tests as root needs 'runuser' (util-linux)")
    try:
        return pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise PostgresUnavailable(
            "running the tests as root needs the 'postgres' system user "
            "(created by the Debian package 'postgresql')"
        ) from None


def make_url(database: str, host: str | Path, port: int) -> str:
    return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={host}&port={port}"


class Cluster:
    """A running private cluster. Use ``start()``; always call ``stop()``."""

    def __init__(self, bindir: Path, root: Path, port: int, as_postgres: bool) -> None:
        self.bindir = bindir
        self.root = root
        self.datadir = root / "data"
        self.socket_dir = root
        self.logfile = root / "server.log"
        self.port = port
        self.as_postgres = as_postgres
        self.running = False
        self.pid: int | None = None

    @classmethod
    def start(cls) -> Cluster:
        bindir = find_bindir()
        as_postgres = os.geteuid() == 0
        owner = _postgres_user() if as_postgres else None
        root = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
        if owner is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        cluster = cls(bindir, root, free_port(), as_postgres)
        atexit.register(cluster.stop)
        try:
            cluster._init_and_start()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _cmd(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", SUPERUSER, "--"] if self.as_postgres else []
        return [*prefix, str(self.bindir / args[0]), *args[1:]]

    def _run(self, *args: str) -> None:
        # cwd=root: the postgres user may not be able to read the caller's cwd.
        proc = subprocess.run(
            self._cmd(*args),
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}{log}"
            )

    def _init_and_start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses='' -k '{self.socket_dir}' -p {self.port} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )
        # -l: the server must not inherit our stdout/stderr pipes.
        self.running = True  # from here on stop() must try pg_ctl stop
        self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir), "-l", str(self.logfile),
            "-o", options,
        )  # fmt: skip
        self.pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(MAIN_DATABASE)))

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(statement)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``gongkai_test`` database."""
        return self.url_for(MAIN_DATABASE)

    def url_for(self, database: str) -> str:
        return make_url(database, self.socket_dir, self.port)

    def fresh_database(self, name: str | None = None) -> str:
        """Create a new empty database and return its URL (name: lower-case identifier)."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        if not _NAME_RE.fullmatch(name):
            raise ValueError(f"bad database name {name!r}")
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name_or_url: str) -> None:
        """Drop a database (by name or URL), closing any connections still open to it."""
        name = parse_url(name_or_url).database if "://" in name_or_url else name_or_url
        assert name
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server at once and remove the temp dir. Safe to call twice."""
        if self.running:
            self.running = False
            subprocess.run(
                self._cmd("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.datadir)),
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=60,
                check=False,
            )
            if self.pid is not None:
                _wait_dead(self.pid)
        shutil.rmtree(self.root, ignore_errors=True)
        atexit.unregister(self.stop)


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_dead(pid: int, timeout: float = 10.0, reap_timeout: float = 3.0) -> None:
    """Wait for the postmaster to exit (kill it if pg_ctl stop did not), then to be reaped.

    pg_ctl daemonizes the server, so PID 1 reaps it, not us; until then it shows as a
    ``<defunct>`` zombie (about a second on this machine). Waiting keeps ``pgrep`` clean.
    """
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    deadline = time.monotonic() + reap_timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
