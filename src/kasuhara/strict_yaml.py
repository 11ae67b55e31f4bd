"""The one strict YAML reader of every file the package reads: safe tags only, and a duplicate key is a
`yaml.YAMLError` with its line (PyYAML alone keeps the last value silently). Shared by the core's data
(knowledge, interview, screener rules) and the adapters' data and user files (settings, scopes, live
policy, documents' data), so no file can be read loosely."""

from __future__ import annotations

from typing import Any

import yaml

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader (the C parser where built) that refuses duplicate keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_mapping(node, deep=deep))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strict_load(text: str) -> Any:
    """Parse YAML text strictly: safe tags only, a duplicate key is an error naming its line."""
    return yaml.load(text, Loader=_StrictLoader)
