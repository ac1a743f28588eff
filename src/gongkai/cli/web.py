"""``gongkai serve`` (the web app) and ``gongkai user`` (its accounts)."""

from __future__ import annotations

import secrets

import click

from ..errors import GongkaiError
from ..store.users import ROLES, add_user, has_users, list_users
from .common import fail_on, say, table
from .store import db_options, open_db


@click.command()
@db_options
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址。")
@click.option("--port", default=8000, type=click.IntRange(1, 65535), show_default=True)
@click.option(
    "--public",
    is_flag=True,
    help="未登录的访问者也可以只读浏览（默认必须登录）。",
)
@click.option(
    "--https-only", is_flag=True, help="会话 Cookie 只经 HTTPS 发送（在 HTTPS 代理之后运行时）。"
)
def serve_command(
    db: str | None, db_timeout: float | None, host: str, port: int, public: bool, https_only: bool
) -> None:
    """启动网页应用：总览、报告、对比、汇总、上传、整改通知、管理。

    第一次启动且还没有用户时，创建管理员 admin 并显示其初始密码。
    """
    import uvicorn

    from ..web import create_app

    store = open_db(db, db_timeout)
    try:
        if not has_users(store):
            password = secrets.token_urlsafe(9)
            add_user(store, "admin", password, "admin", actor="gongkai serve")
            say(f"已创建管理员账户：用户名 admin，初始密码 {password} （请登录后在“管理”页修改）")
        app = create_app(store, anonymous=public, https_only=https_only)
    except GongkaiError as exc:
        fail_on(exc)
    shown = f"[{host}]" if ":" in host else host
    say(f"gongkai 网页应用已启动：http://{shown}:{port}/  数据库：{store.where}（按 Ctrl+C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group()
def user_group() -> None:
    """网页应用的用户：添加、列出。"""


@user_group.command("add")
@db_options
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), required=True, help="角色。")
@click.option("--region", default=None, help="监督检查用户所辖地区（如 江苏省/淮安市）。")
@click.option("--body", default=None, help="填报单位用户所属单位。")
@click.password_option("--password", help="密码（不给出时提示输入）。")
def user_add(
    db: str | None,
    db_timeout: float | None,
    name: str,
    role: str,
    region: str | None,
    body: str | None,
    password: str,
) -> None:
    """添加一个用户。"""
    store = open_db(db, db_timeout)
    try:
        made = add_user(store, name, password, role, region=region, body=body, actor="cli")
    except GongkaiError as exc:
        fail_on(exc)
    say(f"已添加用户 {made.name}（{made.role_label}）")


@user_group.command("list")
@db_options
def user_list(db: str | None, db_timeout: float | None) -> None:
    """列出用户。"""
    store = open_db(db, db_timeout, create=False)
    rows = [
        [u.name, u.role_label, u.region or "", u.body or "", "是" if u.active else "否"]
        for u in list_users(store)
    ]
    table("用户", ["用户名", "角色", "地区", "单位", "启用"], rows)
