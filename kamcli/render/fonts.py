"""Which font file the PDF report embeds, and text made printable with it.

A PDF must embed its fonts, and Chinese needs a CJK font that we do not ship. So the font is
chosen in order: an explicit --font PATH, the KAM_FONT variable, then well-known installed
fonts (and fontconfig for Chinese). English still works with nothing installed: it falls back
to the PDF core font Helvetica, and `printable` replaces what Latin-1 cannot show.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamcli.errors import MissingFeatureError, msg

FONT_ENV = "KAM_FONT"
FAMILY = "report"
CORE_FAMILY = "helvetica"
FALLBACK_FAMILY = "report-cjk"
CJK_PROBE = ord("中")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
COLLECTION_SUFFIXES = (".ttc", ".otc")
REPLACEMENT = "?"
FC_LIST_TIMEOUT = 10.0

# File-name patterns (lower case) in order of preference; the first installed one wins.
CJK_FONT_NAMES = (
    "notosanscjksc-regular.otf",
    "notosanssc-regular.*",
    "notosanscjk-regular.ttc",
    "sourcehansanssc-regular.otf",
    "sourcehansans-regular.ttc",
    "sourcehansanscn-regular.otf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "msyh.ttc",
    "msyh.ttf",
    "simhei.ttf",
    "simsun.ttc",
    "hiragino sans gb.ttc",
    "stheiti light.ttc",
    "songti.ttc",
    "arial unicode.ttf",
    "arialuni.ttf",
)
LATIN_FONT_NAMES = (
    "dejavusans.ttf",
    "liberationsans-regular.ttf",
    "notosans-regular.ttf",
    "opensans-regular.ttf",
    "freesans.ttf",
    "arial.ttf",
    "segoeui.ttf",
    "verdana.ttf",
)
# A collection holds several faces; for Chinese the Simplified one reads right.
_SIMPLIFIED_MARKS = (" sc", " gb", " cn", "simplified", "yahei", "wenquanyi micro hei")

# Punctuation a Latin-1 font lacks, spelled with characters it has.
_LATIN1_SPELLING = {
    "—": "-",
    "–": "-",
    "−": "-",
    "‐": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "\u00a0": " ",
}
# Invisible joiners and variation selectors: drop them instead of printing a "?".
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"} | {
    chr(c) for c in range(0xFE00, 0xFE10)
}


def needs_cjk(lang: str) -> bool:
    return lang.lower().startswith("zh")


def font_dirs() -> list[Path]:
    """Where Linux, macOS and Windows keep fonts, the user's own first."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    windows = Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts"
    return [
        data_home / "fonts",
        home / ".fonts",
        home / "Library" / "Fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        windows,
    ]


def _font_files(directories: Iterable[Path]) -> dict[str, Path]:
    """Every font file under the directories by lower-case name; the first seen is kept."""
    found: dict[str, Path] = {}
    for directory in directories:
        try:
            if not directory.is_dir():
                continue
        except OSError:  # e.g. ~/.local/share that cannot be read: look elsewhere
            continue
        for root, _dirs, files in os.walk(directory):
            for name in sorted(files):
                if name.lower().endswith(FONT_SUFFIXES):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a folder on the way cannot be read
        return False


def _first_match(files: dict[str, Path], patterns: Iterable[str]) -> Path | None:
    for pattern in patterns:
        matches = sorted(name for name in files if fnmatch.fnmatchcase(name, pattern))
        if matches:
            return files[matches[0]]
    return None


