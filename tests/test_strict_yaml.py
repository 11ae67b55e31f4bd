"""Every YAML file the package reads goes through one strict reader: a duplicate key is an error, never
a silently dropped value."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from kasuhara.errors import InputError
from kasuhara.strict_yaml import strict_load
from kasuhara.validation import read_mapping_file


def test_a_duplicate_key_is_an_error_naming_its_line() -> None:
    with pytest.raises(yaml.YAMLError, match=r"(?s)duplicate key .limit.*line 3"):
        strict_load("name: 東京本店\nlimit: 30\nlimit: 60\n")


def test_a_duplicate_key_inside_a_nested_mapping_is_an_error_too() -> None:
    with pytest.raises(yaml.YAMLError, match="duplicate key"):
        strict_load("thresholds:\n  time_limit_minutes: 30\n  time_limit_minutes: 45\n")


def test_only_safe_tags() -> None:
    with pytest.raises(yaml.YAMLError):
        strict_load("!!python/object/apply:os.system ['true']\n")


def test_every_packaged_yaml_file_reads_strictly() -> None:
    root = Path(str(resources.files("kasuhara")))
    files = sorted(root.rglob("*.yaml"))
    assert any("knowledge" in f.parts for f in files) and any("documents" in f.parts for f in files)
    for path in files:
        assert strict_load(path.read_text(encoding="utf-8")) is not None, path


def test_a_settings_file_with_a_duplicate_key_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text("time_limit_minutes: 30\ntime_limit_minutes: 90\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_mapping_file(path, field="company")
    assert "duplicate key" in caught.value.text("en") and "形式が不正です" in caught.value.text("ja")
