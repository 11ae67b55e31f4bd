"""An ASGI entry point for process managers (`uvicorn kasuhara.web.asgi:app`): settings from the environment."""

from __future__ import annotations

from kasuhara.web.app import create_app

app = create_app()
