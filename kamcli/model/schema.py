"""Pydantic schema of the competency model: one class per file, then the assembled model.

Strict types (YAML 1.1 turns `no` into False) and `extra="forbid"` (typos are errors).
Texts are {language: text} mappings checked against the languages the model declares,
passed in the validation context by the loader.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationInfo,
    model_validator,
)

from kamcli.errors import msg

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Id = Annotated[StrictStr, Field(pattern=ID_PATTERN, max_length=64)]
LangCode = Annotated[StrictStr, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")]


def _check_text(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    languages: list[str] | None = (info.context or {}).get("languages")
    if languages is None:
        return value
    missing = [lang for lang in languages if lang not in value]
    if missing:
        raise ValueError(
            msg(
                "errors_model.text_missing_language",
                langs=", ".join(repr(m) for m in missing),
                declared=", ".join(languages),
            )
        )
    extra = [lang for lang in value if lang not in languages]
    if extra:
        raise ValueError(
            msg(
                "errors_model.text_undeclared_language",
                langs=", ".join(repr(e) for e in extra),
                declared=", ".join(languages),
            )
        )
    empty = [lang for lang, text in value.items() if not text.strip()]
    if empty:
        raise ValueError(msg("errors_model.text_empty", langs=", ".join(repr(e) for e in empty)))
    return value


Text = Annotated[dict[StrictStr, StrictStr], AfterValidator(_check_text)]


class Strict(BaseModel):
    # allow_inf_nan=False: `.inf` / `.nan` in YAML are floats; they would make every score
    # NaN and every JSON output invalid, so no number in a model may be infinite or NaN.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def unique(values: list[str], what_key: str) -> None:
    """Refuse a repeated value; `what_key` is the catalogue key naming its kind (looked up only
    when there is a duplicate, so loading a good model reads no catalogue)."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(msg("errors_model.duplicate", what=msg(what_key), value=value))
        seen.add(value)


class Level(Strict):
    """What reaching a scale point means, in words a frequency rating can carry."""

    name: Text
    meaning: Text


class Scale(Strict):
    min: int
    max: int
    anchors: list[Text]
    # One per scale point: ties each competency's level descriptor k to the answer k.
    levels: list[Level] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(msg("errors_model.scale_min_max", min=self.min, max=self.max))
        for key, texts in (
            ("errors_model.scale_anchors", self.anchors),
            ("errors_model.scale_levels", self.levels),
        ):
            if texts is not None and len(texts) != self.points:
                raise ValueError(
                    msg(key, points=self.points, min=self.min, max=self.max,
                        got=len(texts))
                )  # fmt: skip
        return self

    @property
    def points(self) -> int:
        return self.max - self.min + 1

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)


class StatusBand(Strict):
    id: Id
    max_gap: float | None = None
    glyph: Annotated[StrictStr, Field(min_length=1, max_length=2)]
    label: Text


class StageInfo(Strict):
    id: Id
    name: Text
    summary: Text


