"""Table definitions, one module per domain concept.

Importing this package imports every module in it, so `Base.metadata` is complete for
Alembic and for tests, without a hand-kept list that concepts would have to edit.
"""

from __future__ import annotations

import importlib
import pkgutil


def import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


import_all()
