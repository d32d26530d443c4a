"""Find, read and validate a model directory, reporting every problem at once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kamcli.errors import ModelError, Problem, msg
from kamcli.model.schema import (
    Competency,
    CompetencyModel,
    Diagnostic,
    ModelFile,
    Stage,
    StageFile,
)
from kamcli.model.validation import validate
from kamcli.model.yamlsafe import YamlDoc, YamlProblem, load_yaml


def default_model_dir() -> Path:
    """The shipped model: inside the wheel, or the repository's competencies/ in a checkout."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_default_model"
    if (shipped / "model.yaml").is_file():
        return shipped
    return package.parent / "competencies"


def resolve_model_dir(path: Path) -> Path:
    if path.is_file() and path.name in {"model.yaml", "model.yml"}:
        return path.parent
    if not path.exists():
        raise ModelError(msg("errors_model.not_found", path=path))
    if not path.is_dir():
        raise ModelError(msg("errors_model.not_a_model_path", path=path))
    if not (path / "model.yaml").is_file():
        raise ModelError(msg("errors_model.no_model_yaml", path=path))
    return path


def _read(path: Path, problems: list[Problem]) -> YamlDoc | None:
    try:
        return load_yaml(path)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None


def _declared_languages(doc: YamlDoc | None) -> list[str]:
    data = doc.data if doc is not None else None
    langs = data.get("languages") if isinstance(data, dict) else None
    if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
        return list(langs)
    return ["en"]


def load_model(path: Path | None = None) -> CompetencyModel:
    """Load and validate a model directory; raise ModelError listing every problem."""
    model, problems = check_model(path)
    if model is None or problems:
        where = resolve_model_dir(path) if path is not None else default_model_dir()
        key = "errors_model.invalid_one" if len(problems) == 1 else "errors_model.invalid_many"
        raise ModelError(msg(key, path=where, count=len(problems)), problems)
    return model


def check_model(path: Path | None = None) -> tuple[CompetencyModel | None, list[Problem]]:
    """Validate everything that can be validated and return the model with all problems."""
    try:
        root = resolve_model_dir(path) if path is not None else default_model_dir()
        return _check_model_dir(root)
    except OSError as exc:  # e.g. a folder inside the model that cannot be read
        where = exc.filename or path or msg("errors_model.the_model")
        reason = exc.strerror or str(exc)
        raise ModelError(msg("errors_model.unreadable", path=where, reason=reason)) from None


def _check_model_dir(root: Path) -> tuple[CompetencyModel | None, list[Problem]]:
    problems: list[Problem] = []
    head_doc = _read(root / "model.yaml", problems)
    languages = _declared_languages(head_doc)
    head = validate(head_doc, ModelFile, languages, problems) if head_doc else None
    if head is None:  # the other files depend on it: report only the root cause
        return None, problems
    competencies = _load_competencies(root, head, languages, problems)
    stages = _load_stages(root, head, languages, problems)
    diagnostic = _load_diagnostic(root, head, languages, problems)
    if head is None or problems or diagnostic is None:
        return None, problems
    _check_item_ids(root, competencies, diagnostic, problems)
    if problems:
        return None, problems
    body: dict[str, Any] = {
        "id": head.id,
        "version": head.version,
        "languages": head.languages,
        "name": head.name,
        "description": head.description,
        "scale": head.scale,
        "min_coverage": head.min_coverage,
        "anonymity_threshold": head.anonymity_threshold,
        "status_bands": head.status_bands,
        "stages": stages,
        "competencies": competencies,
        "diagnostic": diagnostic,
    }
    digest = _content_hash(body)
    return CompetencyModel.model_construct(content_hash=digest, **body), problems


def _content_hash(body: dict[str, Any]) -> str:
    """Hash of the validated content, so reformatting or comments do not change it.

    Defaults are left out, so a model keeps its hash when a later kamcli adds optional keys.
    """
    plain = {k: _plain(v) for k, v in body.items() if _DEFAULTS.get(k, _NONE) != v}
    canonical = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


_DEFAULTS: dict[str, object] = {"anonymity_threshold": 3, "min_coverage": 0.5}
_NONE = object()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load_competencies(
    root: Path, head: ModelFile | None, languages: list[str], problems: list[Problem]
) -> list[Competency]:
    folder = root / "competencies"
    if head is None:
        return []
    listed = head.competencies
    _unlisted_files(folder, set(listed), "competencies", root / "model.yaml", problems)
    result: list[Competency] = []
    for competency_id in listed:
        path = folder / f"{competency_id}.yaml"
        if not path.is_file():
            problems.append(
                Problem(
                    str(root / "model.yaml"),
                    msg("errors_model.competency_file_missing", id=competency_id, path=path),
                    key="competencies",
                )
            )
            continue
        doc = _read(path, problems)
        competency = validate(doc, Competency, languages, problems) if doc else None
        if competency is None or doc is None:
            continue
        _check_competency(doc, competency, head, problems)
        result.append(competency)
    return result


def _check_competency(
    doc: YamlDoc, competency: Competency, head: ModelFile, problems: list[Problem]
) -> None:
    name = str(doc.path)
    if competency.id != doc.path.stem:
        problems.append(
            Problem(
                name,
                msg("errors_model.id_not_file_name", id=competency.id, stem=doc.path.stem),
                doc.line_of(("id",)),
                "id",
            )
        )
    points = head.scale.points
    if len(competency.levels) != points:
        problems.append(
            Problem(
                name,
                msg(
                    "errors_model.level_count",
                    points=points,
                    min=head.scale.min,
                    max=head.scale.max,
                    got=len(competency.levels),
                ),
                doc.line_of(("levels",)),
                "levels",
            )
        )
    stage_ids = [s.id for s in head.stages]
    for stage_id in stage_ids:
        if stage_id not in competency.actions:
            problems.append(
                Problem(
                    name,
                    msg("errors_model.no_actions_for_stage", stage=stage_id),
                    doc.line_of(("actions",)),
                    "actions",
                )
            )
    for stage_id in competency.actions:
        if stage_id not in stage_ids:
            problems.append(
                Problem(
                    name,
                    msg(
                        "errors_model.actions_unknown_stage",
                        stage=stage_id,
                        stages=", ".join(stage_ids),
                    ),
                    doc.line_of(("actions", stage_id)),
                    f"actions.{stage_id}",
                )
            )