def _fontconfig_cjk() -> Path | None:
    """A Chinese font fontconfig knows about: sans before serif, regular before bold."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh", "-f", "%{file}\n"],
            capture_output=True,
            text=True,
            timeout=FC_LIST_TIMEOUT,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    paths = {Path(line.strip()) for line in listing.splitlines() if line.strip()}
    usable = [p for p in paths if p.suffix.lower() in FONT_SUFFIXES and _is_file(p)]

    def rank(path: Path) -> tuple[bool, bool, bool, str]:
        name = path.name.lower()
        return ("bold" in name, "serif" in name or "mono" in name, "sans" not in name, name)

    return min(usable, key=rank, default=None)


def installed_font(lang: str) -> Path | None:
    """The best installed font for `lang` (a CJK one for Chinese), or None."""
    files = _font_files(font_dirs())
    if needs_cjk(lang):
        return _first_match(files, CJK_FONT_NAMES) or _fontconfig_cjk()
    return _first_match(files, LATIN_FONT_NAMES)


def _given(path: Path, source: str) -> Path:
    if not path.is_file():
        raise MissingFeatureError(msg("errors_render.font_not_found", path=path, source=source))
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise MissingFeatureError(msg("errors_render.font_suffix", path=path, source=source))
    return path


def find_font(lang: str, explicit: Path | None) -> Path | None:
    """The font file to embed; None means "use the core Helvetica" (English only).

    Raises MissingFeatureError when a font named by --font or KAM_FONT does not exist, and
    when a Chinese report finds no CJK font (with advice on getting one).
    """
    if explicit is not None:
        return _given(explicit.expanduser(), msg("errors_render.font_from_option"))
    from_env = os.environ.get(FONT_ENV, "").strip()
    if from_env:
        return _given(Path(from_env).expanduser(), msg("errors_render.font_from_env", env=FONT_ENV))
    found = installed_font(lang)
    if found is None and needs_cjk(lang):
        raise MissingFeatureError(msg("errors_render.no_cjk_font"))
    return found


def cjk_fallback() -> Path | None:
    """An installed CJK font, for Chinese names in an otherwise English report."""
    try:
        return installed_font("zh")
    except OSError:
        return None


def bold_variant(path: Path) -> Path | None:
    """The bold file of the same family next to `path` (DejaVuSans-Bold.ttf, msyhbd.ttc…)."""
    stem, suffix = path.stem, path.suffix
    names = [stem.replace(word, "Bold", 1) + suffix for word in ("Regular", "Book") if word in stem]
    names += [f"{stem}-Bold{suffix}", f"{stem}Bold{suffix}", f"{stem}bd{suffix}"]
    for name in names:
        candidate = path.with_name(name)
        if candidate != path and _is_file(candidate):
            return candidate
    return None


def collection_face(path: Path, lang: str) -> int:
    """Which face of a .ttc collection to use: the Simplified Chinese one for Chinese."""
    if path.suffix.lower() not in COLLECTION_SUFFIXES:
        return 0
    families: list[str] = []
    try:
        from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]  # from fpdf2

        collection = TTCollection(str(path), lazy=True)
        families = [str(face["name"].getBestFamilyName() or "") for face in collection.fonts]
    except Exception:  # unreadable: loading it later reports the problem with its path
        return 0
    if needs_cjk(lang):
        for index, family in enumerate(families):
            lowered = f" {family.lower()}"
            if "mono" not in lowered and any(mark in lowered for mark in _SIMPLIFIED_MARKS):
                return index
    for index, family in enumerate(families):
        if "mono" not in family.lower():
            return index
    return 0


def _latin1(char: str) -> str:
    if char in _LATIN1_SPELLING:
        return _LATIN1_SPELLING[char]
    if ord(char) < 0x100:
        return char
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if stripped and all(ord(c) < 0x100 for c in stripped):
        return stripped
    return REPLACEMENT


def printable(text: str, has_glyph: Callable[[int], bool] | None) -> str:
    """`text` with every character the font cannot draw replaced (None: a Latin-1 core font).

    A missing glyph would print as an empty box or, for core fonts, stop fpdf2 with an error;
    a "?" keeps the report readable. Joiners and variation selectors simply disappear.
    """
    out = []
    for char in text:
        if char in _INVISIBLE:
            continue
        if has_glyph is None:
            out.append(_latin1(char))
        elif char.isspace() or has_glyph(ord(char)):
            out.append(char)
        else:
            spelled = _LATIN1_SPELLING.get(char, REPLACEMENT)
            out.append(spelled if all(has_glyph(ord(c)) for c in spelled) else REPLACEMENT)
    return "".join(out)


def _add_font(pdf: Any, family: str, style: str, path: Path, lang: str) -> set[int]:
    """Register one font file with fpdf2; the code points it covers (empty if unknown)."""
    try:
        face = collection_face(path, lang)
        if face:
            pdf.add_font(family, style, str(path), collection_font_number=face)
        else:
            pdf.add_font(family, style, str(path))
    except Exception as error:  # fontTools raises many types for an unreadable file
        raise MissingFeatureError(
            msg("errors_render.font_unreadable", path=path, reason=error)
        ) from error
    cmap = getattr(pdf.fonts.get(f"{family}{style}"), "cmap", None)
    return set(cmap) if cmap else set()


@dataclass
class ReportFonts:
    """The family to `set_font` and which characters it can draw (None: Latin-1 core font).

    An English report on a Latin font borrows an installed CJK font, only when some text
    needs it, so a Chinese name prints instead of turning into question marks.
    """

    pdf: Any
    family: str
    covered: set[int] | None
    real_bold: bool = True  # False: no bold file, so bold is drawn as stroked regular text
    fallback_tried: bool = False
    fallback: set[int] = field(default_factory=set)

    def has_glyph(self, codepoint: int) -> bool:
        if not self.covered or codepoint in self.covered:  # unknown coverage: trust the font
            return True
        if not self.fallback_tried:
            self.fallback_tried = True
            self._load_fallback()
        return codepoint in self.fallback

    def _load_fallback(self) -> None:
        path = cjk_fallback()
        if path is None:
            return
        try:
            self.fallback = _add_font(self.pdf, FALLBACK_FAMILY, "", path, "zh")
            self.pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
        except MissingFeatureError:
            self.fallback = set()

    def printable(self, text: str) -> str:
        return printable(text, None if self.covered is None else self.has_glyph)


def load_fonts(pdf: Any, lang: str, explicit: Path | None) -> ReportFonts:
    """Find and register the report's regular and bold font (see `find_font`)."""
    path = find_font(lang, explicit)
    if path is None:
        return ReportFonts(pdf, CORE_FAMILY, None)
    covered = _add_font(pdf, FAMILY, "", path, lang)
    if needs_cjk(lang) and covered and CJK_PROBE not in covered:
        raise MissingFeatureError(msg("errors_render.font_without_cjk", path=path))
    bold = bold_variant(path)
    if bold is not None:
        try:
            _add_font(pdf, FAMILY, "B", bold, lang)
        except MissingFeatureError:
            bold = None
    return ReportFonts(pdf, FAMILY, covered, real_bold=bold is not None)
