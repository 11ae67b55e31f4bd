"""Small helpers for the browser journeys: screenshots and logging in as a seeded account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seed import ACCOUNTS, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def login(page: Any, role: str, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#email", ACCOUNTS[role])
    page.fill("#password", PASSWORD)
    page.click("form[action='/api/v1/auth/session'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
