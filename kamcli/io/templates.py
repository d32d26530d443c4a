"""Fill-in answer files: every item id with its text as a comment, in the chosen language."""

from __future__ import annotations

from kamcli.i18n import t
from kamcli.model.schema import CompetencyModel


def answers_template(
    model: CompetencyModel, lang: str, stage: str | None, filename: str, rater: str = "self"
) -> str:
    """Items this rater role may rate, each in that role's wording (observer text if not self)."""
    legend = ", ".join(
        f"{value} = {model.text(anchor, lang)}"
        for value, anchor in zip(model.scale.values, model.scale.anchors, strict=True)
    )
    out = [
        t(
            "answers_file.header",
            lang,
            model=model.id,
            version=model.version,
            hash=model.content_hash,
            legend=legend,
            filename=filename,
        )
    ]
    if rater != "self":
        out.append(t("answers_file.observer", lang, rater=rater))
    stages = " | ".join(f"{s.id} ({model.text(s.name, lang)})" for s in model.stages)
    out.append('name: ""\naccount: ""\n')
    if rater != "self":
        out.append(f'rater: {rater}\nsubject: ""\n')
    out.append(f"# {stages}\nstage: {stage or ''}\nanswers:\n")
    for competency in model.competencies:
        out.append(f"  # — {model.text(competency.name, lang)} —\n")
        for item in competency.items:
            if item.rated_by(rater):
                out.append(f"  {item.id}:    # {model.text(item.wording(rater), lang)}\n")
    if rater != "self":
        return "".join(out)  # the stage diagnostic is the account manager's to answer
    out.append("# Optional: the stage diagnostic (statements about the account relationship).\n")
    out.append("diagnostic:\n")
    for statement in model.diagnostic.statements:
        out.append(f"  {statement.id}:    # {model.text(statement.text, lang)}\n")
    return "".join(out)
