"""Every API router is either reachable by some token scope or closed to tokens on purpose: a new router
(screening suggestions, live calls) must not silently refuse every integration with 403."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi.routing import APIRoute

import kasuhara.web.api as api_package
from kasuhara.services.scopes import catalogue

CLOSED_TO_TOKENS = {"desk access"}
"""Granting the desk role takes two people in a browser session; no integration may do it."""


def test_every_api_tag_is_covered_by_a_scope_or_closed_on_purpose() -> None:
    scopes = catalogue()
    tags: set[str] = set()
    for info in pkgutil.iter_modules(api_package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kasuhara.web.api.{info.name}")
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                tags.update(str(t) for t in route.tags)
    uncovered = sorted(t for t in tags - CLOSED_TO_TOKENS if scopes.required([t], "GET") is None
                       and t not in scopes.open_tags)
    assert uncovered == []
