"""kam history list | show | compare | delete | export

Store and renderers are imported inside the commands, so `kam` itself never loads sqlite3.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kamcli.cli.assess_cmd import ReportFormat, print_report
from kamcli.cli.common import (
    hint,
    message,
    reason_of,
    settings,
    stderr_console,
    stdout_console,
)
from kamcli.cli.options import KamTyper, examples
from kamcli.errors import NotFoundError, OutputError, StoreError, UsageError, msg

if TYPE_CHECKING:
    from rich.table import Table

    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult
    from kamcli.store_record import AssessmentRecord

app = KamTyper(
    help="Past assessments: list, re-print, compare, delete, export.", no_args_is_help=True
)


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


STATUSES = ("draft", "complete")


def _text(key: str, lang: str) -> str:
    """A label of the history table (namespace `history` of the string catalogue)."""
    from kamcli.i18n import t

    return t(f"history.{key}", lang)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _completed_result(record: AssessmentRecord) -> AssessmentResult:
    """The stored result; a draft has none yet, so say how to finish it."""
    from kamcli.scoring.result import AssessmentResult, ResultDataError

    if record.status != "complete" or record.result is None:
        count = len(record.answers)
        key = "errors_cli.draft_no_report_one" if count == 1 else "errors_cli.draft_no_report_many"
        raise NotFoundError(msg(key, id=record.id, count=count))
    try:
        return AssessmentResult.from_dict(record.result)
    except ResultDataError as exc:
        raise StoreError(
            msg("errors_cli.stored_result_damaged", id=record.id, reason=reason_of(exc))
        ) from None


def _describe(record: AssessmentRecord, lang: str) -> str:
    """ "#12 (draft, Li Wei, mid, 2026-12-05 14:00)": which assessment a title or question means."""
    from kamcli.i18n import t
    from kamcli.render.terminal import format_created_at

    parts = [
        record.person or t("history.no_name", lang),
        record.stage or t("history.no_stage", lang),
    ]
    if record.status != "complete":
        parts.insert(0, t(f"history.{record.status}", lang))
    return t(
        "history.describe",
        lang,
        id=record.id,
        parts=t("history.list_separator", lang).join(parts),
        date=format_created_at(record.created_at),
    )


def _summary(record: AssessmentRecord, model: CompetencyModel, lang: str) -> dict[str, Any]:
    from kamcli.render.labels import stage_name
    from kamcli.render.terminal import format_created_at

    fit = (record.result or {}).get("fit")
    return {
        "id": record.id,
        "created_at": record.created_at,
        "date": format_created_at(record.created_at),
        "status": record.status,
        "person": record.person,
        "account": record.account,
        "stage": record.stage,
        "stage_name": None if record.stage is None else stage_name(model, record.stage, lang),
        "fit": fit if isinstance(fit, int | float) and not isinstance(fit, bool) else None,
        "model_id": record.model_id,
        "model_version": record.model_version,
    }


def _list_table(rows: list[dict[str, Any]], lang: str) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from kamcli.render.labels import MISSING, fmt_pct

    table = Table(
        box=None,
        header_style="bold",
        pad_edge=False,
        caption=_text("fit_caption", lang),
        caption_justify="left",
        caption_style="dim",
    )
    for key in ("id", "date", "status", "person", "account", "stage", "fit", "model"):
        numeric = key in ("id", "fit")
        table.add_column(_text(key, lang), justify="right" if numeric else "left", no_wrap=numeric)
    for row in rows:
        texts = (row["person"], row["account"], row["stage_name"], row["model_version"])
        person, account, stage, version = (escape(t) if t else MISSING for t in texts)
        status = _text(row["status"], lang) if row["status"] in STATUSES else escape(row["status"])
        table.add_row(
            str(row["id"]),
            row["date"],
            status,
            person,
            account,
            stage,
            fmt_pct(row["fit"]),
            version,
        )
    return table


@app.command(
    "list", epilog=examples("kam history list", "kam history list --person 'Li Wei' --format json")
)
def list_assessments(
    ctx: typer.Context,
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Only this person (any letter case).")
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="Output format.")] = (
        TableOrJson.table
    ),
) -> None:
    """List stored assessments, newest first: finished ones and drafts."""
    from kamcli.store import Store

    cfg = settings(ctx)
    with Store.open_default() as store:
        records = store.list(person=person)
    if not records:
        whose = f" for {person!r}" if person is not None else ""
        stderr_console().print(
            f"No assessments{whose} yet. Start one with: kam assess", markup=False
        )
    rows = [_summary(record, cfg.model(), cfg.lang) for record in records] if records else []
    if fmt is TableOrJson.json:
        from kamcli.render.labels import json_dumps

        typer.echo(json_dumps(rows))
    elif rows:
        stdout_console().print(_list_table(rows, cfg.lang))


@app.command("show", epilog=examples("kam history show 12", "kam history show 12 --format md"))
def show(
    ctx: typer.Context,
    assessment_id: Annotated[int, typer.Argument(help="Assessment id (see kam history list).")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = (
        ReportFormat.table
    ),
) -> None:
    """Print a stored assessment's gap report again, from the numbers stored with it."""
    from kamcli.store import Store

    cfg = settings(ctx)
    with Store.open_default() as store:
        record = store.get(assessment_id)
    result = _completed_result(record)
    model = cfg.model()
    _warn_if_other_model(model, [result], [record.id])
    print_report(model, result, cfg.lang, fmt)


