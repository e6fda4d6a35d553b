"""Find a CJK font to embed in PDFs and start fpdf2 documents that use it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from fontTools.ttLib import TTCollection
from fpdf import FPDF

# Environment variable naming a font file (.ttf/.otf/.ttc) to use instead of the search.
FONT_ENV: Final = "REDVEST_CJK_FONT"
# Debian package providing the preferred font.
FONT_PACKAGE: Final = "fonts-noto-cjk"
FAMILY: Final = "cjk"
# Searched in order; the first file that exists is used.
KNOWN_FONTS: Final = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Fedora
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # older Fedora
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
)


class FontMissingError(FileNotFoundError):
    """No CJK font was found; the message says what to install."""


@dataclass(frozen=True)
class CjkFont:
    """A font file and, for a collection (.ttc), the face of Simplified Chinese."""

    path: Path
    index: int


@lru_cache(maxsize=4)
def find_cjk_font(override: str | None = None) -> CjkFont:
    """The CJK font to embed: ``override``, else ``$REDVEST_CJK_FONT``, else a known path.

    Parameters
    ----------
    override : str, optional
        A font file path.

    Returns
    -------
    CjkFont
        With the Simplified Chinese face of a collection.

    Raises
    ------
    FontMissingError
        Naming the Debian package to install.
    """
    chosen = override or os.environ.get(FONT_ENV, "")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise FontMissingError(f"{FONT_ENV}={chosen}: no such font file")
        return CjkFont(path, _sc_face(path))
    for known in map(Path, KNOWN_FONTS):
        if known.is_file():
            return CjkFont(known, _sc_face(known))
    raise FontMissingError(
        f"no Chinese font found; install the Debian package {FONT_PACKAGE} "
        f"(apt-get install {FONT_PACKAGE}) or set {FONT_ENV} to a .ttf/.otf/.ttc file"
    )


def _sc_face(path: Path) -> int:
    """Index of the Simplified Chinese face in a collection; 0 for a single font."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    names = [font["name"].getDebugName(1) or "" for font in TTCollection(str(path)).fonts]
    for i, name in enumerate(names):
        if name.endswith((" SC", " CN", " GB")):
            return i
    return 0


def new_pdf(
    orientation: Literal["portrait", "landscape"] = "portrait", font: CjkFont | None = None
) -> FPDF:
    """An A4 fpdf2 document whose only font is the embedded CJK font (family ``cjk``).

    Parameters
    ----------
    orientation : {"portrait", "landscape"}
        Page orientation.
    font : CjkFont, optional
        Default ``find_cjk_font()``.

    Returns
    -------
    FPDF
        With the regular style of family ``cjk`` selected.
    """
    font = font or find_cjk_font()
    pdf = FPDF(orientation="L" if orientation == "landscape" else "P", unit="mm", format="A4")
    pdf.set_creator("redvest")
    pdf.add_font(FAMILY, "", str(font.path), collection_font_number=font.index)
    pdf.set_font(FAMILY, size=10)
    pdf.set_auto_page_break(auto=True, margin=12)
    return pdf
