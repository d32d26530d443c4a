"""How to install an optional extra (pdf, xlsx), said right for how this kamcli was installed.

From a source checkout, `pip install "kamcli[pdf]"` would fetch whatever the package index
calls kamcli, not this code; the checkout's own path with the extra is what works there.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

PACKAGE_DIR = Path(__file__).resolve().parent


def install_command(extra: str) -> str:
    """The pip command that adds `extra`, naming both forms when run from a source checkout."""
    release = f'pip install "kamcli[{extra}]"'
    found = source_checkout()
    if found is None:
        return release
    folder, editable = found
    local = f'pip install {"-e " if editable else ""}"{folder}[{extra}]"'
    return (
        f"{local} (kamcli was installed from that source checkout; "
        f"from the package index it would be {release})"
    )


@cache
def source_checkout() -> tuple[Path, bool] | None:
    """The project folder kamcli was installed from, and whether editably; None for a release."""
    from_metadata = _installed_from_folder()
    if from_metadata is not None:
        return from_metadata
    beside = PACKAGE_DIR.parent  # run from the tree itself (PYTHONPATH, python -m in a checkout)
    if (beside / "pyproject.toml").is_file() and (beside / "kamcli" / "__init__.py").is_file():
        return beside, True
    return None


def _installed_from_folder() -> tuple[Path, bool] | None:
    """A pip install from a local folder records it in direct_url.json (PEP 610)."""
    from importlib import metadata

    try:
        text = metadata.distribution("kamcli").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    url = data.get("url", "") if isinstance(data, dict) else ""
    if not isinstance(url, str) or "dir_info" not in data or not url.startswith("file:"):
        return None
    folder = Path(unquote(urlparse(url).path))
    if not (folder / "pyproject.toml").is_file():
        return None
    dir_info = data["dir_info"]
    return folder, isinstance(dir_info, dict) and dir_info.get("editable") is True
