"""Stage diagnostic accuracy on simulated respondents (issue 11); not a timed test.

Each simulated respondent knows the true stage of the account relationship and answers every
statement of the model's diagnostic: 4 or 5 (at random) where the statement holds at that
stage, 1 or 2 where it does not; then, with probability 0.3, the answer moves by 1 up or down
(at random, kept on the scale). For each true stage the script prints how often kamcli
suggests it, how often it says "unclear", and what it picked otherwise; then the answer
patterns that must give "unclear". As a reference in the same run it scores the same
respondents with the 1.x rule (mean agreement per stage over the statements of that stage,
ties to the earlier stage; a statement counts for the first stage in its `holds_at`).

Usage: python benchmarks/diagnostic.py [--n 2000] [--seed 11] [--model DIR] [--json FILE]
Exit 1 when a stage is below 90 % or a must-be-unclear pattern gets a stage.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from kamcli.model import load_model
from kamcli.model.schema import CompetencyModel
from kamcli.scoring.diagnostic import diagnose

TARGET = 0.90


def respondent(
    model: CompetencyModel, stage: str, rng: random.Random, p: float = 0.3, step: int = 1
) -> dict[str, int | None]:
    low, high = model.scale.min, model.scale.max
    answers: dict[str, int | None] = {}
    for statement in model.diagnostic.statements:
        value = (
            rng.choice((high - 1, high))
            if stage in statement.stages
            else rng.choice((low, low + 1))
        )
        if rng.random() < p:
            value = min(high, max(low, value + rng.choice((-step, step))))
        answers[statement.id] = value
    return answers


def old_rule(model: CompetencyModel, answers: dict[str, int | None]) -> str | None:
    """The 1.x diagnostic: the stage with the highest mean agreement, ties to the earlier."""
    sums: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for statement in model.diagnostic.statements:
        value = answers.get(statement.id)
        if value is not None:
            sums[statement.stages[0]] += value
            counts[statement.stages[0]] += 1
    means = {s: sums[s] / counts[s] for s in model.stage_ids if counts[s]}
    return max(means, key=lambda s: means[s]) if means else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="respondents per true stage")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--noise", type=float, default=0.3, help="chance an answer moves")
    parser.add_argument("--step", type=int, default=1, help="how far it moves (issue: 1)")
    args = parser.parse_args()
    model = load_model(args.model)
    rng = random.Random(args.seed)
    ids = model.stage_ids
    figures: dict[str, object] = {"n": args.n, "seed": args.seed, "stages": {}}
    ok = True
    print(
        f"{args.n} simulated respondents per true stage, seed {args.seed}, "
        f"answers moved by ±{args.step} with probability {args.noise}\n"
    )
    header = "| true stage | correct | unclear | otherwise suggested | 1.x rule correct |"
    print(header + "\n|---|---:|---:|---|---:|")
    for stage in ids:
        picks: Counter[str] = Counter()
        old_correct = 0
        confidences: list[float] = []
        for _ in range(args.n):
            answers = respondent(model, stage, rng, args.noise, args.step)
            result = diagnose(model, answers)
            picks[result.suggested_stage or "unclear"] += 1
            if result.suggested_stage == stage and result.confidence is not None:
                confidences.append(result.confidence)
            old_correct += old_rule(model, answers) == stage
        share = picks[stage] / args.n
        ok &= share >= TARGET
        others = ", ".join(
            f"{k} {v / args.n:.1%}" for k, v in picks.most_common() if k not in {stage, "unclear"}
        )
        confidences.sort()
        median = confidences[len(confidences) // 2] if confidences else float("nan")
        mark = "OK" if share >= TARGET else "MISS"
        print(
            f"| {stage} | **{share:.1%}** ({mark}) | {picks['unclear'] / args.n:.1%} | "
            f"{others or '—'} | {old_correct / args.n:.1%} |"
        )
        figures["stages"][stage] = {  # type: ignore[index]
            "correct": share,
            "unclear": picks["unclear"] / args.n,
            "picks": dict(picks),
            "median_confidence": median,
            "old_rule_correct": old_correct / args.n,
        }
    print()
    low, high = model.scale.min, model.scale.max
    statement_ids = [s.id for s in model.diagnostic.statements]
    patterns = {f"all {v}": dict.fromkeys(statement_ids, v) for v in range(low, high + 1)}
    for name, answers in patterns.items():
        result = diagnose(model, answers)
        verdict = result.unclear or result.suggested_stage
        must = name == f"all {(low + high) // 2}" or len(set(answers.values())) == 1
        good = result.suggested_stage is None
        ok &= good or not must
        print(f"{name:>8}: {verdict}{'' if good or not must else '  (MISS: must be unclear)'}")
    random_picks: Counter[str] = Counter()
    for _ in range(args.n):
        answers = {s: rng.randint(low, high) for s in statement_ids}
        random_picks[diagnose(model, answers).suggested_stage or "unclear"] += 1
    print(f"uniform random answers: unclear {random_picks['unclear'] / args.n:.1%}")
    figures["random_unclear"] = random_picks["unclear"] / args.n
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print("\nall targets met" if ok else "\nTARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
