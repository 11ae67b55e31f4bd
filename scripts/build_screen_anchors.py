"""Write the screener's anchor cache (`src/kasuhara/screen/data/anchors.json`).

    .venv/bin/python scripts/build_screen_anchors.py

Deriving the literal anchors from ~50 large rule patterns takes about half a second; the cache
makes loading fast. It carries a digest of the patterns, so a stale cache is simply ignored (and
`tests/screen/test_rules.py` fails until this script is run again).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kasuhara.screen.rules import ANCHOR_CACHE, RuleSet, _packaged_rules, rules_digest  # noqa: E402


def main() -> int:
    rules = _packaged_rules()
    cache = {"digest": rules_digest(rules), "anchors": RuleSet(rules).anchors()}
    path = ROOT / "src" / "kasuhara" / "screen" / "data" / ANCHOR_CACHE
    path.write_text(json.dumps(cache, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(rules)} rules)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
