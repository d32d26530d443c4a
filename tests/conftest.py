"""Shared fixtures: the tiny model from docs/model-format.md, a clean KAM_HOME, a CLI runner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def write_tiny_model(target: Path) -> Path:
    """Write the minimal complete model from the docs, so the docs' example is what we test."""
    doc = (ROOT / "docs" / "model-format.md").read_text(encoding="utf-8")
    for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
        match = re.match(r"# file: (\S+)\n", block)
        assert match, "every yaml block in model-format.md names its file"
        path = target / match.group(1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block, encoding="utf-8")
    return target


@pytest.fixture
def tiny_model_dir(tmp_path: Path) -> Path:
    return write_tiny_model(tmp_path / "tiny")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same text in CI and a terminal; never touch the user's real history."""
    monkeypatch.setenv("KAM_HOME", str(tmp_path / "kamhome"))
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for var in ("KAM_LANG", "KAM_MODEL", "LC_ALL", "LC_MESSAGES", "KAM_FONT"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def pytest_addoption(parser: pytest.Parser) -> None:
    """`pytest --update-golden` rewrites tests/golden/ from the current renderers."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden report files in tests/golden/ instead of comparing with them.",
    )
