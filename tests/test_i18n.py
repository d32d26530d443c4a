"""The string catalogues: both languages complete, the same format fields, one lookup."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from kamcli.i18n import LANGUAGES, catalogue, t

ROOT = Path(__file__).resolve().parents[1]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_key() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["en"], "the English catalogue is empty"
    for lang in LANGUAGES:
        assert keys[lang] == keys["en"], (lang, keys[lang] ^ keys["en"])


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_the_format_fields(lang: str) -> None:
    english = catalogue("en")
    for key, template in catalogue(lang).items():
        assert fields(template) == fields(english[key]), key


def test_lookup_fills_fields_and_falls_back_to_english() -> None:
    assert t("questionnaire.saved_as", "zh", id=7) == "已保存为评估 #7。"
    assert t("questionnaire.saved_as", "fr", id=7) == "Saved as assessment #7."
    with pytest.raises(KeyError):
        t("questionnaire.no_such_key", "en")


def test_user_text_in_a_value_is_not_reparsed() -> None:
    assert t("questionnaire.saved_as", "en", id="{0}") == "Saved as assessment #{0}."


def test_every_key_the_code_looks_up_exists() -> None:
    """A literal t("ns.key", …) anywhere in kamcli names a key of the catalogue."""
    known = set(catalogue("en"))
    used: set[str] = set()
    for path in (ROOT / "kamcli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"t", "msg"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and "." in node.args[0].value
            ):
                used.add(node.args[0].value)
    assert used, "no lookups found: the scan is broken"
    assert used <= known, used - known


def test_an_error_message_from_the_catalogue_is_english_text_and_renders_in_any_language() -> None:
    from kamcli.errors import InputError, Problem, msg

    error = InputError(
        msg("errors.assess_not_a_tty"),
        [Problem("a.yaml", msg("errors.assess_not_a_tty"), line=3)],
    )
    english = t("errors.assess_not_a_tty", "en")
    assert error.message == english  # code and tests reading .message see the English text
    assert error.render() == f"{english}\n  - a.yaml:3: {english}"
    chinese = t("errors.assess_not_a_tty", "zh")
    assert error.render("zh") == f"{chinese}\n  - a.yaml:3: {chinese}"
    assert InputError("plain text").render("zh") == "plain text"


def test_the_error_boundary_speaks_the_runs_language() -> None:
    from typer.testing import CliRunner

    from kamcli.cli.main import app

    runner = CliRunner()
    english = runner.invoke(app, ["--lang", "en", "assess"])
    chinese = runner.invoke(app, ["assess", "--lang", "zh"])
    assert english.exit_code == chinese.exit_code == 2
    assert "standard input is not a terminal" in english.stderr
    assert "标准输入不是终端" in chinese.stderr and "Traceback" not in chinese.stderr
