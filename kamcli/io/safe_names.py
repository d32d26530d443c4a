"""Safe file names for per-respondent reports: `NNNN-slug.ext`.

Names come from spreadsheets, so they may be anything: `../../x`, `CON`, `.bashrc`, 300
characters, emoji. The slug keeps only lowercase ASCII letters, digits, `-` and CJK
characters (so Chinese names stay readable), which rules out path separators, dots and
control characters by construction; the index prefix keeps files in input order and makes
every name start with a digit.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 60
INDEX_WIDTH = 4
FALLBACK = "respondent"
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_DASHES = re.compile(r"-{2,}")
# Han (with extensions and compatibility ideographs), kana, Hangul syllables, bopomofo.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def slugify(text: str) -> str:
    """Lowercase ASCII letters/digits and CJK characters, other runs as one `-`; may be ''."""
    decomposed = unicodedata.normalize("NFKD", text)
    out: list[str] = []
    for char in decomposed:
        if char.isascii() and char.isalnum():
            out.append(char.lower())
        elif is_cjk(char):
            out.append(char)
        elif unicodedata.category(char) == "Mn":
            continue  # accents left over from NFKD: é → e
        else:
            out.append("-")
    slug = _DASHES.sub("-", "".join(out)).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def report_filename(
    index: int, name: str | None, respondent_id: str, ext: str, taken: set[str]
) -> str:
    """`NNNN-slug.ext` from the name (else the id); unique in `taken` (case-insensitively).

    The chosen name is added to `taken`. Collisions get `-2`, `-3`, …
    """
    slug = slugify(name or "") or slugify(respondent_id) or FALLBACK
    if slug in WINDOWS_RESERVED:
        slug = f"{slug}-{FALLBACK}"
    prefix = f"{index:0{INDEX_WIDTH}d}"
    suffix = slugify(ext) or "txt"
    candidate = f"{prefix}-{slug}.{suffix}"
    counter = 1
    while candidate.casefold() in taken:
        counter += 1
        candidate = f"{prefix}-{slug}-{counter}.{suffix}"
    taken.add(candidate.casefold())
    return candidate
