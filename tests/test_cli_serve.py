"""``gongkai serve`` and ``gongkai user`` as a person runs them: the real program on a real
port — the first start creates the admin account and prints its password and the address,
the app answers there, and the password logs in; ``gongkai user add`` adds an account."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from pg import free_port
from web_util import csrf_of

from gongkai.cli import main
from gongkai.store import open_store
from gongkai.store.users import authenticate

GONGKAI = Path(sys.executable).with_name("gongkai")


def test_serve_creates_the_admin_and_prints_its_address(tmp_path: Path) -> None:
    db, port = tmp_path / "gongkai.db", free_port()
    proc = subprocess.Popen(
        [str(GONGKAI), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        password = re.search(r"初始密码 (\S+)", lines[0])
        assert password, lines
        assert f"http://127.0.0.1:{port}/" in lines[1]
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False)
        for _ in range(100):
            try:
                page = client.get("/login")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert page.status_code == 200 and "登录" in page.text
        answer = client.post(
            "/login",
            data={"name": "admin", "password": password.group(1), "csrf_token": csrf_of(page.text)},
        )
        assert answer.status_code == 303
        assert client.get("/overview").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)
    # A second start creates no second admin and prints no password.
    again = subprocess.Popen(
        [str(GONGKAI), "serve", "--db", str(db), "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert again.stdout is not None
        assert "已启动" in again.stdout.readline()
    finally:
        again.terminate()
        again.wait(10)


def test_user_add_and_list(tmp_path: Path) -> None:
    db = str(tmp_path / "gongkai.db")
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["user", "add", "zhang", "--role", "supervisor", "--region", "江苏省", "--db", db],
        input="mima-12345678\nmima-12345678\n",
    )
    assert added.exit_code == 0, added.output
    assert "已添加用户 zhang（监督检查）" in added.output
    user = authenticate(open_store(db), "zhang", "mima-12345678")
    assert user is not None and user.region == "江苏省" and user.role == "supervisor"
    listed = runner.invoke(main, ["user", "list", "--db", db])
    assert "zhang" in listed.output and "江苏省" in listed.output
    short = runner.invoke(
        main, ["user", "add", "li", "--role", "viewer", "--db", db], input="short\nshort\n"
    )
    assert short.exit_code == 1 and "密码至少 8 个字符" in short.output
    nobody = runner.invoke(
        main,
        ["user", "add", "wang", "--role", "agency", "--body", "不存在局", "--db", db],
        input="mima-12345678\nmima-12345678\n",
    )
    assert nobody.exit_code == 1 and "没有名为“不存在局”的单位" in nobody.output
