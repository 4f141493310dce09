"""`inventory demo --no-serve` writes nothing but its own lines to standard error: no SAWarning,
no DeprecationWarning, no English traceback (issue 18: Japanese everywhere a person reads)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_writes_no_warning(tmp_path):
    env = dict(os.environ, INVENTORY_INSTANCE_PATH=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               PYTHONWARNINGS="always", INVENTORY_LANG="ja")
    done = subprocess.run([sys.executable, "-m", "inventory.cli.main", "demo", "--no-serve"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "デモ用の共有フォルダを作成しました" in done.stderr
