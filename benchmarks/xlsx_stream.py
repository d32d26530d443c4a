"""Reading a big .xlsx: kamcli's streaming reader against openpyxl's read-only mode.

    python benchmarks/xlsx_stream.py [ROWS] [--no-reference]

Writes a response sheet of ROWS respondents (default 100,000; Excel's maximum is
1,048,576) straight as sheet XML, then times kamcli.io.xlsx_read reading every row, and
openpyxl read_only iterating the same rows (the reference). Prints each median of 3 runs
(1 run above 200,000 rows), the ratio, and the peak RSS of each reader (a child process).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamcli.model import load_model  # noqa: E402

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def write_sheet(path: Path, rows: int) -> None:
    items = load_model().item_ids()
    header = ["respondent_id", "name", "account", "stage", *items]
    columns = [_letters(i) for i in range(len(header))]
    rng = random.Random(7)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="responses" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
            cells = "".join(
                f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
                for c, h in zip(columns, header, strict=True)
            )
            out.write(f'<row r="1">{cells}</row>'.encode())
            batch = []
            for n in range(2, rows + 2):
                meta = (f"R{n}", f"Person {n}", "Acme", "mid")
                text = "".join(
                    f'<c r="{c}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for c, v in zip(columns[:4], meta, strict=True)
                )
                text += "".join(
                    f'<c r="{c}{n}"><v>{rng.randint(1, 5)}</v></c>' for c in columns[4:]
                )
                batch.append(f'<row r="{n}">{text}</row>')
                if len(batch) == 2000:
                    out.write("".join(batch).encode())
                    batch.clear()
            out.write(("".join(batch) + "</sheetData></worksheet>").encode())


KAMCLI = """
import sys
from kamcli.io.xlsx_read import Workbook
with open(sys.argv[1], "rb") as f:
    book = Workbook(f, "x")
    n = sum(1 for _ in book.rows())
print(n)
"""
OPENPYXL = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
print(n)
"""


def run(code: str, path: Path) -> tuple[float, int]:
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run([sys.executable, '-c', sys.argv[1], sys.argv[2]], check=True,"
        " stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - start,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]), int(out[1]) // 1024


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 100_000
    reference = "--no-reference" not in sys.argv
    repeats = 1 if rows > 200_000 else 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.xlsx"
        started = time.perf_counter()
        write_sheet(path, rows)
        size = path.stat().st_size
        print(
            f"{rows:,} rows: {size / 1048576:.1f} MiB on disk "
            f"(written in {time.perf_counter() - started:.0f} s)"
        )
        ours = [run(KAMCLI, path) for _ in range(repeats)]
        ours_time = statistics.median(t for t, _ in ours)
        print(f"kamcli  {ours_time:8.1f} s  peak {max(m for _, m in ours)} MiB")
        if reference:
            theirs = [run(OPENPYXL, path) for _ in range(repeats)]
            theirs_time = statistics.median(t for t, _ in theirs)
            print(f"openpyxl {theirs_time:7.1f} s  peak {max(m for _, m in theirs)} MiB")
            print(f"ratio kamcli/openpyxl: {ours_time / theirs_time:.2f}")


if __name__ == "__main__":
    main()