def _unlisted_files(
    folder: Path, listed: set[str], what: str, head_path: Path, problems: list[Problem]
) -> None:
    if not folder.is_dir():
        if listed:
            problems.append(Problem(str(folder), msg("errors_model.missing_folder", what=what)))
        return
    for path in sorted(folder.iterdir()):
        if path.suffix in {".yaml", ".yml"} and path.stem not in listed:
            problems.append(
                Problem(
                    str(path),
                    msg("errors_model.file_not_listed", head=head_path.name, what=what),
                )
            )


def _load_stages(
    root: Path, head: ModelFile | None, languages: list[str], problems: list[Problem]
) -> list[Stage]:
    if head is None:
        return []
    folder = root / "stages"
    _unlisted_files(folder, {s.id for s in head.stages}, "stages", root / "model.yaml", problems)
    result: list[Stage] = []
    for info in head.stages:
        path = folder / f"{info.id}.yaml"
        if not path.is_file():
            problems.append(
                Problem(
                    str(root / "model.yaml"),
                    msg("errors_model.stage_file_missing", stage=info.id, path=path),
                    key="stages",
                )
            )
            continue
        doc = _read(path, problems)
        profile = validate(doc, StageFile, languages, problems) if doc else None
        if profile is None or doc is None:
            continue
        _check_profile(doc, profile, info.id, head, problems)
        result.append(
            Stage(
                id=info.id,
                name=info.name,
                summary=info.summary,
                targets=profile.targets,
                source=profile.source,
            )
        )
    return result


def _check_profile(
    doc: YamlDoc, profile: StageFile, stage_id: str, head: ModelFile, problems: list[Problem]
) -> None:
    name = str(doc.path)
    if profile.stage != stage_id:
        problems.append(
            Problem(
                name,
                msg("errors_model.stage_not_file_name", stage=profile.stage, stem=stage_id),
                doc.line_of(("stage",)),
                "stage",
            )
        )
    for competency_id in head.competencies:
        if competency_id not in profile.targets:
            problems.append(
                Problem(
                    name,
                    msg("errors_model.no_target", id=competency_id),
                    doc.line_of(("targets",)),
                    "targets",
                )
            )
    for competency_id, target in profile.targets.items():
        loc = ("targets", competency_id)
        if competency_id not in head.competencies:
            problems.append(
                Problem(
                    name,
                    msg("errors_model.unknown_competency", id=competency_id),
                    doc.line_of(loc),
                    ".".join(loc),
                )
            )
        if not head.scale.min <= target.target <= head.scale.max:
            problems.append(
                Problem(
                    name,
                    msg(
                        "errors_model.target_off_scale",
                        target=target.target,
                        min=head.scale.min,
                        max=head.scale.max,
                    ),
                    doc.line_of((*loc, "target")),
                    ".".join(loc) + ".target",
                )
            )


def _load_diagnostic(
    root: Path, head: ModelFile | None, languages: list[str], problems: list[Problem]
) -> Diagnostic | None:
    path = root / "diagnostic.yaml"
    if not path.is_file():
        problems.append(Problem(str(path), msg("errors_model.no_diagnostic")))
        return None
    doc = _read(path, problems)
    diagnostic = validate(doc, Diagnostic, languages, problems) if doc else None
    if diagnostic is None or doc is None or head is None:
        return diagnostic
    if len(diagnostic.anchors) != head.scale.points:
        problems.append(
            Problem(
                str(path),
                msg(
                    "errors_model.anchor_count",
                    points=head.scale.points,
                    got=len(diagnostic.anchors),
                ),
                doc.line_of(("anchors",)),
                "anchors",
            )
        )
    stage_ids = [s.id for s in head.stages]
    for index, statement in enumerate(diagnostic.statements):
        key = "holds_at" if statement.holds_at is not None else "stage"
        for stage_id in statement.stages:
            if stage_id not in stage_ids:
                loc = ("statements", index, key)
                problems.append(
                    Problem(
                        str(path),
                        msg(
                            "errors_model.unknown_stage",
                            stage=stage_id,
                            stages=", ".join(stage_ids),
                        ),
                        doc.line_of(loc),
                        f"statements.{index}.{key}",
                    )
                )
    return diagnostic


def _check_item_ids(
    root: Path, competencies: list[Competency], diagnostic: Diagnostic, problems: list[Problem]
) -> None:
    owner: dict[str, str] = {}
    for competency in competencies:
        for item in competency.items:
            if item.id in owner:
                problems.append(
                    Problem(
                        str(root / "competencies" / f"{competency.id}.yaml"),
                        msg("errors_model.item_id_taken", id=item.id, owner=owner[item.id]),
                        key="items",
                    )
                )
            owner[item.id] = f"competencies/{competency.id}.yaml"
    for statement in diagnostic.statements:
        if statement.id in owner:
            problems.append(
                Problem(
                    str(root / "diagnostic.yaml"),
                    msg(
                        "errors_model.statement_id_taken",
                        id=statement.id,
                        owner=owner[statement.id],
                    ),
                    key="statements",
                )
            )
