"""PDF report (fpdf2) and the choice of its font.

Text checks read the PDF back with poppler's `pdftotext` when it is installed (skipped with a
reason otherwise); the page count is read from the PDF's page tree, which is never compressed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcli.errors import ExitCode, MissingFeatureError
from kamcli.model import load_model
from kamcli.render import fonts
from kamcli.render.formats import RenderOptions
from kamcli.render.labels import competency_name, label
from kamcli.render.pdf import render_pdf
from kamcli.render.pdf_layout import ELLIPSIS, pdf_extra, wrap_text
from kamcli.scoring import AssessmentResult, score_assessment

MODEL = load_model()
CREATED_AT = "2026-01-02T03:04:05+00:00"
PDFTOTEXT = shutil.which("pdftotext")
needs_extractor = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) not installed")
HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "Ann " + "x" * 496,
    "Emoji 😀 🫠 👨‍👩‍👧 Lee",
    '=HYPERLINK("http://evil.example","click")',
    "Esc \x1b[31m red \x07 bell\nnewline",
]


def assess(lang: str = "en", person: str | None = "Wang Li", **extra: Any) -> AssessmentResult:
    """Mixed answers: some gaps, some strengths, one competency with too few answers."""
    answers: dict[str, int | None] = {}
    for index, (competency, item) in enumerate(MODEL.items()):
        answers[item.id] = None if competency.id == "innovation" else (2, 3, 4, 5)[index % 4]
    return score_assessment(
        MODEL,
        answers,
        stage="mid",
        lang=lang,
        created_at=CREATED_AT,
        person=person,
        account="ACME Industrial",
        **extra,
    )


def page_count(data: bytes) -> int:
    """Page objects in the file (/Type /Page, not the /Pages tree node)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The PDF's text in drawing order, with runs of white space made single spaces."""
    assert PDFTOTEXT is not None
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def cjk_font_or_skip() -> Path:
    try:
        found = fonts.find_font("zh", None)
    except MissingFeatureError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must install a CJK font (e.g. apt-get install fonts-wqy-microhei)")
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    assert found is not None
    return found


