"""The one rule for where mixed Chinese/Latin text may break (PDF blocks, SVG radar labels)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import assume, given
from hypothesis import strategies as st

from kamcli.render.line_breaks import CLOSING, OPENING, break_tokens, text_units
from kamcli.render.pdf_layout import wrap_text
from kamcli.render.svg_radar import wrap_label

ALPHABET = "ab-1 中文客户，。（）、：“”.()!"


def test_latin_words_stay_whole_and_cjk_breaks_between_characters() -> None:
    assert break_tokens("key account 客户") == [
        ("key", False),
        ("account", True),
        ("客", True),
        ("户", False),
    ]


def test_closing_punctuation_sticks_to_what_precedes_it() -> None:
    assert [t for t, _ in break_tokens("诚信，谈判。IT，流程.")] == [
        "诚",
        "信，",
        "谈",
        "判。",
        "IT，",
        "流",
        "程.",
    ]


def test_an_opening_bracket_sticks_to_what_follows_it() -> None:
    assert [t for t, _ in break_tokens("流程（IT）理解")] == ["流", "程", "（IT）", "理", "解"]


def test_a_word_may_break_after_its_hyphen_only_when_asked() -> None:
    assert [t for t, _ in break_tokens("cross-functional")] == ["cross-functional"]
    assert [t for t, _ in break_tokens("cross-functional", after_hyphen=True)] == [
        "cross-",
        "functional",
    ]


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_the_pieces_spell_the_text_with_spaces_collapsed(text: str) -> None:
    rebuilt = ""
    for token, spaced in break_tokens(text, after_hyphen=True):
        rebuilt += (" " if spaced and rebuilt else "") + token
    assert rebuilt == " ".join(text.split())


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_no_piece_after_the_first_starts_with_closing_punctuation_unless_a_space_came_first(
    text: str,
) -> None:
    tokens = break_tokens(text)
    for token, spaced in tokens[1:]:
        assert spaced or token[0] not in CLOSING


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_no_piece_before_the_last_ends_with_an_opening_bracket_unless_a_space_follows(
    text: str,
) -> None:
    tokens = break_tokens(text)
    for (token, _), (_, spaced_next) in pairwise(tokens):
        assert spaced_next or token[-1] not in OPENING


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
def test_wrapped_lines_never_start_with_closing_punctuation(text: str) -> None:
    """Unless a piece is wider than the line and had to be cut, or the text itself puts a
    space (or nothing) before the punctuation."""
    tokens = break_tokens(text, after_hyphen=True)
    assume(all(not spaced or t[0] not in CLOSING for t, spaced in tokens))
    assume(text.strip() and text.strip()[0] not in CLOSING)
    assume(max(text_units(t) for t, _ in tokens + break_tokens(text)) <= 8)
    for lines in (
        wrap_text(text, 8.0, lambda s: float(text_units(s))),
        list(wrap_label(text, 8, 99)),
    ):
        for line in lines[1:]:
            assert not line or line[0] not in CLOSING
