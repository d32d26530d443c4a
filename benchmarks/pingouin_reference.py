"""Reference for benchmarks/stats.py: what an analyst runs instead of `kam stats`.

pandas reads the same response CSV, the reverse-keyed items are mirrored (min + max - x),
and `pingouin.cronbach_alpha` gives each competency's alpha and 95 % interval, listwise or
pairwise like `kam stats --missing`. Writes {competency id: alpha} as JSON, so the benchmark
can check that both agree.

The model is read straight from its YAML files (not through kamcli), so this process pays
only for pandas and pingouin. Benchmark-only: neither is a kamcli dependency.

Usage: python benchmarks/pingouin_reference.py INPUT.csv OUTPUT.json [--missing pairwise]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import pingouin as pg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pandas_reference import DEFAULT_MODEL, load_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--missing", choices=("listwise", "pairwise"), default="listwise")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    spec = load_spec(args.model)
    low, high = spec["model"]["scale"]["min"], spec["model"]["scale"]["max"]
    frame = pd.read_csv(
        args.input, dtype={"respondent_id": str, "name": str, "account": str, "stage": str}
    )
    alphas: dict[str, float] = {}
    for competency in spec["competencies"]:
        items = competency["items"]
        answers = frame[[item["id"] for item in items]].astype(float)
        for item in items:
            if item.get("reverse", False):
                answers[item["id"]] = (low + high) - answers[item["id"]]
        alpha, _interval = pg.cronbach_alpha(data=answers, nan_policy=args.missing)
        alphas[competency["id"]] = float(alpha)
    args.output.write_text(json.dumps(alphas), encoding="utf-8")


if __name__ == "__main__":
    main()
