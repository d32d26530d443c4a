"""Reference for benchmarks/batch.py: the per-competency scores and gaps with pandas.

Reads the same response CSV as `kam batch` and computes what kamcli computes for every row,
vectorised: reverse items mirrored (min + max - x), the weighted mean of the answered items,
None when fewer than min_coverage of a competency's items are answered, and the gap to the
target of the row's own stage. Writes one CSV row per respondent, rounded like kam's output.

The model is read straight from its YAML files (not through kamcli), so this process pays
only for pandas. Benchmark-only: pandas is not a kamcli dependency.

Usage: python benchmarks/pandas_reference.py INPUT.csv OUTPUT.csv [--model DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "competencies"
EPSILON = 1e-9
DECIMALS = 2


def read_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


def load_spec(model_dir: Path) -> dict[str, Any]:
    """Just the numbers scoring needs: scale, coverage rule, items and stage targets."""
    model = read_yaml(model_dir / "model.yaml")
    competencies = [
        read_yaml(model_dir / "competencies" / f"{cid}.yaml") for cid in model["competencies"]
    ]
    stages = {
        stage["id"]: read_yaml(model_dir / "stages" / f"{stage['id']}.yaml")["targets"]
        for stage in model["stages"]
    }
    return {"model": model, "competencies": competencies, "stages": stages}


def score(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    model = spec["model"]
    low, high = model["scale"]["min"], model["scale"]["max"]
    min_coverage = model.get("min_coverage", 0.5)
    out = pd.DataFrame({"respondent_id": frame["respondent_id"], "stage": frame["stage"]})
    for competency in spec["competencies"]:
        items = competency["items"]
        values = frame[[item["id"] for item in items]].to_numpy(dtype=np.float64)
        reverse = np.array([bool(item.get("reverse", False)) for item in items])
        values[:, reverse] = (low + high) - values[:, reverse]
        weights = np.array([float(item.get("weight", 1.0)) for item in items])
        answered = ~np.isnan(values)
        weight_answered = answered @ weights
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values * weights, axis=1) / weight_answered
        coverage = answered.sum(axis=1) / len(items)
        sufficient = answered.any(axis=1) & (coverage >= min_coverage - EPSILON)
        scores = pd.Series(np.where(sufficient, mean, np.nan), index=frame.index)
        targets = frame["stage"].map(
            {stage: float(t[competency["id"]]["target"]) for stage, t in spec["stages"].items()}
        )
        out[f"{competency['id']}_score"] = scores
        out[f"{competency['id']}_gap"] = targets - scores
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    spec = load_spec(args.model)
    frame = pd.read_csv(
        args.input, dtype={"respondent_id": str, "name": str, "account": str, "stage": str}
    )
    score(frame, spec).round(DECIMALS).to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
