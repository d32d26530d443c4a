"""A plain (non-editable) install from a wheel works from any directory: the model ships inside."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("kamcli-*.whl")
    return built


def test_wheel_ships_the_default_model(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "kamcli/_default_model/model.yaml" in names
    assert "kamcli/_default_model/diagnostic.yaml" in names
    assert sum(n.startswith("kamcli/_default_model/competencies/") for n in names) >= 12
    assert sum(n.startswith("kamcli/_default_model/stages/") for n in names) == 4
    assert any(n.endswith("entry_points.txt") for n in names)
    assert {"kamcli/locales/en.yaml", "kamcli/locales/zh.yaml"} <= set(names)


def dependency_paths() -> list[str]:
    """Where this interpreter finds kamcli's dependencies: its site-packages, not the checkout.

    A fresh venv sees them through a .pth file, so the test needs no network and runs in
    whatever environment the README's commands (or CI) created.
    """
    paths = [*site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        paths.append(site.getusersitepackages())
    return [p for p in paths if Path(p).is_dir() and Path(p).resolve() != ROOT]


def test_installed_wheel_runs_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(own_site) / "kam-test-deps.pth").write_text("\n".join(dependency_paths()) + "\n")
    # With its dependencies: pip must find every one the wheel declares, offline.
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kam = venv / "bin" / "kam"
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "KAM_HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
    }
    where = subprocess.run(
        [str(python), "-c", "import kamcli; print(kamcli.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in where.stdout, "the wheel's kamcli, not the checkout's, is imported"
    shown = subprocess.run(
        [str(kam), "model", "show", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert len(data["competencies"]) >= 12
    stages = subprocess.run(
        [str(kam), "--lang", "zh", "stages"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert stages.returncode == 0 and "初期阶段" in stages.stdout
