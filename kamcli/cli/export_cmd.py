"""kam export …: the questionnaire for survey tools, and a --map file for their exports."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kamcli.cli.common import hint, message, settings
from kamcli.cli.model_cmd import check_stage
from kamcli.cli.options import KamTyper, examples
from kamcli.cli.survey_options import FromOption, FromTool
from kamcli.errors import UsageError, msg

app = KamTyper(
    help="Export the questionnaire to survey tools, and --map files for their exports.",
    no_args_is_help=True,
)

QUESTIONNAIRE_EXAMPLES = examples(
    "kam export questionnaire --to qualtrics -o kam-qualtrics.txt",
    "kam export questionnaire --to wjx --stage mid -o 问卷星.txt",
)

MAPPING_EXAMPLES = examples(
    "kam export mapping responses.xlsx -o map.yaml",
    "kam export mapping --lang zh -o map.yaml",
)


class SurveyTool(StrEnum):
    limesurvey = "limesurvey"
    qualtrics = "qualtrics"
    wjx = "wjx"
    forms = "forms"


class Rater(StrEnum):
    """kamcli.model.schema.RATER_ROLES (not imported: `kam` starts without pydantic)."""

    self = "self"
    manager = "manager"
    peer = "peer"
    customer = "customer"
    other = "other"


@app.command("questionnaire", epilog=QUESTIONNAIRE_EXAMPLES)
def questionnaire(
    ctx: typer.Context,
    to: Annotated[SurveyTool, typer.Option("--to", help="The survey tool.", show_default=False)],
    stage: Annotated[
        str | None, typer.Option("--stage", "-s", help="Fix the stage (no stage question).")
    ] = None,
    rater: Annotated[
        Rater | None,
        typer.Option("--rater", help="Fix the rater role: its items and wording only."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Write the questionnaire in a survey tool's import format (with the model's id,
    version and hash, so `kam batch` can check the responses come from this model).

    limesurvey: tab-separated survey structure (.txt); qualtrics: Advanced Format TXT;
    wjx: 问卷星 text import (Chinese unless --lang en); forms: a Google Apps Script when
    FILE ends in .gs or .js, else a sheet to copy into Microsoft Forms.
    See docs/survey-tools.md.
    """
    from kamcli.io.survey import export as formats
    from kamcli.io.survey import forms

    cfg = settings(ctx)
    model = cfg.model()
    check_stage(stage, model.stage_ids)
    chosen = "zh" if to is SurveyTool.wjx and not cfg.lang_given else cfg.lang
    spec = formats.Export(model, chosen, stage, rater.value if rater else None)
    if not spec.questions():
        raise UsageError(msg("errors_cli.rater_rates_nothing", rater=spec.rater))
    script = output is not None and output.suffix.lower() in (".gs", ".js")
    writers = {
        SurveyTool.limesurvey: formats.limesurvey_txt,
        SurveyTool.qualtrics: formats.qualtrics_txt,
        SurveyTool.wjx: formats.wjx_txt,
        SurveyTool.forms: forms.apps_script if script else forms.copy_sheet,
    }
    _emit(writers[to](spec), output, cfg.lang, bom=to is SurveyTool.limesurvey)


@app.command("mapping", epilog=MAPPING_EXAMPLES)
def mapping(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(help="A survey tool's response export (CSV/XLSX).", show_default=False),
    ] = None,
    from_tool: FromOption = FromTool.auto,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Write a --map file: which item each column of a response export holds.

    With FILE: its columns as kam batch would read them; a column no item matches is left
    empty, with the closest item as a comment, for you to fill in. Without: every item's
    question text and id.
    """
    from kamcli.io.survey.mapping import mapping_yaml
    from kamcli.io.survey.preview import header_columns
    from kamcli.io.survey.tools import Tool

    cfg = settings(ctx)
    model = cfg.model()
    chosen = cfg.lang
    if source is None:
        text = mapping_yaml(model, (), None, chosen, None)
    else:
        header, columns = header_columns(source, model, Tool(from_tool.value))
        text = mapping_yaml(model, header, columns, chosen, source)
    _emit(text, output, cfg.lang, bom=False)


def _emit(text: str, output: Path | None, lang: str, *, bom: bool) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    from kamcli.io.atomic import write_atomic

    write_atomic(output, text, encoding="utf-8-sig" if bom else "utf-8")
    hint(message("cli.wrote_file", lang, path=output))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="export")
