"""Serves `kasuhara/web/static/` at `/static/` from the app itself (no CDN, no network at run time).

A plain route rather than a Starlette mount because page modules are included with
`include_router`, which keeps routes but drops mounts. Paths are resolved inside the static
folder only; anything else is a 404.
"""

from __future__ import annotations

import mimetypes
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(str(resources.files("kasuhara.web") / "static")).resolve()

router = APIRouter(include_in_schema=False)

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("image/svg+xml", ".svg")


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    """One file under the static folder, cached for an hour (vendor files are versioned by npm)."""
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        raise HTTPException(status_code=404)
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})
