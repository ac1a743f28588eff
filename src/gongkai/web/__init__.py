"""The web app: ``create_app(store)`` gives a Starlette (ASGI) application; ``gongkai serve``
runs it with uvicorn."""

from __future__ import annotations

from .app import Limits, create_app

__all__ = ["Limits", "create_app"]
