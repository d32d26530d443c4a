"""Where a line may break in mixed Chinese and Latin text, for every renderer that wraps by
itself (the PDF's text blocks, the SVG radar's labels, the terminal's table cells).

Latin words stay whole; a line may break between any two wide (CJK) characters, except that
closing punctuation never starts a line and an opening bracket never ends one (kinsoku).
Pure, with no rich or fpdf2, so each renderer measures the pieces in its own units.
"""

from __future__ import annotations

import unicodedata

# Punctuation that must not start (closing) or end (opening) a line.
CLOSING = frozenset("。，、；：？！）》」』】〉”’…・%％,.;:?!)]}")
OPENING = frozenset("（《「『【〈“‘([{")


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def text_units(text: str) -> int:
    """Display width in half-width units: CJK and other wide characters count 2."""
    return sum(2 if is_wide(char) else 1 for char in text)


def break_tokens(text: str, *, after_hyphen: bool = False) -> list[tuple[str, bool]]:
    """The unbreakable pieces of `text`, each with "a space came before it": Latin words and
    single wide characters, closing punctuation glued to the piece before and an opening
    bracket to the piece after. `after_hyphen` lets a word break after its hyphens."""
    tokens: list[tuple[str, bool]] = []
    word, spaced = "", False
    for char in text:
        if char.isspace():
            if word:
                tokens.append((word, spaced))
                word = ""
            spaced = True
        elif char in CLOSING and not word and tokens and not spaced:
            tokens[-1] = (tokens[-1][0] + char, tokens[-1][1])
        elif is_wide(char):
            if word and char in CLOSING:
                tokens.append((word + char, spaced))
            else:
                if word:
                    tokens.append((word, spaced))
                    spaced = False
                tokens.append((char, spaced))
            word, spaced = "", False
        else:
            word += char
            if after_hyphen and char == "-" and len(word) > 1:
                tokens.append((word, spaced))
                word, spaced = "", False
    if word:
        tokens.append((word, spaced))
    return _glue_opening(tokens)


def _glue_opening(tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for token, spaced in tokens:
        if merged and merged[-1][0][-1] in OPENING and not spaced:
            merged[-1] = (merged[-1][0] + token, merged[-1][1])
        else:
            merged.append((token, spaced))
    return merged
