"""What ``pip install .`` (not editable) installs: every file the code reads at run time.

An installed wheel has only what ``setup.cfg`` lists; a template, catalogue or
data file left out works in the checkout and fails on a city's server.  The
wheel is built for real and compared with the files the repository tracks.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("inventory", "scanners")
#: tracked files inside the packages that are not needed at run time
NOT_INSTALLED = (".pot",)


def tracked(*paths: str) -> list[str]:
    return subprocess.run(["git", "ls-files", "-z", *paths], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.split("\0")[:-1]


def tracked_package_files() -> set[str]:
    return {name for name in tracked(*PACKAGES) if not name.endswith(NOT_INSTALLED)}


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    source = tmp_path_factory.mktemp("source")       # the tracked files only: no stale build/ here
    for name in tracked():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--disable-pip-version-check", "-w", str(out), str(source)],
                   check=True, capture_output=True, env=dict(os.environ, TMPDIR=str(build)))
    wheel, = out.glob("inventory-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_every_file_of_the_packages(wheel_files):
    missing = sorted(tracked_package_files() - wheel_files)
    assert not missing, f"not installed by `pip install .` (add them to setup.cfg package_data): {missing}"


def test_the_wheel_holds_the_templates_the_web_app_renders(wheel_files):
    templates = {name for name in wheel_files if name.startswith("inventory/web/templates/")}
    assert "inventory/web/templates/base.html" in templates
    assert "inventory/web/templates/auth/login.html" in templates