@pytest.fixture
def no_installed_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without any font: empty font folders and no fontconfig."""
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path / "no-fonts"])
    monkeypatch.setattr(fonts, "_fontconfig_cjk", lambda: None)


# --- rendering ------------------------------------------------------------------------------


def test_english_pdf_renders_on_a4_pages() -> None:
    data = render_pdf(MODEL, assess(), "en", RenderOptions())
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert 1 <= page_count(data) <= 6
    assert b"/MediaBox [0 0 595.28 841.89]" in data  # A4 in points


def test_same_result_gives_the_same_bytes() -> None:
    result = assess()
    assert render_pdf(MODEL, result, "en", RenderOptions()) == render_pdf(
        MODEL, result, "en", RenderOptions()
    )


@needs_extractor
def test_english_pdf_shows_person_competencies_and_sections(tmp_path: Path) -> None:
    result = assess()
    text = pdf_text(render_pdf(MODEL, result, "en", RenderOptions()), tmp_path)
    assert "Wang Li" in text
    assert "ACME Industrial" in text
    for row in result.competencies:
        assert competency_name(MODEL, row.competency_id, "en") in text
    for key in ("title", "radar", "gap_table", "priorities", "strengths", "method", "insufficient"):
        assert label(key, "en") in text
    assert f"{MODEL.id} {MODEL.version}" in text
    pages = page_count(render_pdf(MODEL, result, "en", RenderOptions()))
    assert f"Page {pages} of {pages}" in text


@needs_extractor
def test_english_pdf_lists_the_stage_actions_of_each_priority(tmp_path: Path) -> None:
    result = assess()
    text = pdf_text(render_pdf(MODEL, result, "en", RenderOptions()), tmp_path)
    assert result.priorities
    for competency_id in result.priorities:
        for action in MODEL.competency(competency_id).actions[result.stage]:
            assert " ".join(MODEL.text(action, "en").split()) in text


def test_chinese_pdf_renders_with_an_installed_cjk_font(tmp_path: Path) -> None:
    cjk_font_or_skip()
    result = assess("zh", person="王丽")
    data = render_pdf(MODEL, result, "zh", RenderOptions())
    assert data.startswith(b"%PDF-")
    assert 1 <= page_count(data) <= 6
    if PDFTOTEXT is not None:
        text = pdf_text(data, tmp_path)
        assert "王丽" in text
        assert label("title", "zh") in text
        assert competency_name(MODEL, "integrity", "zh") in text


@needs_extractor
def test_a_model_with_two_competencies_has_no_radar(tiny_model_dir: Path, tmp_path: Path) -> None:
    model = load_model(tiny_model_dir)
    answers: dict[str, int | None] = {item.id: 3 for _, item in model.items()}
    stage = model.stage_ids[0]
    result = score_assessment(model, answers, stage=stage, lang="en", created_at=CREATED_AT)
    text = pdf_text(render_pdf(model, result, "en", RenderOptions()), tmp_path)
    assert len(model.competencies) < 3
    assert label("radar", "en") not in text  # two axes would draw a line, not a shape
    assert label("gap_table", "en") in text


@pytest.mark.parametrize("person", HOSTILE_NAMES)
def test_hostile_names_render(person: str, tmp_path: Path) -> None:
    data = render_pdf(MODEL, assess(person=person), "en", RenderOptions())
    assert 1 <= page_count(data) <= 6
    if PDFTOTEXT is not None:
        text = pdf_text(data, tmp_path)
        assert "🫠" not in text  # in no installed font: replaced, not an empty box
        assert "\x1b" not in text
        if "🫠" in person:
            assert "Emoji" in text and "Lee" in text
        if person.startswith(("<", "=")):
            assert person in text  # shown literally, never interpreted


@pytest.mark.parametrize("person", HOSTILE_NAMES)
def test_hostile_names_render_in_the_core_font(person: str, no_installed_fonts: None) -> None:
    data = render_pdf(MODEL, assess(person=person), "en", RenderOptions())
    assert 1 <= page_count(data) <= 6


def test_english_pdf_without_any_font_uses_helvetica(
    no_installed_fonts: None, tmp_path: Path
) -> None:
    result = assess(person="Zoë “Emoji” 😀 王丽 — Test")
    data = render_pdf(MODEL, result, "en", RenderOptions())
    assert b"/BaseFont /Helvetica" in data
    assert b"/FontFile2" not in data  # nothing embedded
    if PDFTOTEXT is not None:
        text = pdf_text(data, tmp_path)
        assert 'Zoë "Emoji" ? ?? - Test' in text
        assert competency_name(MODEL, "integrity", "en") in text


# --- missing pieces -------------------------------------------------------------------------


def test_chinese_without_a_cjk_font_explains_how_to_get_one(no_installed_fonts: None) -> None:
    with pytest.raises(MissingFeatureError) as caught:
        render_pdf(MODEL, assess("zh"), "zh", RenderOptions())
    assert caught.value.exit_code == ExitCode.MISSING_FEATURE
    assert "apt-get install fonts-wqy-microhei" in caught.value.message
    assert "--font PATH" in caught.value.message
    assert fonts.FONT_ENV in caught.value.message


def test_missing_font_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "Font.ttf"
    with pytest.raises(MissingFeatureError, match=re.escape(str(missing))) as caught:
        render_pdf(MODEL, assess(), "en", RenderOptions(font=missing))
    assert caught.value.exit_code == ExitCode.MISSING_FEATURE


def test_missing_font_from_the_environment_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "gone.otf"
    monkeypatch.setenv(fonts.FONT_ENV, str(missing))
    with pytest.raises(MissingFeatureError, match=re.escape(str(missing))) as caught:
        render_pdf(MODEL, assess(), "en", RenderOptions())
    assert fonts.FONT_ENV in caught.value.message


def test_a_file_that_is_not_a_font_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "Fake.ttf"
    fake.write_bytes(b"this is not a font")
    with pytest.raises(MissingFeatureError, match=re.escape(str(fake))):
        render_pdf(MODEL, assess(), "en", RenderOptions(font=fake))


def test_a_latin_font_is_refused_for_chinese() -> None:
    latin = fonts.installed_font("en")
    if latin is None:
        pytest.skip("no Latin TTF font installed")
    with pytest.raises(MissingFeatureError, match="no Chinese characters"):
        render_pdf(MODEL, assess("zh"), "zh", RenderOptions(font=latin))


def test_without_fpdf2_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fpdf", None)
    with pytest.raises(MissingFeatureError) as caught:
        render_pdf(MODEL, assess(), "en", RenderOptions())
    assert caught.value.message == pdf_extra()
    assert 'pip install "kamcli[pdf]"' in caught.value.message
    assert caught.value.exit_code == ExitCode.MISSING_FEATURE


# --- font search ----------------------------------------------------------------------------


def make_fonts(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        paths.append(path)
    return paths


def test_search_prefers_the_better_cjk_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path / "missing", tmp_path / "fonts"])
    monkeypatch.setattr(fonts, "_fontconfig_cjk", lambda: None)
    zen, noto = make_fonts(
        tmp_path / "fonts", "wqy/wqy-zenhei.ttc", "opentype/noto/NotoSansCJK-Regular.ttc"
    )
    assert fonts.find_font("zh", None) == noto
    noto.unlink()
    assert fonts.find_font("zh", None) == zen
    assert fonts.find_font("en", None) is None  # a CJK font is not a Latin body font


def test_search_finds_a_latin_font_for_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    (liberation,) = make_fonts(tmp_path, "liberation/LiberationSans-Regular.ttf")
    assert fonts.find_font("en", None) == liberation


def test_explicit_font_beats_the_environment_which_beats_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path / "system"])
    system, env, given_font = make_fonts(
        tmp_path, "system/DejaVuSans.ttf", "env/Env.otf", "given/Given.ttf"
    )
    assert fonts.find_font("en", None) == system
    monkeypatch.setenv(fonts.FONT_ENV, str(env))
    assert fonts.find_font("en", None) == env
    assert fonts.find_font("en", given_font) == given_font


def test_a_font_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    (bitmap,) = make_fonts(tmp_path, "font.pcf")
    with pytest.raises(MissingFeatureError, match=re.escape(str(bitmap))):
        fonts.find_font("en", bitmap)


def test_bold_variant_sits_next_to_the_regular_file(tmp_path: Path) -> None:
    regular, bold, lonely, msyh, msyh_bold = make_fonts(
        tmp_path,
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "wqy-microhei.ttc",
        "msyh.ttc",
        "msyhbd.ttc",
    )
    assert fonts.bold_variant(regular) == bold
    assert fonts.bold_variant(msyh) == msyh_bold
    assert fonts.bold_variant(lonely) is None


def test_collection_face_picks_simplified_chinese() -> None:
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    from fontTools.ttLib import TTCollection

    index = fonts.collection_face(noto, "zh")
    family = TTCollection(str(noto), lazy=True).fonts[index]["name"].getBestFamilyName()
    assert family == "Noto Sans CJK SC"


# --- text that fits the font ----------------------------------------------------------------


@given(st.text())
def test_core_font_text_is_latin1(text: str) -> None:
    assert all(ord(ch) < 0x100 for ch in fonts.printable(text, None))


@given(st.text(), st.sets(st.integers(min_value=32, max_value=0x2FFF)))
def test_printable_keeps_only_drawable_characters(text: str, drawable: set[int]) -> None:
    out = fonts.printable(text, lambda codepoint: codepoint in drawable or codepoint == ord("?"))
    assert all(ch.isspace() or ord(ch) in drawable or ch == "?" for ch in out)


def test_printable_spells_punctuation_for_latin1() -> None:
    assert fonts.printable("a — b “c” ≤ 1…", None) == 'a - b "c" <= 1...'
    assert fonts.printable("Zoë 😀\u200d王", None) == "Zoë ??"


words = st.text(alphabet="abcdefghij王丽中文，。", min_size=1, max_size=12)


@given(st.lists(words, max_size=20), st.integers(min_value=1, max_value=30))
def test_wrapped_lines_fit_and_keep_every_character(parts: list[str], width: int) -> None:
    text = " ".join(parts)
    lines = wrap_text(text, width, len)
    assert all(len(line) <= width or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_latin_words_whole_and_breaks_chinese_anywhere() -> None:
    assert wrap_text("Integrity and commitment-keeping", 20, len) == [
        "Integrity and",
        "commitment-keeping",
    ]
    assert wrap_text("能力（财务）", 3, len) == ["能力", "（财", "务）"]
    assert wrap_text("阶段，匹配", 2, len) == ["阶", "段，", "匹配"]
    assert wrap_text("x" * 25, 10, len, max_lines=2) == ["x" * 10, "x" * 9 + ELLIPSIS]
