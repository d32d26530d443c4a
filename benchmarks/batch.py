"""`kam batch` against a pandas reference on N synthetic respondents, measured in the same run.

Generates a response CSV for the default model (fixed seed, streamed to disk), then runs
`kam batch FILE -o OUT --quiet` and `benchmarks/pandas_reference.py FILE OUT` alternately,
each in its own process, `--repeat` times. Reports median wall time and peak memory (max RSS)
of each, their ratios, checks that kam's scores and gaps equal the reference's, and prints
the targets with OK/MISS:

  - at 100k respondents: kam wall time <= 0.5 x pandas, kam peak memory <= 60 MiB;
  - kam's peak memory at 1M within 10 % of that at 10k (run both: --n 10000 1000000).

Usage: python benchmarks/batch.py [--n N [N ...]] [--repeat R] [--keep DIR] [--kam CMD]
Needs pandas (benchmark only: pip install pandas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "pandas_reference.py"
SEED = 20240501
MiB = 1024 * 1024
TIME_RATIO_TARGET = 0.5
MEMORY_TARGET_MIB = 60.0
MEMORY_TARGET_AT = 100_000
MEMORY_GROWTH_TARGET = 0.10
SAMPLE_ROWS = 2000

# Runs one command as its only child, then reports its wall time and peak RSS: ru_maxrss of
# RUSAGE_CHILDREN is the largest RSS among waited-for children, here exactly that command.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024
print(json.dumps({"wall": wall, "peak": peak * scale, "rc": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


@dataclass(frozen=True)
class Measurement:
    wall: float
    peak: int  # bytes


def item_ids_and_stages() -> tuple[list[str], list[str]]:
    from kamcli.model.loader import load_model

    model = load_model(None)
    return model.item_ids(), model.stage_ids


def generate(path: Path, count: int) -> None:
    """N fully answered respondents, answers uniform on 1..5, a random stage each."""
    item_ids, stages = item_ids_and_stages()
    rng = random.Random(SEED)
    digits = "12345"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(["respondent_id", "name", "account", "stage", *item_ids]) + "\n")
        lines = []
        for number in range(1, count + 1):
            answers = ",".join(rng.choices(digits, k=len(item_ids)))
            stage = rng.choice(stages)
            account = f"Account {rng.randrange(1, 500)}"
            lines.append(f"R{number:07d},Person {number},{account},{stage},{answers}\n")
            if len(lines) == 10_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)


def measure(argv: list[str], env: dict[str, str]) -> Measurement:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    report = json.loads(done.stdout)
    if report["rc"] != 0:
        raise SystemExit(f"{shlex.join(argv)} exited with {report['rc']}:\n{report['stderr']}")
    return Measurement(wall=report["wall"], peak=report["peak"])


def compare(kam_out: Path, ref_out: Path, count: int) -> tuple[int, list[str]]:
    """Scores and gaps of a sample of rows: kam's against the reference's (both 2 decimals)."""
    step = max(1, count // SAMPLE_ROWS)
    problems: list[str] = []
    checked = 0
    with (
        kam_out.open(encoding="utf-8-sig", newline="") as a,
        ref_out.open(encoding="utf-8", newline="") as b,
    ):
        kam_rows, ref_rows = csv.DictReader(a), csv.DictReader(b)
        columns = [c for c in (ref_rows.fieldnames or []) if c.endswith(("_score", "_gap"))]
        missing = [c for c in columns if c not in (kam_rows.fieldnames or [])]
        if missing:
            return 0, [f"kam output lacks columns {missing[:4]}"]
        for index, (kam, ref) in enumerate(zip(kam_rows, ref_rows, strict=True)):
            if index % step:
                continue
            checked += 1
            if kam["respondent_id"] != ref["respondent_id"]:
                problems.append(
                    f"row {index}: ids {kam['respondent_id']} != {ref['respondent_id']}"
                )
                continue
            for column in columns:
                left, right = kam[column], ref[column]
                if (left == "") != (right == "") or (
                    left and abs(float(left) - float(right)) > 0.01 + 1e-9
                ):
                    problems.append(f"row {index} {column}: kam {left!r}, pandas {right!r}")
    return checked, problems


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def run_size(
    count: int, repeat: int, workdir: Path, kam: list[str], env: dict[str, str]
) -> dict[str, Any]:
    data = workdir / f"responses-{count}.csv"
    if not data.exists():
        print(f"generating {count:,} respondents -> {data}", flush=True)
        generate(data, count)
    kam_out, ref_out = workdir / f"kam-{count}.csv", workdir / f"ref-{count}.csv"
    kam_runs: list[Measurement] = []
    ref_runs: list[Measurement] = []
    for _ in range(repeat):
        kam_runs.append(measure([*kam, str(data), "-o", str(kam_out), "--quiet"], env))
        ref_runs.append(measure([sys.executable, str(REFERENCE), str(data), str(ref_out)], env))
    checked, problems = compare(kam_out, ref_out, count)
    result: dict[str, Any] = {
        "n": count,
        "kam_wall": statistics.median(m.wall for m in kam_runs),
        "kam_peak_mib": statistics.median(m.peak for m in kam_runs) / MiB,
        "pandas_wall": statistics.median(m.wall for m in ref_runs),
        "pandas_peak_mib": statistics.median(m.peak for m in ref_runs) / MiB,
        "kam_walls": [round(m.wall, 3) for m in kam_runs],
        "pandas_walls": [round(m.wall, 3) for m in ref_runs],
        "rows_checked": checked,
        "mismatches": len(problems),
    }
    print(
        f"n={count:>9,}  kam {result['kam_wall']:7.2f} s {result['kam_peak_mib']:7.1f} MiB   "
        f"pandas {result['pandas_wall']:7.2f} s {result['pandas_peak_mib']:7.1f} MiB   "
        f"time x{result['kam_wall'] / result['pandas_wall']:.2f}  "
        f"memory x{result['kam_peak_mib'] / result['pandas_peak_mib']:.2f}",
        flush=True,
    )
    print(f"    runs: kam {result['kam_walls']}  pandas {result['pandas_walls']}")
    print(f"    scores/gaps of {checked} sampled rows: {verdict(not problems)}")
    for problem in problems[:10]:
        print(f"      {problem}")
    return result


def report_targets(results: dict[int, dict[str, Any]]) -> bool:
    """Print each target with OK/MISS; True when all that apply hold (and outputs agree)."""
    all_ok = all(result["mismatches"] == 0 for result in results.values())
    print("\ntargets")
    at_target = results.get(MEMORY_TARGET_AT)
    if at_target is None:
        print(f"  (time and memory targets are set at n={MEMORY_TARGET_AT:,}: add it to --n)")
    else:
        ratio = at_target["kam_wall"] / at_target["pandas_wall"]
        ok = ratio <= TIME_RATIO_TARGET
        print(
            f"  n=100,000: wall time kam/pandas {ratio:.2f} <= {TIME_RATIO_TARGET}: {verdict(ok)}"
        )
        peak = at_target["kam_peak_mib"]
        memory_ok = peak <= MEMORY_TARGET_MIB
        print(
            f"  n=100,000: kam peak {peak:.1f} MiB <= {MEMORY_TARGET_MIB:.0f} MiB: "
            f"{verdict(memory_ok)}"
        )
        all_ok &= ok and memory_ok
    if 10_000 in results and 1_000_000 in results:
        small, large = results[10_000]["kam_peak_mib"], results[1_000_000]["kam_peak_mib"]
        growth = large / small - 1
        ok = growth <= MEMORY_GROWTH_TARGET
        all_ok &= ok
        print(
            f"  kam peak at 1M vs 10k: {large:.1f} / {small:.1f} MiB = {growth:+.1%} "
            f"<= +{MEMORY_GROWTH_TARGET:.0%}: {verdict(ok)}"
        )
    else:
        print("  (the 1M-vs-10k memory target needs --n 10000 1000000)")
    return all_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000], help="respondent counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep data and outputs in DIR (reused)")
    parser.add_argument(
        "--kam",
        default=shlex.join([sys.executable, "-m", "kamcli", "batch"]),
        help="the command that scores a file (default: this Python's `-m kamcli batch`)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, KAM_HOME=str(Path(scratch) / "kamhome"), NO_COLOR="1")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, repeat {args.repeat}, "
            f"load average {load} (other work on the machine skews wall times)"
        )
        results = {
            count: run_size(count, args.repeat, workdir, shlex.split(args.kam), env)
            for count in args.n
        }
        ok = report_targets(results)
        print("load average at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        if args.json:
            args.json.write_text(json.dumps(list(results.values()), indent=2), encoding="utf-8")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
