"""Response exports written the way each survey tool writes them, built from the model in use
(item ids and texts come from the model API, never hard-coded) — for the tests and for
benchmarks/survey.py. docs/survey-tools.md says which tool version each layout follows.

Every writer takes the same `Response` rows, so a test can score the tool's file and the plain
`kam batch` columns of the same answers and compare.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kamcli.io.survey.export import Export
from kamcli.io.survey.vocabulary import META_QUESTIONS, ROLE_NAMES, Stamp

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel

QUALTRICS_SYSTEM = (
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
    "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
)  # fmt: skip
QUALTRICS_SYSTEM_TEXTS = (
    "Start Date", "End Date", "Response Type", "IP Address", "Progress",
    "Duration (in seconds)", "Finished", "Recorded Date", "Response ID", "Recipient Last Name",
    "Recipient First Name", "Recipient Email", "External Data Reference", "Location Latitude",
    "Location Longitude", "Distribution Channel", "User Language",
)  # fmt: skip
START = datetime.datetime(2024, 3, 4, 9, 30, 0)


@dataclass
class Response:
    rid: str
    name: str
    account: str
    stage: str
    rater: str
    values: dict[str, int | None]
    seconds: int = 300
    finished: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def responses(model: CompetencyModel, count: int, seed: int = 7) -> list[Response]:
    """`count` respondents with random answers (some skipped), stages and names; the first
    name holds a comma, a quote and a line break, as people type them."""
    rng = random.Random(seed)
    ids = model.item_ids()
    found = []
    for n in range(count):
        values: dict[str, int | None] = {
            i: rng.randint(model.scale.min, model.scale.max) for i in ids
        }
        if n % 3 == 1:
            values[ids[n % len(ids)]] = None
        name = 'Li, "Lee"\nJr' if n == 0 else f"Person {n}"
        stage = model.stage_ids[n % len(model.stage_ids)]
        found.append(Response(f"R_{n:05d}", name, f"Acct {n % 4}", stage, "self", values))
    return found


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def plain_csv(model: CompetencyModel, rows: Iterable[Response]) -> bytes:
    """The same answers as plain `kam batch` columns."""
    ids = model.item_ids()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["respondent_id", "name", "account", "stage", "rater", *ids])
    for r in rows:
        writer.writerow(
            [r.rid, r.name, r.account, r.stage, r.rater, *map(_cell, r.values.values())]
        )
    return out.getvalue().encode("utf-8-sig")


def _label(model: CompetencyModel, value: int | None, lang: str) -> str:
    if value is None:
        return ""
    return model.text(model.scale.anchors[value - model.scale.min], lang)


def _stage_number(model: CompetencyModel, stage: str) -> str:
    return str(model.stage_ids.index(stage) + 1)


def _stage_name(model: CompetencyModel, stage: str, lang: str) -> str:
    return model.text(model.stage(stage).name, lang)


# --- Qualtrics --------------------------------------------------------------------------------


def qualtrics(
    model: CompetencyModel,
    rows: Iterable[Response],
    *,
    labels: bool = False,
    tsv: bool = False,
    stamp: Stamp | None = None,
) -> bytes:
    """A Qualtrics "Download data" export: row 1 export tags, row 2 question texts, row 3
    ImportId JSON; CSV in UTF-8 with BOM, TSV in UTF-16 LE with BOM (as Qualtrics writes)."""
    export = Export(model, "en")
    ids = model.item_ids()
    texts = {q.item_id: q.text for q in export.questions()}
    meta = ["name", "account", "stage", "rater"]
    meta_texts = [META_QUESTIONS[k]["en"] for k in meta]
    stamp_text = (stamp or Stamp.of(model, None, None)).text()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter="\t" if tsv else ",", lineterminator="\r\n")
    writer.writerow([*QUALTRICS_SYSTEM, *meta, *ids, "kam_model"])
    writer.writerow([*QUALTRICS_SYSTEM_TEXTS, *meta_texts, *(texts[i] for i in ids), "kam_model"])
    import_ids = [*QUALTRICS_SYSTEM, *(f"QID{n}" for n in range(1, len(meta) + len(ids) + 1))]
    writer.writerow([json.dumps({"ImportId": i}) for i in [*import_ids, "kam_model"]])
    for r in rows:
        end = START + datetime.timedelta(seconds=r.seconds)
        system = [
            START.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"), "0",
            "203.0.113.9", "100" if r.finished else "60", str(r.seconds),
            "1" if r.finished else "0", end.strftime("%Y-%m-%d %H:%M:%S"), r.rid, "", "", "",
            "", "31.2304", "121.4737", "anonymous", "EN",
        ]  # fmt: skip
        if labels:
            stage = _stage_name(model, r.stage, "en")
            rater = ROLE_NAMES[r.rater]["en"]
            answers = [_label(model, v, "en") for v in r.values.values()]
        else:
            stage = _stage_number(model, r.stage)
            rater = str(list(ROLE_NAMES).index(r.rater) + 1)
            answers = [_cell(v) for v in r.values.values()]
        writer.writerow([*system, r.name, r.account, stage, rater, *answers, stamp_text])
    text = out.getvalue()
    return text.encode("utf-16") if tsv else text.encode("utf-8-sig")


# --- LimeSurvey -------------------------------------------------------------------------------


def limesurvey(
    model: CompetencyModel, rows: Iterable[Response], *, full_text: bool = False
) -> bytes:
    """A LimeSurvey "Export responses" CSV: comma separated, every field quoted, UTF-8 with
    BOM; headings as question codes (answer codes) or as full question text (full answers)."""
    export = Export(model, "en")
    stamp_text = Stamp.of(model, None, None).text()
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    if full_text:
        head = ["Response ID", "Date submitted", "Last page", "Start language", "Seed",
                "Date started", "Date last action"]  # fmt: skip
    columns: list[str] = []
    for section, questions in export.sections():
        number = export.competency_number(questions[0].competency_id)
        for q in questions:
            item = export.item_number(q.item_id)
            columns.append(f"{section} [{q.text}]" if full_text else f"C{number:02d}[I{item:03d}]")
    metas = [META_QUESTIONS[k]["en"] for k in ("name", "account", "stage", "rater")]
    meta_head = metas if full_text else ["name", "account", "stage", "rater"]
    timing = ["Total time"] if full_text else ["interviewtime"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([*head, *meta_head, "kammodel", *columns, *timing])
    for n, r in enumerate(rows, 1):
        submitted = "2024-03-04 09:35:00" if r.finished else ""
        system = [
            str(n),
            submitted,
            "3",
            "en",
            "12345",
            "2024-03-04 09:30:00",
            "2024-03-04 09:35:00",
        ]
        if full_text:
            stage, rater = _stage_name(model, r.stage, "en"), ROLE_NAMES[r.rater]["en"]
            answers = [_label(model, v, "en") for v in r.values.values()]
        else:
            stage = f"A{_stage_number(model, r.stage)}"
            rater = f"A{list(ROLE_NAMES).index(r.rater) + 1}"
            answers = [_cell(v) for v in r.values.values()]
        writer.writerow(
            [*system, r.name, r.account, stage, rater, stamp_text, *answers, str(r.seconds)]
        )
    return out.getvalue().encode("utf-8-sig")


# --- 问卷星 -----------------------------------------------------------------------------------


def _duration_zh(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}分{rest}秒" if minutes else f"{rest}秒"


def wjx_rows(
    model: CompetencyModel, rows: Iterable[Response], *, labels: bool, matrix: bool
) -> tuple[list[str], list[list[Any]]]:
    """问卷星 "下载答卷数据": 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, then
    `N、题目` columns (a matrix question: `N、矩阵标题—行标题`), 按序号 or 按文本."""
    export = Export(model, "zh")
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    number = 0
    for key in ("name", "account", "stage", "rater"):
        number += 1
        header.append(f"{number}、{META_QUESTIONS[key]['zh']}")
    for section, questions in export.sections():
        if matrix:
            number += 1
            header += [f"{number}、{section}—{q.text}" for q in questions]
        else:
            for q in questions:
                number += 1
                header.append(f"{number}、{q.text}")
    body = []
    for n, r in enumerate(rows, 1):
        when = START + datetime.timedelta(minutes=n)
        stage = _stage_name(model, r.stage, "zh") if labels else _stage_number(model, r.stage)
        rater = ROLE_NAMES[r.rater]["zh"] if labels else str(list(ROLE_NAMES).index(r.rater) + 1)
        answers = [_label(model, v, "zh") if labels else v for v in r.values.values()]
        answers = ["(跳过)" if a in (None, "") else a for a in answers]
        body.append(
            [n, when, _duration_zh(r.seconds), "微信", "N/A", "203.0.113.9(上海-上海)",
             r.name, r.account, stage, rater, *answers]
        )  # fmt: skip
    return header, body


def wjx_csv(
    model: CompetencyModel, rows: Iterable[Response], *, labels: bool = False, matrix: bool = False
) -> bytes:
    """The .csv download: GB18030 without a BOM, dates as text."""
    header, body = wjx_rows(model, rows, labels=labels, matrix=matrix)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        row[1] = row[1].strftime("%Y/%m/%d %H:%M:%S")
        writer.writerow(row)
    return out.getvalue().encode("gb18030")


def xlsx(header: Sequence[str], body: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """A workbook as the tools write it: one sheet, the header, then values (dates as
    Excel date cells)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(header))
    for row in body:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def wjx_xlsx(
    model: CompetencyModel, rows: Iterable[Response], *, labels: bool = False, matrix: bool = False
) -> bytes:
    header, body = wjx_rows(model, rows, labels=labels, matrix=matrix)
    return xlsx(header, body)


