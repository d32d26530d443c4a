"""`kam batch` on survey-tool exports against the plain format, measured in the same run.

For each case it writes the same synthetic respondents twice — once as plain `kam batch`
columns, once as the survey tool writes them — then runs `kam batch FILE -o OUT --quiet` on
each, alternately, `--repeat` times, each in its own process. It prints the median wall time
and peak memory (max RSS) of each, the ratio tool/plain, checks that both outputs are the
same bytes (row-for-row agreement), and prints the targets with OK/MISS:

  - Qualtrics CSV (3 header rows, ResponseId, numeric values), 100,000 rows vs a plain CSV:
    wall time <= 1.3 x plain, peak memory <= 1.3 x plain;
  - 问卷星 .xlsx (序号, 所用时间, `N、题目` columns, option numbers), 20,000 rows vs a plain
    .xlsx: the same targets.

Usage: python benchmarks/survey.py [--qualtrics N] [--wjx N] [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from batch import MiB, measure  # noqa: E402  (the same child-process measurement)

SEED = 20241205
RATIO_TARGET = 1.3
QUALTRICS_SYSTEM = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
]


def respondents(count: int) -> Iterator[tuple[int, str, int, str]]:
    """(number, account, stage number, answers "1,5,3,…") with a fixed seed."""
    from kamcli.model import load_model

    model = load_model(None)
    rng = random.Random(SEED)
    items, stages = len(model.item_ids()), len(model.stage_ids)
    for number in range(1, count + 1):
        answers = ",".join(rng.choices("12345", k=items))
        yield number, f"Account {rng.randrange(1, 500)}", rng.randrange(stages), answers


def write_plain_csv(path: Path, count: int) -> None:
    from kamcli.model import load_model

    model = load_model(None)
    with path.open("w", encoding="utf-8", newline="") as out:  # CRLF, as Excel saves it
        out.write(
            ",".join(["respondent_id", "name", "account", "stage", *model.item_ids()]) + "\r\n"
        )
        for number, account, stage, answers in respondents(count):
            out.write(
                f"R_{number:07d},Person {number},{account},{model.stage_ids[stage]},{answers}\r\n"
            )


def write_qualtrics_csv(path: Path, count: int) -> None:
    """As Qualtrics writes "Download data > CSV, use numeric values": UTF-8 with BOM, the
    export tags, the question texts, the ImportId row, then one line per response."""
    from kamcli.io.survey.export import Export
    from kamcli.io.survey.vocabulary import META_QUESTIONS, Stamp
    from kamcli.model import load_model

    model = load_model(None)
    export = Export(model, "en")
    ids = model.item_ids()
    texts = {q.item_id: q.text for q in export.questions()}
    meta = ["name", "account", "stage", "rater"]
    stamp = Stamp.of(model, None, None).text()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(",".join([*QUALTRICS_SYSTEM, *meta, *ids, "kam_model"]) + "\r\n")
        row2 = [*QUALTRICS_SYSTEM, *(META_QUESTIONS[k]["en"] for k in meta), *texts.values()]
        out.write(",".join(f'"{t}"' for t in [*row2, "kam_model"]) + "\r\n")
        tags = [*QUALTRICS_SYSTEM, *meta, *ids, "kam_model"]
        out.write(",".join(f'"{{""ImportId"":""{t}""}}"' for t in tags) + "\r\n")
        for number, account, stage, answers in respondents(count):
            system = (
                f"2024-03-04 09:30:00,2024-03-04 09:35:00,0,203.0.113.9,100,{300 + number % 90},"
                f"1,2024-03-04 09:35:01,R_{number:07d},,,,,31.23,121.47,anonymous,EN"
            )
            out.write(f"{system},Person {number},{account},{stage + 1},1,{answers},{stamp}\r\n")


def write_xlsx(path: Path, header: list[str], rows: Callable[[], Iterator[list[object]]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(header)
    for row in rows():
        sheet.append(row)
    workbook.save(path)


def write_plain_xlsx(path: Path, count: int) -> None:
    from kamcli.model import load_model

    model = load_model(None)

    def rows() -> Iterator[list[object]]:
        for number, account, stage, answers in respondents(count):
            values = [int(a) for a in answers.split(",")]
            yield [number, f"Person {number}", account, model.stage_ids[stage], *values]

    write_xlsx(path, ["respondent_id", "name", "account", "stage", *model.item_ids()], rows)


def write_wjx_xlsx(path: Path, count: int) -> None:
    """As 问卷星 writes "下载答卷数据 > 按序号": 序号, 提交答卷时间 (a date cell), 所用时间,
    来源, 来源详情, 来自IP, then `N、题目` columns holding option numbers."""
    import datetime

    from kamcli.io.survey.export import Export
    from kamcli.io.survey.vocabulary import META_QUESTIONS
    from kamcli.model import load_model

    model = load_model(None)
    export = Export(model, "zh")
    texts = [META_QUESTIONS[k]["zh"] for k in ("name", "account", "stage")]
    texts += [q.text for q in export.questions()]
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    header += [f"{n}、{text}" for n, text in enumerate(texts, 1)]
    when = datetime.datetime(2024, 3, 4, 9, 35)

    def rows() -> Iterator[list[object]]:
        for number, account, stage, answers in respondents(count):
            values = [int(a) for a in answers.split(",")]
            seconds = 300 + number % 90
            took = f"{seconds // 60}分{seconds % 60}秒"
            yield [number, when, took, "微信", "N/A", "203.0.113.9(上海-上海)",
                   f"Person {number}", account, stage + 1, *values]  # fmt: skip

    write_xlsx(path, header, rows)


def run_case(
    name: str, plain: Path, tool: Path, repeat: int, kam: list[str], env: dict[str, str]
) -> dict[str, object]:
    outs = {"plain": plain.with_suffix(".out.csv"), "tool": tool.with_suffix(".out.csv")}
    walls: dict[str, list[float]] = {"plain": [], "tool": []}
    peaks: dict[str, list[int]] = {"plain": [], "tool": []}
    for _ in range(repeat):
        for which, source in (("plain", plain), ("tool", tool)):
            done = measure([*kam, "batch", str(source), "-o", str(outs[which]), "--quiet"], env)
            walls[which].append(done.wall)
            peaks[which].append(done.peak)
    same = outs["plain"].read_bytes() == outs["tool"].read_bytes()
    result: dict[str, object] = {"case": name, "same_output": same}
    for which in ("plain", "tool"):
        result[f"{which}_wall"] = statistics.median(walls[which])
        result[f"{which}_peak_mib"] = statistics.median(peaks[which]) / MiB
    result["time_ratio"] = result["tool_wall"] / result["plain_wall"]  # type: ignore[operator]
    result["memory_ratio"] = result["tool_peak_mib"] / result["plain_peak_mib"]  # type: ignore[operator]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--qualtrics", type=int, default=100_000, help="rows of the Qualtrics CSV")
    parser.add_argument("--wjx", type=int, default=20_000, help="rows of the 问卷星 .xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--kam", default=f"{shlex.quote(sys.executable)} -m kamcli")
    parser.add_argument("--json", type=Path, help="save the figures as JSON")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    kam = shlex.split(args.kam)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        results = []
        if args.qualtrics:
            plain, tool = workdir / "plain.csv", workdir / "qualtrics.csv"
            write_plain_csv(plain, args.qualtrics)
            write_qualtrics_csv(tool, args.qualtrics)
            results.append(
                run_case(
                    f"Qualtrics CSV, {args.qualtrics:,} rows", plain, tool, args.repeat, kam, env
                )
            )
        if args.wjx:
            plain, tool = workdir / "plain.xlsx", workdir / "wjx.xlsx"
            write_plain_xlsx(plain, args.wjx)
            write_wjx_xlsx(tool, args.wjx)
            results.append(
                run_case(f"问卷星 .xlsx, {args.wjx:,} rows", plain, tool, args.repeat, kam, env)
            )
    ok = True
    for r in results:
        print(f"{r['case']}:")
        print(f"  plain  {r['plain_wall']:7.2f} s  {r['plain_peak_mib']:6.1f} MiB")
        print(f"  tool   {r['tool_wall']:7.2f} s  {r['tool_peak_mib']:6.1f} MiB")
        checks = [
            (
                f"time ratio {r['time_ratio']:.2f} <= {RATIO_TARGET}",
                r["time_ratio"] <= RATIO_TARGET,
            ),  # type: ignore[operator]
            (
                f"memory ratio {r['memory_ratio']:.2f} <= {RATIO_TARGET}",
                r["memory_ratio"] <= RATIO_TARGET,
            ),  # type: ignore[operator]
            ("same output as the plain format, byte for byte", bool(r["same_output"])),
        ]
        for text, passed in checks:
            ok &= passed
            print(f"  {'OK  ' if passed else 'MISS'} {text}")
    print("load average: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
