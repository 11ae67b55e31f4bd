"""Japanese fonts for the PDF writer: IPAex (TrueType outlines, so reportlab can embed a subset).

The fonts come from Debian's `fonts-ipaexfont` (scripts/install_system.sh installs it); a font
folder can be named with KASUHARA_FONT_DIR. Noto CJK is not used: its CFF outlines cannot be
embedded by reportlab, and a PDF that relies on the reader's fonts shows tofu on many machines.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kasuhara.errors import KasuharaError, Message

MINCHO = "IPAexMincho"
GOTHIC = "IPAexGothic"
MONO = "DejaVuSansMono"
"""Fixed-width face for hashes and file names (Debian fonts-dejavu-core); ASCII text only."""
_MONO_DIRS = ("/usr/share/fonts/truetype/dejavu",)
_FILES = {MINCHO: "ipaexm.ttf", GOTHIC: "ipaexg.ttf"}
_DIRS = (
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/ipaexfont",
    "/usr/share/fonts/opentype/ipaexfont",
    "/usr/local/share/fonts",
)


class FontMissingError(KasuharaError):
    """No embeddable Japanese font: say how to install one instead of printing tofu."""


def find_font(filename: str) -> Path:
    dirs = [os.environ["KASUHARA_FONT_DIR"]] if os.environ.get("KASUHARA_FONT_DIR") else []
    dirs.extend(_DIRS)
    for d in dirs:
        candidate = Path(d) / filename
        if candidate.is_file():
            return candidate
    raise FontMissingError(
        Message(
            f"日本語フォント {filename} が見つかりません。scripts/install_system.sh を実行するか"
            " KASUHARA_FONT_DIR を指定してください。",
            f"Japanese font {filename} not found: run scripts/install_system.sh or set KASUHARA_FONT_DIR.",
        )
    )


@cache
def register_fonts() -> tuple[str, str]:
    """Register IPAex Mincho (body) and Gothic (headings, bold) once per process."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(find_font(filename))))
    # IPAex has no bold weight: bold text is set in Gothic, as Japanese documents usually do.
    addMapping(MINCHO, 0, 0, MINCHO)
    addMapping(MINCHO, 1, 0, GOTHIC)
    addMapping(MINCHO, 0, 1, MINCHO)
    addMapping(MINCHO, 1, 1, GOTHIC)
    addMapping(GOTHIC, 0, 0, GOTHIC)
    addMapping(GOTHIC, 1, 0, GOTHIC)
    addMapping(GOTHIC, 0, 1, GOTHIC)
    addMapping(GOTHIC, 1, 1, GOTHIC)
    return MINCHO, GOTHIC


@cache
def mono_font() -> str:
    """The registered fixed-width font, or Gothic where DejaVu Sans Mono is not installed."""
    register_fonts()
    dirs = [os.environ["KASUHARA_FONT_DIR"]] if os.environ.get("KASUHARA_FONT_DIR") else []
    for d in (*dirs, *_MONO_DIRS):
        candidate = Path(d) / "DejaVuSansMono.ttf"
        if candidate.is_file():
            pdfmetrics.registerFont(TTFont(MONO, str(candidate)))
            return MONO
    return GOTHIC
