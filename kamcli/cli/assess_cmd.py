"""kam assess: the questionnaire, or answers from a file, then the gap report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kamcli.cli.common import Settings, settings, stderr_console
from kamcli.cli.options import examples
from kamcli.errors import ExitCode, UsageError, msg
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
        stages = ", ".join(model.stage_ids)
        raise UsageError(msg("errors_cli.unknown_stage", stage=stage, stages=stages))
    who = Who(name, account, rater.value, about)
    if answers is not None:
        result, saved_id = _from_file(cfg, model, answers, stage, who, allow_missing, no_save)
    else:
        if draft_id is not None and not resume:
            raise UsageError(msg("errors_cli.resume_with_flag", id=draft_id))
        if not stdin_is_terminal():
            raise UsageError(msg("errors.assess_not_a_tty"))
        result, saved_id = _interactive(cfg, model, draft_id, resume, stage, who, plain)
    print_report(model, result, cfg.lang, fmt)
    if saved_id is not None:
        print_next_steps(saved_id, result.subject, cfg.lang)


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
) -> tuple[AssessmentResult, int | None]:
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
    if no_save:
        return result, None
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
    return result, record_id


def arrow_menus_wanted(plain: bool) -> bool:
    """One-keystroke menus need a terminal on stdin and on stderr (where prompts go)."""
    return not plain and sys.stdin.isatty() and sys.stderr.isatty()


def _interactive(
    cfg: Settings,
    model: CompetencyModel,
    draft_id: int | None,
    resume: bool,
    stage: str | None,
    who: Who,
    plain: bool,
) -> tuple[AssessmentResult, int]:
    from kamcli.i18n import t
    from kamcli.questionnaire import flow
    from kamcli.questionnaire.prompts import ArrowPrompter, TypedPrompter
    from kamcli.questionnaire.session import QuitRequested
    from kamcli.store import Store

    lang = cfg.lang
    console = stderr_console()
    prompter = (ArrowPrompter if arrow_menus_wanted(plain) else TypedPrompter)(console, model, lang)
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
            return flow.finish(store, model, draft, lang), draft.id
        except QuitRequested:
            assert draft is not None
            prompter.say(_saved_draft(draft.id, draft.answers, model, lang))
            raise typer.Exit(0) from None
        except (KeyboardInterrupt, EOFError) as exc:
            where = t(
                "questionnaire.interrupted"
                if isinstance(exc, KeyboardInterrupt)
                else "questionnaire.input_ended",
                lang,
            )
            saved = (
                _saved_draft(draft.id, draft.answers, model, lang)
                if draft
                else t("questionnaire.nothing_saved", lang)
            )
            prompter.say(f"\n{where} {saved}")
            from kamcli.cli.faults import interrupt_exit_code

            code = interrupt_exit_code(exc) if isinstance(exc, KeyboardInterrupt) else None
            raise typer.Exit(code or ExitCode.INTERRUPTED) from None


def _saved_draft(
    draft_id: int, answers: dict[str, int | None], model: CompetencyModel, lang: str
) -> str:
    from kamcli.i18n import t

    done = sum(1 for item in model.item_ids() if item in answers)
    return t("questionnaire.saved_draft", lang, id=draft_id, done=done, total=len(model.item_ids()))


def print_next_steps(record_id: int, subject: str | None, lang: str) -> None:
    """Where the assessment went and the commands a newcomer wants next (on stderr)."""
    import shlex

    from kamcli.cli.common import detect_lang
    from kamcli.i18n import t

    in_lang = f" --lang {lang}" if lang != detect_lang() else ""
    steps = [
        (f"kam report {record_id} --format html -o report-{record_id}.html{in_lang}", "step_html"),
        (f"kam history show {record_id}{in_lang}", "step_show"),
    ]
    if subject:
        slug = "".join(c if c.isalnum() else "-" for c in subject.lower()).strip("-") or "subject"
        command = f"kam report --subject {shlex.quote(subject)} --format html -o {slug}-360.html"
        steps.append((command + in_lang, "step_subject"))
    width = max(len(command) for command, _ in steps)
    lines = [t("questionnaire.saved_as", lang, id=record_id), t("questionnaire.next_steps", lang)]
    lines += [
        f"  {c.ljust(width)}   {t(f'questionnaire.{key}', lang, subject=subject)}"
        for c, key in steps
    ]
    stderr_console().print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


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
