"""kam assess: the questionnaire, or answers from a file, then the gap report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kamcli.cli.common import Settings, settings, stderr_console
from kamcli.cli.options import examples
from kamcli.errors import ExitCode, UsageError
from kamcli.render.formats import FormatName

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult


class RaterRole(StrEnum):
    self_ = "self"
    manager = "manager"
    peer = "peer"
    customer = "customer"
    other = "other"


class ReportFormat(FormatName):
    table = "table"
    json = "json"
    md = "md"
    markdown = "markdown"  # the same as md


NOT_A_TTY = (
    "kam assess asks its questions in a terminal, but standard input is not a terminal. "
    "To score answers from a file or a pipe use --answers FILE (or --answers - for stdin); "
    "`kam template answers` writes a file to fill in."
)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def assess(
    ctx: typer.Context,
    draft_id: Annotated[int | None, typer.Argument(help="Draft to resume (with --resume).")] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Resume the latest draft, or DRAFT_ID.")
    ] = False,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            help="Score answers from a YAML, JSON or CSV file ('-' = stdin) instead of asking.",
        ),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage", "-s", help="Relationship stage (early, mid, partnership, collaborative)."
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The person assessed.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="The key account.")] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.table,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="With --answers: do not store the result in history.")
    ] = False,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing", help="With --answers: unanswered items are missing, not an error."
        ),
    ] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Typed answers instead of arrow-key menus.")
    ] = False,
    rater: Annotated[
        RaterRole, typer.Option("--rater", help="Who is rating: self, or someone rating a manager.")
    ] = RaterRole.self_,
    about: Annotated[
        str | None, typer.Option("--about", help="The manager being rated (with --rater).")
    ] = None,
) -> None:
    """Answer the questionnaire (or score an answers file) and print the gap report."""
    cfg = settings(ctx)
    model = cfg.model()
    if stage is not None and stage not in model.stage_ids:
        raise UsageError(
            f"Unknown stage {stage!r}; the model's stages are {', '.join(model.stage_ids)}."
        )
    who = Who(name, account, rater.value, about)
    if answers is not None:
        result = _from_file(cfg, model, answers, stage, who, allow_missing, no_save)
    else:
        if draft_id is not None and not resume:
            raise UsageError(f"To resume draft {draft_id} write: kam assess --resume {draft_id}")
        if not stdin_is_terminal():
            raise UsageError(NOT_A_TTY)
        result = _interactive(cfg, model, draft_id, resume, stage, who, plain)
    print_report(model, result, cfg.lang, fmt)


@dataclass(frozen=True)
class Who:
    """Who answers and about whom: the person, their account, the rater role, the subject."""

    name: str | None
    account: str | None
    rater: str
    about: str | None


def _from_file(
    cfg: Settings,
    model: CompetencyModel,
    source: str,
    stage: str | None,
    who: Who,
    allow_missing: bool,
    no_save: bool,
) -> AssessmentResult:
    from kamcli.cli.sources import score_file

    result, raw_answers = score_file(
        model,
        source,
        lang=cfg.lang,
        stage=stage,
        allow_missing=allow_missing,
        person=who.name,
        account=who.account,
        rater=who.rater if who.rater != "self" else None,
        subject=who.about,
    )
    if not no_save:
        from kamcli.store import Store

        with Store.open_default() as store:
            record_id = store.save_complete(
                answers=raw_answers,
                result=result.to_dict(),
                person=result.person,
                account=result.account,
                stage=result.stage,
                lang=cfg.lang,
                model_id=model.id,
                model_version=model.version,
                model_hash=model.content_hash,
                rater=result.rater,
                subject=result.subject,
            )
        stderr_console().print(
            f"Saved as assessment #{record_id} (kam history show {record_id}).", markup=False
        )
    return result


def _interactive(
    cfg: Settings,
    model: CompetencyModel,
    draft_id: int | None,
    resume: bool,
    stage: str | None,
    who: Who,
    plain: bool,
) -> AssessmentResult:
    from kamcli.questionnaire import flow
    from kamcli.questionnaire.prompts import ArrowPrompter, TypedPrompter
    from kamcli.questionnaire.session import QuitRequested
    from kamcli.store import Store

    console = stderr_console()
    use_arrows = not plain and sys.stdout.isatty() and sys.stdin.isatty()
    prompter = (ArrowPrompter if use_arrows else TypedPrompter)(console, model, cfg.lang)
    with Store.open_default() as store:
        draft = None
        try:
            draft = flow.pick_draft(store, model, prompter, draft_id, force=resume, rater=who.rater)
            if draft is None:
                draft = flow.start_draft(
                    store,
                    model,
                    prompter,
                    person=who.name,
                    account=who.account,
                    stage=stage,
                    rater=who.rater,
                    subject=who.about,
                )
            if draft.stage is None:
                flow.choose_stage(store, model, prompter, draft)
            flow.ask_items(store, model, prompter, draft)
            return flow.finish(store, model, draft, cfg.lang)
        except QuitRequested:
            assert draft is not None
            console.print(_saved_message(draft.id, draft.answers, model), markup=False)
            raise typer.Exit(0) from None
        except (KeyboardInterrupt, EOFError) as exc:
            where = "Interrupted" if isinstance(exc, KeyboardInterrupt) else "Input ended"
            message = (
                _saved_message(draft.id, draft.answers, model)
                if draft
                else "Nothing was saved yet."
            )
            console.print(f"\n{where}. {message}", markup=False)
            raise typer.Exit(ExitCode.INTERRUPTED) from None


def _saved_message(draft_id: int, answers: dict[str, int | None], model: CompetencyModel) -> str:
    done = sum(1 for item in model.item_ids() if item in answers)
    return (
        f"Your answers are saved as draft #{draft_id} ({done} of {len(model.item_ids())} "
        f"answered). Resume with: kam assess --resume {draft_id}"
    )


def print_report(
    model: CompetencyModel, result: AssessmentResult, lang: str, fmt: ReportFormat
) -> None:
    if fmt is ReportFormat.json:
        from kamcli.render.json_report import json_report

        typer.echo(json_report(model, result, lang))
    elif fmt.canonical() is ReportFormat.md:
        from kamcli.render.markdown import markdown_report

        typer.echo(markdown_report(model, result, lang), nl=False)
    else:
        from kamcli.cli.common import stdout_console
        from kamcli.render.terminal import gap_report

        stdout_console().print(gap_report(model, result, lang))


def register(app: typer.Typer) -> None:
    app.command(
        "assess",
        epilog=examples(
            "kam assess --lang zh --stage mid",
            "kam assess --answers answers.yaml --format md",
        ),
    )(assess)
