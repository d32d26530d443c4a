"""Google Forms and Microsoft Forms have no import format: `kam export questionnaire --to
forms` writes a Google Apps Script (`.gs`/`.js`: paste it at script.google.com and run it;
it creates the form with FormApp) or, for any other file name, a sheet to copy the
questions from by hand (Microsoft Forms: one Likert question per competency).

Each competency is one grid (Google) / Likert (Microsoft) question whose rows are its items;
the item ids are kept in the question's description, the model stamp in the form's.
The response exports then name each row `Competency [item text]` (Google) or carry the
item text (Microsoft), which the import matches exactly.
"""

from __future__ import annotations

import json

from kamcli.io.survey.export import Export, flat_text

TITLES = {
    "en": {
        "sheet": "Questionnaire for Microsoft Forms (copy each question in order)",
        "how": "Add a Text question for each of the first questions, a Choice question where "
        "choices are listed, and one Likert question per competency: its statements are the "
        "rows, its options the scale. Put this line in the form description:",
        "ids": "Item ids, in row order",
        "options": "Options",
        "statements": "Statements",
        "choices": "Choices",
    },
    "zh": {
        "sheet": "Microsoft Forms 问卷(按顺序复制每道题)",
        "how": "前几道题请添加“文本”题(有选项的添加“选择”题),每项能力添加一道“李克特”题:"
        "陈述为各行,选项为量表。请把下面这一行放进表单说明:",
        "ids": "题目编号(按行顺序)",
        "options": "选项",
        "statements": "陈述",
        "choices": "选项",
    },
}


def apps_script(export: Export) -> str:
    """A Google Apps Script that creates the form (FormApp) and logs its edit URL."""
    model = export.model
    anchors = [model.text(a, export.lang) for a in model.scale.anchors]
    description = f"{flat_text(model.text(model.description, export.lang))}\n{export.stamp.text()}"
    lines = [
        f"// {export.title()}: run createKamForm() once at script.google.com.",
        f"// Made by kam export questionnaire from {export.stamp.text()}",
        "function createKamForm() {",
        f"  var form = FormApp.create({_js(export.title())});",
        f"  form.setDescription({_js(description)});",
    ]
    for _key, text, choices in export.meta():
        if choices:
            lines.append(
                f"  form.addMultipleChoiceItem().setTitle({_js(flat_text(text))})"
                f".setChoiceValues({_js(choices)}).setRequired(true);"
            )
        else:
            lines.append(
                f"  form.addTextItem().setTitle({_js(flat_text(text))}).setRequired(true);"
            )
    for section, questions in export.sections():
        ids = ", ".join(q.item_id for q in questions)
        rows = [flat_text(q.text) for q in questions]
        lines.append(
            f"  form.addGridItem().setTitle({_js(flat_text(section))})"
            f".setHelpText({_js('kam items: ' + ids)})"
            f".setRows({_js(rows)}).setColumns({_js(anchors)});"
        )
    lines += ["  Logger.log('Edit the form at: ' + form.getEditUrl());", "}", ""]
    return "\n".join(lines)


def copy_sheet(export: Export) -> str:
    """A Markdown sheet to build the form by hand (Microsoft Forms)."""
    words = TITLES.get(export.lang, TITLES["en"])
    model = export.model
    anchors = [model.text(a, export.lang) for a in model.scale.anchors]
    lines = [f"# {export.title()}", "", f"{words['sheet']}", "", words["how"], ""]
    lines += [f"    {export.stamp.text()}", ""]
    number = 0
    for _key, text, choices in export.meta():
        number += 1
        lines.append(f"{number}. {flat_text(text)}")
        if choices:
            lines.append(f"   - {words['choices']}: {' / '.join(choices)}")
        lines.append("")
    for section, questions in export.sections():
        number += 1
        lines += [
            f"{number}. {flat_text(section)}",
            f"   - {words['options']}: {' / '.join(anchors)}",
        ]
        lines.append(f"   - {words['ids']}: {', '.join(q.item_id for q in questions)}")
        lines.append(f"   - {words['statements']}:")
        lines += [f"     - {flat_text(q.text)}" for q in questions]
        lines.append("")
    return "\n".join(lines)


def _js(value: object) -> str:
    """A JavaScript literal (JSON is one), safe to put in the script."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
