"""`--from` and `--map`: the options with which kam batch and kam stats read survey-tool
exports (Qualtrics, LimeSurvey, 问卷星, 腾讯问卷, Microsoft Forms, Google Forms)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer


class FromTool(StrEnum):
    """kamcli.io.survey.tools.Tool, repeated here so `kam` starts without importing it."""

    auto = "auto"
    kam = "kam"
    qualtrics = "qualtrics"
    limesurvey = "limesurvey"
    wjx = "wjx"
    tencent = "tencent"
    msforms = "msforms"
    gforms = "gforms"


if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel


FromOption = Annotated[
    FromTool,
    typer.Option(
        "--from",
        help="Which survey tool wrote the files (default: detected from the header). "
        "See docs/survey-tools.md.",
    ),
]
MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="YAML file naming the item each column holds (kam export mapping writes one).",
        show_default=False,
    ),
]


def survey_fields(model: CompetencyModel, tool: FromTool, map_path: Path | None) -> dict[str, Any]:
    """The BatchOptions fields of --from and --map (the map read and checked first)."""
    survey_map = None
    if map_path is not None:
        from kamcli.io.survey.mapping import load_mapping

        survey_map = load_mapping(map_path, model)
    return {"survey_tool": tool.value, "survey_map": survey_map}
