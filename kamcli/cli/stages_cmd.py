"""kam stages"""

from __future__ import annotations

import typer

from kamcli.cli.common import settings, stdout_console
from kamcli.cli.options import examples


def stages(ctx: typer.Context) -> None:
    """Show the four relationship stages, the manager's role and the top competencies of each."""
    from kamcli.render.model_view import stages_table

    cfg = settings(ctx)
    stdout_console().print(stages_table(cfg.model(), cfg.lang))


def register(app: typer.Typer) -> None:
    app.command("stages", epilog=examples("kam stages", "kam stages --lang zh"))(stages)
