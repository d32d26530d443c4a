"""kam report end to end: every format in both languages, and the bad inputs it must survive."""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamcli.cli.main import app
from kamcli.errors import ExitCode
from kamcli.io.cells import is_dangerous
from kamcli.model import load_model
from tests.conftest import ROOT

MODEL = load_model()
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "formula": '=HYPERLINK("http://x","y")',
    "arith": "-2+3",
    "fullwidth": "＠SUM(A1)",
    "path": "../../etc/passwd",
    "long": "L" * 500,
    "mixed": "王丽 🚀 Ünïcode",
}


def stored(runner: CliRunner, tmp_path: Path, person: str, account: str) -> None:
    path = tmp_path / "answers.json"
    answers = dict.fromkeys(MODEL.item_ids(), 4)
    path.write_text(
        json.dumps(
            {"name": person, "account": account, "stage": "partnership", "answers": answers}
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["assess", "--answers", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_all_five_formats_for_one_stored_assessment(
    runner: CliRunner, tmp_path: Path, lang: str
) -> None:
    stored(runner, tmp_path, "Li Wei", "Acme")
    for fmt in ("html", "pdf", "md", "json", "csv"):
        out = tmp_path / f"report-{lang}.{fmt}"
        result = runner.invoke(app, ["report", "1", "-f", fmt, "-o", str(out), "--lang", lang])
        assert result.exit_code == 0, (fmt, result.output)
        data = out.read_bytes()
        assert len(data) > 500, fmt
    name = MODEL.competency("integrity").name[lang]
    assert name in (tmp_path / f"report-{lang}.html").read_text(encoding="utf-8")
    assert (tmp_path / f"report-{lang}.pdf").read_bytes().startswith(b"%PDF")
    assert name in (tmp_path / f"report-{lang}.md").read_text(encoding="utf-8")
    assert (tmp_path / f"report-{lang}.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_text_formats_go_to_stdout_and_pdf_needs_output(runner: CliRunner, tmp_path: Path) -> None:
    stored(runner, tmp_path, "Li Wei", "Acme")
    md = runner.invoke(app, ["report", "latest", "-f", "md"])
    assert md.exit_code == 0 and "Li Wei" in md.stdout
    pdf = runner.invoke(app, ["report", "latest", "-f", "pdf"])
    assert pdf.exit_code == ExitCode.USAGE
    assert "-o FILE.pdf" in pdf.stderr


def test_json_validates_against_the_shipped_schema(runner: CliRunner, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    stored(runner, tmp_path, HOSTILE["script"], HOSTILE["formula"])
    result = runner.invoke(app, ["report", "latest", "-f", "json"])
    schema = json.loads((ROOT / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(result.stdout), schema)


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_names_in_csv_and_html(runner: CliRunner, tmp_path: Path, key: str) -> None:
    stored(runner, tmp_path, HOSTILE[key], HOSTILE[key])
    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["report", "latest", "-f", "csv", "-o", str(out)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    for row in rows:
        for cell in row:
            try:
                float(cell)
            except ValueError:
                assert not is_dangerous(cell), cell
    html = runner.invoke(app, ["report", "latest", "-f", "html"])
    assert html.exit_code == 0
    assert "<script>" not in html.stdout
    assert not list(tmp_path.glob("**/passwd"))


def test_missing_and_deleted_ids(runner: CliRunner, tmp_path: Path) -> None:
    none = runner.invoke(app, ["report", "latest", "-f", "md"])
    assert none.exit_code == ExitCode.NOT_FOUND
    stored(runner, tmp_path, "A", "B")
    assert runner.invoke(app, ["history", "delete", "1", "--yes"]).exit_code == 0
    gone = runner.invoke(app, ["report", "1", "-f", "md"])
    assert gone.exit_code == ExitCode.NOT_FOUND
    assert "No assessment with id 1" in gone.stderr
    word = runner.invoke(app, ["report", "first", "-f", "md"])
    assert word.exit_code == ExitCode.USAGE


def test_output_into_missing_or_unwritable_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(runner, tmp_path, "A", "B")
    missing = runner.invoke(
        app, ["report", "1", "-f", "html", "-o", str(tmp_path / "no" / "r.html")]
    )
    assert missing.exit_code == ExitCode.OUTPUT
    assert "does not exist" in missing.stderr

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # what a read-only folder does (not as root)
    target = tmp_path / "r.html"
    denied = runner.invoke(app, ["report", "1", "-f", "html", "-o", str(target)])
    assert denied.exit_code == ExitCode.OUTPUT
    assert "Permission denied" in denied.stderr
    assert not target.exists()


def test_pdf_without_the_extra_or_a_cjk_font(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored(runner, tmp_path, "A", "B")
    from kamcli.render import fonts

    monkeypatch.setattr(fonts, "installed_font", lambda lang: None)
    monkeypatch.setattr(fonts, "cjk_fallback", lambda: None)
    monkeypatch.setattr(fonts, "_fontconfig_cjk", lambda: None)
    no_font = runner.invoke(
        app, ["report", "1", "-f", "pdf", "-o", str(tmp_path / "z.pdf"), "--lang", "zh"]
    )
    assert no_font.exit_code == ExitCode.MISSING_FEATURE
    assert "font" in no_font.stderr.lower()
    monkeypatch.setitem(sys.modules, "fpdf", None)
    no_extra = runner.invoke(app, ["report", "1", "-f", "pdf", "-o", str(tmp_path / "e.pdf")])
    assert no_extra.exit_code == ExitCode.MISSING_FEATURE
    assert 'pip install "kamcli[pdf]"' in no_extra.stderr
    assert not (tmp_path / "e.pdf").exists()
