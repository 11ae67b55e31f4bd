"""The start page: the guided judgment first, because a clerk mid-incident needs it fastest."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kasuhara.web.templating import NavItem, render

router = APIRouter(include_in_schema=False)

NAV_ITEMS = [NavItem(key="nav.home", href="/", order=0)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html")
