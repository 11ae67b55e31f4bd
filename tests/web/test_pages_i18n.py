"""The message catalogues: complete in both languages, merged strictly, and chosen as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kasuhara.web.i18n import (
    CatalogueError,
    Translator,
    catalogue,
    choose_lang,
    load_catalogue_from,
    missing_keys,
)


def test_every_key_exists_in_both_languages() -> None:
    assert missing_keys() == {}


def test_japanese_is_default_and_query_beats_cookie() -> None:
    assert choose_lang(None, None) == "ja"
    assert choose_lang(None, "en") == "en"
    assert choose_lang("ja", "en") == "ja"
    assert choose_lang("en-US", None) == "en"
    assert choose_lang("fr", "xx") == "ja"


def test_catalogues_are_not_identical_between_languages() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    assert ja["app.name"] != en["app.name"]
    assert Translator("en")("app.login") == "Log in"
    assert Translator("ja")("app.login") == "ログイン"


def test_duplicate_key_across_area_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"x": {"y": "one"}}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"x.y": "two"}), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue_from(tmp_path)
    assert "a.json" in info.value.text("en") and "b.json" in info.value.text("en")


def test_non_string_leaf_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"x": 3}), encoding="utf-8")
    with pytest.raises(CatalogueError):
        load_catalogue_from(tmp_path)


def test_missing_key_shows_the_key_and_params_format() -> None:
    t = Translator("en")
    assert t("no.such.key") == "no.such.key"
    assert t("app.name", unused=1) == "Customer Harassment Response"