class ModelFile(Strict):
    """model.yaml"""

    id: Id
    version: Annotated[StrictStr, Field(min_length=1, max_length=40)]
    languages: Annotated[list[LangCode], Field(min_length=1)]
    name: Text
    description: Text
    scale: Scale
    min_coverage: Annotated[float, Field(gt=0, le=1)] = 0.5
    # 360 reports never show a peer/customer/other group with fewer raters than this.
    anonymity_threshold: Annotated[int, Field(ge=1)] = 3
    status_bands: Annotated[list[StatusBand], Field(min_length=1)]
    stages: Annotated[list[StageInfo], Field(min_length=1)]
    competencies: Annotated[list[Id], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> ModelFile:
        unique(self.languages, "errors_model.what_language")
        unique([s.id for s in self.stages], "errors_model.what_stage_id")
        unique(self.competencies, "errors_model.what_competency_id")
        unique([b.id for b in self.status_bands], "errors_model.what_status_band_id")
        *bounded, last = self.status_bands
        if last.max_gap is not None:
            raise ValueError(msg("errors_model.last_band_max_gap", id=last.id))
        previous = float("-inf")
        for band in bounded:
            if band.max_gap is None:
                raise ValueError(msg("errors_model.band_needs_max_gap", id=band.id))
            if band.max_gap <= previous:
                raise ValueError(msg("errors_model.bands_order"))
            previous = band.max_gap
        return self


RATER_ROLES = ("self", "manager", "peer", "customer", "other")
RaterRole = Literal["self", "manager", "peer", "customer", "other"]


class Item(Strict):
    id: Id
    text: Text
    # The same behaviour worded for someone else rating the person (manager, peer, customer).
    observer: Text | None = None
    reverse: bool = False
    weight: Annotated[float, Field(gt=0)] = 1.0
    # Who may rate this item; absent = everyone. E.g. [self] for an item only the person knows.
    raters: Annotated[list[RaterRole] | None, Field(min_length=1)] = None

    def rated_by(self, role: str) -> bool:
        return self.raters is None or role in self.raters

    def wording(self, rater: str) -> dict[str, str]:
        """The text a rater in `rater` role is shown: observer wording for anyone but self."""
        if rater != "self" and self.observer is not None:
            return self.observer
        return self.text


class Competency(Strict):
    """competencies/<id>.yaml"""

    id: Id
    name: Text
    description: Text
    source: Text
    levels: list[Text]
    items: Annotated[list[Item], Field(min_length=1)]
    actions: dict[Id, Annotated[list[Text], Field(min_length=1)]]

    @model_validator(mode="after")
    def _unique_items(self) -> Competency:
        unique([i.id for i in self.items], "errors_model.what_item_id")
        return self


class Target(Strict):
    target: float
    weight: Annotated[float, Field(gt=0)]


class StageFile(Strict):
    """stages/<stage-id>.yaml"""

    stage: Id
    targets: dict[Id, Target]
    # Why the profile peaks where it does: the article's points behind the top targets.
    source: Text | None = None


class Statement(Strict):
    """A fact about the account relationship; `holds_at` lists the stages where it is true.

    `stage: X` alone (model format 1.x) means the statement holds at X only.
    """

    id: Id
    text: Text
    stage: Id | None = None
    holds_at: Annotated[list[Id] | None, Field(min_length=1)] = None

    @model_validator(mode="after")
    def _one_of(self) -> Statement:
        if (self.stage is None) == (self.holds_at is None):
            raise ValueError(msg("errors_model.holds_at_or_stage"))
        if self.holds_at is not None:
            unique(self.holds_at, "errors_model.what_holds_at_stage")
        return self

    @property
    def stages(self) -> list[str]:
        if self.holds_at is not None:
            return list(self.holds_at)
        return [self.stage] if self.stage is not None else []


class Diagnostic(Strict):
    """diagnostic.yaml"""

    intro: Text
    anchors: list[Text]
    statements: Annotated[list[Statement], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_statements(self) -> Diagnostic:
        unique([s.id for s in self.statements], "errors_model.what_statement_id")
        return self


class Stage(Strict):
    """A stage with its target profile, as the rest of kamcli sees it."""

    id: Id
    name: Text
    summary: Text
    targets: dict[Id, Target]
    source: Text | None = None


class CompetencyModel(Strict):
    """The whole validated model; stamped (id, version, content_hash) on every result."""

    id: Id
    version: str
    content_hash: str
    languages: list[str]
    name: Text
    description: Text
    scale: Scale
    min_coverage: float
    anonymity_threshold: int = 3
    status_bands: list[StatusBand]
    stages: list[Stage]
    competencies: list[Competency]
    diagnostic: Diagnostic

    def competency(self, competency_id: str) -> Competency:
        for competency in self.competencies:
            if competency.id == competency_id:
                return competency
        raise KeyError(competency_id)

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def next_stage(self, stage_id: str) -> Stage | None:
        ids = self.stage_ids
        index = ids.index(stage_id)
        return self.stages[index + 1] if index + 1 < len(ids) else None

    def items(self) -> list[tuple[Competency, Item]]:
        return [(c, i) for c in self.competencies for i in c.items]

    def item_ids(self) -> list[str]:
        return [i.id for c in self.competencies for i in c.items]

    def band_for_gap(self, gap: float) -> StatusBand:
        for band in self.status_bands:
            if band.max_gap is None or gap <= band.max_gap + 1e-9:
                return band
        return self.status_bands[-1]  # pragma: no cover - the last band has no max_gap

    def text(self, value: dict[str, str], lang: str) -> str:
        """The text in `lang`, else in the model's first language."""
        return value.get(lang) or value.get(self.languages[0]) or next(iter(value.values()), "")

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "hash": self.content_hash}
