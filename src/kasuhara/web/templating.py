"""Rendering server-side pages: one Jinja2 environment, one `render` for every area.

Why one place: every page must get the same things without each router remembering them —
the translator `t` in the page's language, the language switch, the CSRF token for forms,
the signed-in user, the navigation that user may see, and one-shot flash messages.

Other areas (consultation desk, documents) call `render(request, "desk/x.html", {...})` with
templates that `{% extends "base.html" %}` (blocks are documented at the top of base.html) and
add navigation by exposing `NAV_ITEMS` in their `kasuhara/web/pages/<area>.py` module.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kasuhara.web.i18n import LANG_COOKIE, LANGS, Translator, choose_lang

TEMPLATES_DIR = Path(str(resources.files("kasuhara.web") / "templates"))
FLASH_COOKIE = "flash"
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrf_token"
_FLASH_KEY = re.compile(r"^[a-z0-9_.]{1,80}$")
_FLASH_LEVELS = ("info", "success", "warning", "error")


@dataclass(frozen=True)
class NavItem:
    """One entry of the top navigation: a catalogue key, a path, who sees it, where it sits."""

    key: str
    href: str
    roles: tuple[str, ...] = ()  # empty: everyone, signed in or not
    order: int = 100
    signed_in: bool = False  # shown only when signed in (any role) if roles is empty


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment (autoescaped HTML, undefined variables are errors)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "svg", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


@lru_cache(maxsize=1)
def nav_items() -> tuple[NavItem, ...]:
    """Every `NAV_ITEMS` of every pages module, by order (discovered like the routers)."""
    import kasuhara.web.pages as pages_package

    items: list[NavItem] = []
    for info in pkgutil.iter_modules(pages_package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kasuhara.web.pages.{info.name}")
        found = getattr(module, "NAV_ITEMS", ())
        items.extend(item for item in found if isinstance(item, NavItem))
    return tuple(sorted(items, key=lambda item: (item.order, item.href)))


def request_lang(request: Request) -> str:
    """The page language: `?lang=`, then the cookie, then Japanese."""
    return choose_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def translator(request: Request) -> Translator:
    return Translator(request_lang(request))


def current_user(request: Request) -> Any | None:
    """The signed-in user: what the auth dependency put on `request.state.user`, or, for a page
    that did not ask for it, looked up from the session cookie here (so the navigation and the
    CSRF token are the same on every page)."""
    if hasattr(request.state, "user"):
        return request.state.user
    request.state.user = _user_from_cookie(request)
    return request.state.user


def _user_from_cookie(request: Request) -> Any | None:
    settings = getattr(request.app.state, "settings", None)
    factory = getattr(request.app.state, "session_factory", None)
    if settings is None or factory is None:
        return None
    cookie = request.cookies.get(settings.session_cookie_name)
    if not cookie:
        return None
    from kasuhara.services import auth as auth_service

    with factory() as session:
        found = auth_service.session_user(session=session, token=cookie, secret_key=settings.secret_key)
        if found is None:
            return None
        user, web_session = found
        request.state.csrf_token = web_session.csrf_token
        session.expunge(user)
        return user


def user_roles(user: Any | None) -> tuple[str, ...]:
    if user is None:
        return ()
    role = getattr(user, "role", None)
    roles = getattr(user, "roles", None)
    if isinstance(roles, Sequence) and not isinstance(roles, str):
        return tuple(str(r) for r in roles)
    return (str(role),) if role else ()


def visible_nav(user: Any | None) -> list[NavItem]:
    roles = set(user_roles(user))
    out: list[NavItem] = []
    for item in nav_items():
        if item.roles:
            if roles & set(item.roles):
                out.append(item)
        elif not item.signed_in or user is not None:
            out.append(item)
    return out


def csrf_token(request: Request) -> str:
    """The CSRF token to put in every form (double-submit: the same value is in a cookie).

    An auth layer that keeps its own token sets `request.state.csrf_token`; we use that.
    """
    token = getattr(request.state, "csrf_token", None)
    if isinstance(token, str) and token:
        return token
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and re.fullmatch(r"[A-Za-z0-9_\-]{20,100}", existing):
        request.state.csrf_token = existing
        return existing
    fresh = secrets.token_urlsafe(32)
    request.state.csrf_token = fresh
    request.state.csrf_new = True
    return fresh


def check_csrf(request: Request, submitted: str | None) -> bool:
    """True when the form's token matches the cookie (or the auth layer's token)."""
    expected = getattr(request.state, "csrf_token", None) or request.cookies.get(CSRF_COOKIE)
    return bool(submitted and expected and secrets.compare_digest(str(submitted), str(expected)))


def flash(response: Response, key: str, level: str = "success") -> None:
    """Show the catalogue text `key` once on the next page (only keys travel, never text)."""
    if not _FLASH_KEY.match(key) or level not in _FLASH_LEVELS:
        raise ValueError(f"bad flash key or level: {key!r} {level!r}")
    response.set_cookie(FLASH_COOKIE, f"{level}:{key}", max_age=120, httponly=True, samesite="lax", path="/")


def _read_flash(request: Request, t: Translator) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE, "")
    level, _, key = raw.partition(":")
    if level in _FLASH_LEVELS and _FLASH_KEY.match(key) and t.has(key):
        return [{"level": level, "text": t(key)}]
    return []


def lang_switch_links(request: Request, current: str) -> list[dict[str, str]]:
    """One link per other language, to the same page with `?lang=`."""
    links = []
    for lang in LANGS:
        params = dict(request.query_params)
        params["lang"] = lang
        query = "&".join(f"{k}={_quote(v)}" for k, v in params.items())
        links.append({"lang": lang, "href": f"{request.url.path}?{query}", "current": str(lang == current)})
    return links


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render `template` with the common context and remember the language choice."""
    t = translator(request)
    user = current_user(request)  # before the CSRF token: a signed-in user's forms carry the session's
    common: dict[str, Any] = {
        "request": request,
        "t": t,
        "lang": t.lang,
        "langs": LANGS,
        "lang_links": lang_switch_links(request, t.lang),
        "user": user,
        "user_roles": user_roles(user),
        "nav": visible_nav(user),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "flashes": _read_flash(request, t),
        "current_path": request.url.path,
    }
    common.update(context or {})
    html = environment().get_template(template).render(common)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    finish(request, response)
    if request.cookies.get(FLASH_COOKIE):
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def finish(request: Request, response: Response) -> None:
    """Persist the language switch and a freshly made CSRF token on any page response."""
    query_lang = request.query_params.get("lang")
    secure = _secure_cookies(request)
    if query_lang in LANGS and request.cookies.get(LANG_COOKIE) != query_lang:
        response.set_cookie(LANG_COOKIE, str(query_lang), max_age=365 * 24 * 3600, samesite="lax", path="/",
                            secure=secure)
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            CSRF_COOKIE, request.state.csrf_token, httponly=True, samesite="strict", path="/", secure=secure
        )


def _secure_cookies(request: Request) -> bool:
    """Secure cookies in production (the session cookie's rule, `Settings.cookie_secure`)."""
    settings = getattr(request.app.state, "settings", None)
    return bool(getattr(settings, "cookie_secure", False))


def redirect(url: str, *, key: str | None = None, level: str = "success") -> RedirectResponse:
    """303 See Other after a POST (post/redirect/get), optionally with a flash message."""
    response = RedirectResponse(url, status_code=303)
    if key:
        flash(response, key, level)
    return response