# --- 腾讯问卷 ----------------------------------------------------------------------------------


def tencent_rows(
    model: CompetencyModel, rows: Iterable[Response]
) -> tuple[list[str], list[list[Any]]]:
    """腾讯问卷 "下载数据": 编号, 开始答题时间, 结束答题时间, 答题时长, 地理位置…, then
    `N.题目` columns with the option texts."""
    export = Export(model, "zh")
    header = ["编号", "用户类型", "用户标识", "昵称", "开始答题时间", "结束答题时间", "答题时长",
              "地理位置国家和地区", "省", "市"]  # fmt: skip
    metas = [META_QUESTIONS[k]["zh"] for k in ("name", "account", "stage", "rater")]
    texts = [*metas, *(q.text for q in export.questions())]
    header += [f"{n}.{text}" for n, text in enumerate(texts, 1)]
    body = []
    for n, r in enumerate(rows, 1):
        end = START + datetime.timedelta(seconds=r.seconds)
        answers = [_label(model, v, "zh") for v in r.values.values()]
        body.append(
            [str(1000 + n), "微信用户", f"o{n:06d}", "", START, end, _duration_zh(r.seconds),
             "中国", "上海", "上海", r.name, r.account, _stage_name(model, r.stage, "zh"),
             ROLE_NAMES[r.rater]["zh"], *answers]
        )  # fmt: skip
    return header, body


