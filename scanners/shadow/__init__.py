"""Shadow IT on the file share: cloud-sync folders, remote-access and P2P software,
upload scripts with passwords, shortcuts to unsanctioned cloud storage.

Each ``*_risks`` function returns ``[{"code": ..., "detail": ...}]`` with
the spec's risk codes; details are Japanese, for the IT division, and never
hold a password, host, URL or any other value read from a file.  What is
recognised is data: ``scanners/data/shadow_it.toml`` (see :mod:`.catalogue`).

Name checks (``shadow_kind``, ``sync_client_of_folder``, ``p2p_artefact_risks``)
do no I/O; the others read a bounded part of one file and raise
:class:`~scanners.document.ReadError` only when it cannot be read at all.
"""
from __future__ import annotations

import importlib

from .catalogue import CatalogueError, default_catalogue, load_catalogue
from .paths import (
    cloud_sync_risk,
    p2p_artefact_risks,
    shadow_kind,
    sync_client_in_path,
    sync_client_of_folder,
)

#: the file checks, imported on first use: the walk needs only the name checks above
_FILE_CHECKS = {"executable_name_risks": "executables", "executable_risks": "executables",
                "script_risks": "scripts", "shortcut_risks": "shortcuts"}


def __getattr__(name: str):
    if name in _FILE_CHECKS:
        return getattr(importlib.import_module(f".{_FILE_CHECKS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def shadow_risks(path: str, name: str, kind: str) -> list[dict]:
    """The shadow-IT risks of one file of a kind ``shadow_kind`` gave (dispatch helper)."""
    if kind == "executable":
        from .executables import executable_risks
        return executable_risks(path, name)
    if kind == "script":
        from .scripts import script_risks
        return script_risks(path)
    if kind == "shortcut":
        from .shortcuts import shortcut_risks
        return shortcut_risks(path, name)
    if kind == "other":
        return p2p_artefact_risks(name)
    return []


__all__ = [
    "CatalogueError", "cloud_sync_risk", "default_catalogue", "executable_name_risks", "executable_risks",
    "load_catalogue",
    "p2p_artefact_risks", "script_risks", "shadow_kind", "shadow_risks", "shortcut_risks",
    "sync_client_in_path", "sync_client_of_folder",
]
