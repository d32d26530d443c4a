"""Psychometrics for a cohort: scale reliability and careless-responding indices.

One import point for the CLI; the work is split by topic so each module stays small:
`reliability` (Cronbach's alpha, Feldt interval, item–rest r), `careless` (long-string,
IRV, speed) and `fdist` (the F quantiles the interval needs, without scipy).
"""

from kamcli.scoring.careless import (
    DEFAULT_IRV_MIN,
    LONG_STRING,
    LOW_IRV,
    MIN_ANSWERS_FOR_IRV_FLAG,
    TOO_FAST,
    CarelessFlag,
    careless,
    default_longstring_limit,
    irv,
    longest_run,
)
from kamcli.scoring.reliability import (
    MIN_RESPONDENTS,
    ScaleReliability,
    feldt_interval,
    reliability,
)

__all__ = [
    "DEFAULT_IRV_MIN",
    "LONG_STRING",
    "LOW_IRV",
    "MIN_ANSWERS_FOR_IRV_FLAG",
    "MIN_RESPONDENTS",
    "TOO_FAST",
    "CarelessFlag",
    "ScaleReliability",
    "careless",
    "default_longstring_limit",
    "feldt_interval",
    "irv",
    "longest_run",
    "reliability",
]
