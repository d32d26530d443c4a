"""Terminal and data views of the competency model (kam stages, kam model show)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from kamcli.i18n import t
from kamcli.render.cjk_wrap import WrappedText

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel, Stage


def ui(key: str, lang: str) -> str:
    return t(f"model_view.{key}", lang)


def top_competencies(model: CompetencyModel, stage: Stage, count: int = 4) -> list[str]:
    """Most important first: by weight, then by target, then model order."""
    order = {c.id: n for n, c in enumerate(model.competencies)}
    ranked = sorted(
        stage.targets.items(), key=lambda kv: (-kv[1].weight, -kv[1].target, order[kv[0]])
    )
    return [cid for cid, _ in ranked[:count]]


def stages_table(model: CompetencyModel, lang: str) -> Table:
    table = Table(title=ui("stages_title", lang), show_lines=True, expand=False)
    table.add_column(ui("stage", lang), style="bold", overflow="fold")
    table.add_column(ui("role", lang), ratio=3, overflow="fold")
    table.add_column(ui("top", lang), ratio=2, overflow="fold")
    for number, stage in enumerate(model.stages, start=1):
        top = [model.text(model.competency(c).name, lang) for c in top_competencies(model, stage)]
        table.add_row(
            f"{number}. {escape(model.text(stage.name, lang))}",
            WrappedText(model.text(stage.summary, lang)),
            WrappedText("\n".join(f"• {name}" for name in top)),
        )
    return table


def profile_table(model: CompetencyModel, lang: str, stage_id: str | None) -> Table:
    stages = [model.stage(stage_id)] if stage_id else model.stages
    caption = None if stage_id else ui("cell_hint", lang)
    table = Table(title=escape(model.text(model.name, lang)), caption=caption)
    table.add_column(ui("competency", lang), overflow="fold")
    table.add_column(ui("items", lang), justify="right")
    for stage in stages:
        if stage_id:
            table.add_column(ui("target", lang), justify="right")
            table.add_column(ui("weight", lang), justify="right")
        else:
            table.add_column(escape(model.text(stage.name, lang)), justify="right")
    for competency in model.competencies:
        cells = [escape(model.text(competency.name, lang)), str(len(competency.items))]
        for stage in stages:
            target = stage.targets[competency.id]
            if stage_id:
                cells += [f"{target.target:g}", f"{target.weight:g}"]
            else:
                cells.append(f"{target.target:g} ({target.weight:g})")
        table.add_row(*cells)
    return table


def model_data(model: CompetencyModel, stage_id: str | None) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    if stage_id:
        data["stages"] = [s for s in data["stages"] if s["id"] == stage_id]
        for competency in data["competencies"]:
            competency["actions"] = {stage_id: competency["actions"].get(stage_id, [])}
        data["diagnostic"]["statements"] = [
            s
            for s in data["diagnostic"]["statements"]
            if stage_id in (s["holds_at"] or [s["stage"]])
        ]
    return data
