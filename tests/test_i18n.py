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


ERROR_CLASSES = {
    "KamError",
    "UsageError",
    "ModelError",
    "InputError",
    "NotFoundError",
    "StoreError",
    "OutputError",
    "MissingFeatureError",
    "RowsRejectedError",
    "NothingReadError",
    "Interrupted",
    "ResultDataError",
}
AREAS = ("model", "store", "questionnaire", "scoring", "io", "cli", "batch", "render", "report")


def _inline_text(node: ast.expr) -> bool:
    """Whether an argument spells its message in code (a literal, an f-string, a sum or a
    .format of them) rather than taking it from the catalogue through msg()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _inline_text(node.left) or _inline_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"} and _inline_text(node.func.value)
    return False


def _inline_messages(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute):
            name = node.func.attr
        if name in ERROR_CLASSES:
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
        elif name == "Problem":
            texts = node.args[1:2] + [k.value for k in node.keywords if k.arg == "message"]
        else:
            continue
        if any(_inline_text(text) for text in texts):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("area", AREAS)
def test_error_and_problem_messages_come_from_the_catalogue(area: str) -> None:
    """Every KamError and Problem text is msg("namespace.key", …), so it can be shown in the
    run's language; a message spelt inline in code would stay English in a zh run."""
    package = ROOT / "kamcli" / area
    paths = sorted(package.rglob("*.py")) if package.is_dir() else []
    paths += sorted((ROOT / "kamcli").glob(f"{area}*.py"))
    assert paths, area
    offenders = [where for path in paths for where in _inline_messages(path)]
    assert not offenders, offenders
