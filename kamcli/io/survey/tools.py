"""The survey tools whose response exports `kam batch` reads, and how to tell them apart.

Each profile names the columns the tool adds around the questions (ignored quietly), where
its response id, completion time and completion status are, and how many header rows follow
the first. docs/survey-tools.md says which export of which tool version each follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kamcli.errors import UsageError, msg


class Tool(StrEnum):
    auto = "auto"
    kam = "kam"  # the plain `kam template responses` columns
    qualtrics = "qualtrics"
    limesurvey = "limesurvey"
    wjx = "wjx"  # 问卷星
    tencent = "tencent"  # 腾讯问卷
    msforms = "msforms"
    gforms = "gforms"


TITLES = {
    Tool.kam: "kam batch columns",
    Tool.qualtrics: "Qualtrics",
    Tool.limesurvey: "LimeSurvey",
    Tool.wjx: "问卷星 (Wenjuanxing)",
    Tool.tencent: "腾讯问卷 (Tencent Survey)",
    Tool.msforms: "Microsoft Forms",
    Tool.gforms: "Google Forms",
}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lstrip("\ufeff")).casefold()


@dataclass(frozen=True)
class Profile:
    tool: Tool
    id_columns: tuple[str, ...] = ()  # the response id (first present wins); none: the line
    system: tuple[str, ...] = ()  # columns the tool adds; never items
    system_pattern: str | None = None
    time_columns: tuple[str, ...] = ()  # seconds, `m:ss` or `2分15秒`
    start_end: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # seconds = end - start
    finished: tuple[str, ...] = ()  # a 1/0, True/False column: 0 = not submitted
    submitted: tuple[str, ...] = ()  # a date column: empty = not submitted
    extra_header_rows: int = 0  # rows after the header that are header too (at most)
    keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = (*self.id_columns, *self.system, *self.time_columns, *self.finished)
        names += (*self.submitted, *(n for pair in self.start_end or () for n in pair))
        object.__setattr__(self, "keys", frozenset(_key(n) for n in names))

    def is_system(self, column: str) -> bool:
        if _key(column) in self.keys:
            return True
        pattern = self.system_pattern  # matched without removing blanks: texts have them
        return bool(pattern and re.fullmatch(pattern, column.strip().casefold()))

    def find(self, header: Sequence[str], names: Sequence[str]) -> int | None:
        keys = [_key(cell) for cell in header]
        for name in names:
            if _key(name) in keys:
                return keys.index(_key(name))
        return None


PROFILES = {
    Tool.qualtrics: Profile(
        Tool.qualtrics,
        id_columns=("ResponseId", "ResponseID", "Response ID", "V1"),
        system=(
            "StartDate",
            "EndDate",
            "Status",
            "IPAddress",
            "Progress",
            "RecordedDate",
            "RecipientLastName",
            "RecipientFirstName",
            "RecipientEmail",
            "ExternalReference",
            "ExternalDataReference",
            "LocationLatitude",
            "LocationLongitude",
            "DistributionChannel",
            "UserLanguage",
            "Start Date",
            "End Date",
            "Response Type",
            "IP Address",
            "Recorded Date",
            "Recipient Last Name",
            "Recipient First Name",
            "Recipient Email",
            "External Data Reference",
            "Location Latitude",
            "Location Longitude",
            "Distribution Channel",
            "User Language",
        ),
        system_pattern=r"q_[a-z_]+",  # Q_RecaptchaScore, Q_RelevantIDDuplicate, …
        time_columns=("Duration (in seconds)",),
        finished=("Finished",),
        extra_header_rows=2,
    ),
    Tool.limesurvey: Profile(
        Tool.limesurvey,
        id_columns=("id", "Response ID"),
        system=(
            "lastpage",
            "startlanguage",
            "seed",
            "startdate",
            "datestamp",
            "ipaddr",
            "refurl",
            "token",
            "Last page",
            "Start language",
            "Seed",
            "Date started",
            "Date last action",
            "IP address",
            "Referrer URL",
            "Token",
        ),
        system_pattern=r"grouptime\d+|\S+time",  # timings: groupTime12, Q01Time
        time_columns=("interviewtime", "Total time"),
        submitted=("submitdate", "Date submitted"),
    ),
    Tool.wjx: Profile(
        Tool.wjx,
        id_columns=("序号",),
        system=("提交答卷时间", "来源", "来源详情", "来自IP", "总分", "答题序号", "填写设备"),
        time_columns=("所用时间",),
    ),
    Tool.tencent: Profile(
        Tool.tencent,
        id_columns=("编号", "答卷编号", "答卷ID"),
        system=(
            "用户类型",
            "用户标识",
            "昵称",
            "地理位置国家和地区",
            "省",
            "市",
            "来源",
            "自定义字段",
            "答卷状态",
            "IP",
            "来源渠道",
        ),
        time_columns=("答题时长",),
        start_end=(("开始答题时间", "起始答题时间"), ("结束答题时间", "提交时间")),
    ),
    Tool.msforms: Profile(
        Tool.msforms,
        id_columns=("ID",),
        system=("Email", "Name", "Last modified time", "电子邮件", "名称", "上次修改时间"),
        start_end=(("Start time", "开始时间"), ("Completion time", "完成时间")),
    ),
    Tool.gforms: Profile(
        Tool.gforms,
        system=(
            "Timestamp",
            "Email Address",
            "Email address",
            "Score",
            "时间戳记",
            "時間戳記",
            "电子邮件地址",
            "電子郵件地址",
            "分数",
        ),
    ),
}


def detect(header: Sequence[str]) -> Tool:
    """The tool that wrote a header (kam when it is the plain batch layout)."""
    keys = {_key(cell) for cell in header}
    if "respondent_id" in keys:
        return Tool.kam
    if keys & {"responseid"} and keys & {"finished", "duration(inseconds)"}:
        return Tool.qualtrics
    if keys & {"submitdate", "datesubmitted"} and keys & {"id", "responseid"}:
        return Tool.limesurvey
    if "序号" in keys and keys & {"提交答卷时间", "所用时间"}:
        return Tool.wjx
    if keys & {"编号", "答卷编号", "答卷id"} and keys & {
        "开始答题时间",
        "起始答题时间",
        "结束答题时间",
        "答题时长",
    }:
        return Tool.tencent
    if "id" in keys and keys & {"starttime", "开始时间"} and keys & {"completiontime", "完成时间"}:
        return Tool.msforms
    if header and _key(header[0]) in {"timestamp", "时间戳记", "時間戳記"}:
        return Tool.gforms
    return Tool.kam


def profile(tool: Tool) -> Profile:
    if tool not in PROFILES:
        raise UsageError(msg("errors_survey.not_a_tool", tool=tool.value))
    return PROFILES[tool]