def _warn_if_other_model(
    model: CompetencyModel, results: list[AssessmentResult], ids: list[int]
) -> None:
    """Stored numbers are shown as they are; only names and actions come from today's model."""
    for result, record_id in zip(results, ids, strict=True):
        if result.model_hash != model.content_hash:
            stderr_console().print(
                f"Warning: assessment #{record_id} was scored with model {result.model_id} "
                f"{result.model_version} (hash {result.model_hash}), not the current "
                f"{model.id} {model.version} (hash {model.content_hash}). Its stored scores "
                "are shown; names and actions come from the current model.",
                markup=False,
            )


@app.command(
    "compare",
    epilog=examples("kam history compare 7 12", "kam history compare 7 12 --threshold 0.5 -f json"),
)
def compare(
    ctx: typer.Context,
    before_id: Annotated[int, typer.Argument(help="The earlier assessment id.")],
    after_id: Annotated[int, typer.Argument(help="The later assessment id.")],
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="Output format.")] = (
        TableOrJson.table
    ),
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.0,
            help="A score must change by at least this much (unrounded) to count as improved "
            "or declined.",
        ),
    ] = 0.25,
) -> None:
    """Compare two finished assessments competency by competency, and their stage fit.

    Trends are decided on the unrounded scores; the table shows the change they were decided
    on. A warning goes to stderr when the two are about different people, raters, stages or
    models.
    """
    from kamcli.render.compare_view import comparison_data, comparison_view, mismatch_warning
    from kamcli.scoring.compare import compare_results
    from kamcli.store import Store

    cfg = settings(ctx)
    with Store.open_default() as store:
        records = [store.get(before_id), store.get(after_id)]
    before, after = (_completed_result(record) for record in records)
    model = cfg.model()
    comparison = compare_results(before, after, threshold)
    ids = (records[0].id, records[1].id)
    for mismatch in comparison.mismatches:
        stderr_console().print(mismatch_warning(mismatch, ids), markup=False)
    if fmt is TableOrJson.json:
        data = comparison_data(model, comparison, ids, cfg.lang)
        from kamcli.render.labels import json_dumps

        typer.echo(json_dumps(data))
    else:
        title = f"{_describe(records[0], cfg.lang)} → {_describe(records[1], cfg.lang)}"
        stdout_console().print(comparison_view(model, comparison, title, cfg.lang))


@app.command("delete", epilog=examples("kam history delete 12", "kam history delete 12 --yes"))
def delete(
    ctx: typer.Context,
    assessment_id: Annotated[int, typer.Argument(help="Assessment id (see kam history list).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete one stored assessment (finished or draft) and its answers."""
    from kamcli.store import Store

    lang = settings(ctx).lang
    if not yes and not stdin_is_terminal():
        raise UsageError(msg("errors_cli.delete_not_a_tty"))
    with Store.open_default() as store:
        record = store.get(assessment_id)
        question = message("cli.delete_confirm", lang, what=_describe(record, lang))
        if not yes and not typer.confirm(question, err=True):
            stderr_console().print(message("cli.nothing_deleted", lang), markup=False)
            return
        store.delete(assessment_id)
    stderr_console().print(message("cli.deleted", lang, id=assessment_id), markup=False)


@app.command(
    "export", epilog=examples("kam history export -o all.jsonl", "kam history export | head -1")
)
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE instead of standard output."),
    ] = None,
) -> None:
    """Export every assessment (drafts too) with its answers and result, as JSON Lines."""
    from kamcli.store import Store

    with Store.open_default() as store:
        from kamcli.render.labels import json_dumps

        lines = (json_dumps(row, indent=None) for row in store.export())
        if output is None or str(output) == "-":
            for line in lines:
                typer.echo(line)
            return
        count = _write_lines_atomically(output, lines)
    key = "cli.exported_one" if count == 1 else "cli.exported_many"
    hint(message(key, settings(ctx).lang, count=count, path=output))


def _write_lines_atomically(path: Path, lines: Iterable[str]) -> int:
    """Write to a temporary file beside `path`, then rename: a failed run leaves no half file.

    The file is created 0600 (mkstemp), like the history store it copies.
    """
    if path.is_dir():
        raise OutputError(msg("errors_cli.export_to_directory", path=path))
    from kamcli.io.atomic import writes_in_place

    if writes_in_place(path):  # /dev/null, a FIFO: never rename a file over a device
        try:
            with path.open("w", encoding="utf-8", newline="\n") as out:
                return sum(1 for line in lines if out.write(line + "\n") >= 0)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
    if not path.parent.is_dir():
        raise OutputError(msg("errors_cli.no_folder", path=path, folder=path.parent))
    try:
        from kamcli.io.tempfiles import new_temp_file

        handle, temp_name = new_temp_file(path.parent, path.name)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line + "\n")
                count += 1
        Path(temp_name).replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise
    return count


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(msg("errors_cli.cannot_write", path=path, reason=exc.strerror or str(exc)))
