"""Shared pytest fixtures."""
pytest_plugins = ["registry_db", "web_fixtures", "smb_server"]  # registry, web app, Samba (tests/)
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
REALWORLD = REPO.parent / "shared" / "realworld"


@pytest.fixture(autouse=True)
def _scan_state_in_tmp(tmp_path, monkeypatch):
    """`inventory scan` keeps a state cache (instance/scan-state.db by default): one per test."""
    monkeypatch.setenv("INVENTORY_SCAN_STATE", str(tmp_path / "scan-state.db"))
    monkeypatch.delenv("INVENTORY_LANG", raising=False)          # texts in their default language


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus: real files written by other people (CI clones shared/ beside the repo)."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.fail(f"corpus not found at {CORPUS}: clone shared/ beside the repository")
    return CORPUS


@pytest.fixture(scope="session")
def realworld() -> Path:
    """../shared/realworld: real files by other authors with a labelled truth and a scorer."""
    if not (REALWORLD / "truth.tsv").is_file():
        pytest.fail(f"realworld set not found at {REALWORLD}: clone shared/ beside the repository")
    return REALWORLD


# ----- fixture `municipal_share` (demo share generator, inventory/demo/share.py) -----
@pytest.fixture(scope="session")
def municipal_share(tmp_path_factory):
    """The demo municipal share (seed 0, full scale), written once per test session.

    A :class:`inventory.demo.share.GeneratedShare`: ``.root``, ``.truth`` (path -> expected
    findings) and ``.personal_values`` (every personal value written, in memory only).
    """
    from inventory.demo.share import write_share

    return write_share(tmp_path_factory.mktemp("municipal_share"), seed=0, scale=1.0)
# ----- end of fixture `municipal_share` -----
