"""The `kasuhara` command.

Each command group lives in its own module in this package and exposes
`register(subparsers)`; they are found by discovery so that groups never edit a shared file.
Errors from the core become exit code 2 with a message in the user's language, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import kasuhara.cli as cli_package
from kasuhara import __version__
from kasuhara.errors import KasuharaError

EXIT_USAGE = 2


def user_lang(argv: Sequence[str]) -> str:
    """`--lang en` anywhere on the line, else KASUHARA_LANG, else Japanese."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "ja"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "ja"
    return "en" if os.environ.get("KASUHARA_LANG", "ja") == "en" else "ja"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kasuhara",
        description="カスタマーハラスメント対策システム / customer-harassment prevention and handling",
    )
    parser.add_argument("--version", action="version", version=f"kasuhara {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if info.name in {"main", "__main__"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kasuhara.cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = user_lang(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code = handler(args)
    except KasuharaError as exc:
        prefix = "エラー" if lang != "en" else "error"
        print(f"{prefix}: {exc.text(lang)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