# --- Microsoft Forms and Google Forms ----------------------------------------------------------


def msforms_xlsx(model: CompetencyModel, rows: Iterable[Response]) -> bytes:
    """Microsoft Forms "Open in Excel": ID, Start time, Completion time, Email, Name, then one
    column per question (a Likert question: one per statement), date cells, option texts."""
    export = Export(model, "en")
    metas = [META_QUESTIONS[k]["en"] for k in ("name", "account", "stage", "rater")]
    header = ["ID", "Start time", "Completion time", "Email", "Name", *metas]
    header += [q.text for q in export.questions()]
    body = []
    for n, r in enumerate(rows, 1):
        end = START + datetime.timedelta(seconds=r.seconds)
        answers = [_label(model, v, "en") or None for v in r.values.values()]
        body.append(
            [n, START, end, "anonymous", None, r.name, r.account,
             _stage_name(model, r.stage, "en"), ROLE_NAMES[r.rater]["en"], *answers]
        )  # fmt: skip
    return xlsx(header, body, sheet="Form1")


def gforms_csv(model: CompetencyModel, rows: Iterable[Response]) -> bytes:
    """Google Forms "Download responses (.csv)": Timestamp, then question titles; a grid's
    rows as `Title [row]`; UTF-8 without BOM."""
    export = Export(model, "en")
    metas = [META_QUESTIONS[k]["en"] for k in ("name", "account", "stage", "rater")]
    columns = [f"{section} [{q.text}]" for section, qs in export.sections() for q in qs]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Timestamp", *metas, *columns])
    for n, r in enumerate(rows, 1):
        when = (START + datetime.timedelta(minutes=n)).strftime("%Y/%m/%d %I:%M:%S %p GMT+8")
        answers = [_label(model, v, "en") for v in r.values.values()]
        stage = _stage_name(model, r.stage, "en")
        writer.writerow([when, r.name, r.account, stage, ROLE_NAMES[r.rater]["en"], *answers])
    return out.getvalue().encode("utf-8")
