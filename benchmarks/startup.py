"""Startup time of `kam` against a bare Typer hello-world app, measured in the same run.

Prints medians and ratios; the target is `kam --version` <= 1.0 x the bare app.
Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    typer.echo(f"hello {name}")


app()
"""

KAM = "from kamcli.cli.main import main; main()"


def median_seconds(argv: list[str], runs: int) -> float:
    subprocess.run(argv, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        cases = {
            "bare typer app": [sys.executable, str(hello)],
            "kam --version": [sys.executable, "-c", KAM, "--version"],
            "kam stages": [sys.executable, "-c", KAM, "stages"],
        }
        # Interleave nothing: each case gets the same number of runs back to back.
        results = {name: median_seconds(argv, args.runs) for name, argv in cases.items()}
    reference = results["bare typer app"]
    print(f"median of {args.runs} runs (python {sys.version.split()[0]})")
    for name, seconds in results.items():
        print(f"  {name:16s} {seconds * 1000:7.1f} ms   ratio {seconds / reference:5.2f}")
    ratio = results["kam --version"] / reference
    print(
        f"kam --version / bare typer app = {ratio:.2f} (target <= 1.00): "
        f"{'OK' if ratio <= 1.0 else 'SLOWER'}"
    )


if __name__ == "__main__":
    main()
