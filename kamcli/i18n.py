"""The one lookup for kamcli's own user-facing strings (not the model's texts).

Each language has one catalogue, `kamcli/locales/<lang>.yaml`, a mapping of namespaces
(`questionnaire`, `report`, …) to `str.format` templates. A key missing in a language falls
back to English, so a partial translation still shows a sentence; a test keeps both catalogues
complete and their format fields equal. Values are substituted once and never re-parsed, so
user text cannot inject fields.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml

FALLBACK = "en"
LANGUAGES = ("en", "zh")


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every string of `lang`, flattened to `namespace.key` (loaded once, on first use)."""
    if lang not in LANGUAGES:
        return {}
    text = resources.files("kamcli.locales").joinpath(f"{lang}.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    flat: dict[str, str] = {}
    for namespace, entries in data.items():
        for key, value in entries.items():
            flat[f"{namespace}.{key}"] = str(value)
    return flat


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` ("namespace.key") in `lang`, English if missing, `values` filled in."""
    template = catalogue(lang).get(key)
    if template is None:
        template = catalogue(FALLBACK)[key]
    return template.format(**values) if values else template
