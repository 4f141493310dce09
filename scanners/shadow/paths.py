"""Shadow IT seen in names alone: record kinds, cloud-sync roots, P2P artefacts.

Every function here looks at names only (no I/O) and takes microseconds.
"""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from ..record import risk
from .catalogue import Catalogue, default_catalogue

_PATH_SEPARATORS = re.compile(r"[\\/]+")


def shadow_kind(name: str, cat: Catalogue | None = None) -> str | None:
    """The record kind of a file name that matters to shadow IT, or None.

    ``executable``, ``script`` or ``shortcut`` by extension; ``other`` for P2P
    artefacts (``.torrent``, partial downloads, P2P client data files).  A walk passes
    ``cat``, taken once, so that ten thousand names cost no environment look-ups.
    """
    cat = cat or default_catalogue()
    _, dot, ext = name.rpartition(".")
    if dot:
        kind = cat.kinds.get(ext.lower())
        if kind:
            return kind
    if cat.p2p_names.match(name) is not None:
        return "other"
    return None


def p2p_artefact_risks(name: str) -> list[dict]:
    """``p2p-file-sharing`` for a .torrent file or a P2P client's data/config file name."""
    cat = default_catalogue()
    index = cat.p2p_names.match(name)
    if index is None:
        return []
    software, label = cat.p2p_artefacts[index]
    if software in cat.sanctioned_tools:
        return []
    return [risk("p2p-file-sharing", f"P2P ファイル共有ソフト {software} の{label}")]


def sync_client_of_folder(folder_name: str, entry_names: AbstractSet[str],
                          cat: Catalogue | None = None) -> str | None:
    """The cloud-sync client whose sync root this folder is, or None.

    Decided by the folder's own name (``OneDrive``, ``マイドライブ`` ...) or by
    marker entries the client writes into its root (``.dropbox``,
    ``.tmp.drivedownload`` ...).  Sanctioned folders (``[sanctioned]
    sync_folders``, e.g. the city's own ``OneDrive - 組織名``) give None.
    """
    cat = cat or default_catalogue()
    dot_entries: list[str] | None = None         # computed once, only if a client needs it
    if cat.any_sync_folder is not None and cat.any_sync_folder.match(folder_name) is None \
            and cat.any_sync_marker.isdisjoint(entry_names):
        dot_entries = [e for e in entry_names if e[:1] == "."]
        if not any(cat.any_sync_glob.match(e) is not None for e in dot_entries):
            return None                          # no client's name, no client's marker
    for client in cat.sync_clients:
        found = client.folder_names.match(folder_name) is not None
        if not found and (client.exact_markers or client.glob_markers is not None) and (
                client.marker_folder_names is None or client.marker_folder_names.match(folder_name) is not None):
            found = not client.exact_markers.isdisjoint(entry_names)
            if not found and client.glob_markers is not None:
                if dot_entries is None:
                    dot_entries = [e for e in entry_names if e[:1] == "."]
                found = any(client.glob_markers.match(e) is not None for e in dot_entries)
        if not found:
            continue
        if client.sanctionable and cat.sanctioned_sync_folders.match(folder_name) is not None:
            return None
        return client.name
    return None


def sync_client_in_path(path: str) -> str | None:
    """The cloud-sync client whose folder a path runs through (by folder names alone), or None.

    Used for shortcut targets such as ``C:\\Users\\x\\Dropbox\\...``; markers
    cannot be seen there, so a folder named ``Dropbox`` counts on its own.
    """
    cat = default_catalogue()
    for component in _PATH_SEPARATORS.split(path):
        if not component or len(component) > 255:
            continue
        for client in cat.sync_clients:
            if client.path_names.match(component) is None:
                continue
            if client.sanctionable and cat.sanctioned_sync_folders.match(component) is not None:
                break
            return client.name
    return None


def cloud_sync_risk(client: str) -> dict:
    """``cloud-sync-folder`` for a file inside a sync client's folder."""
    return risk("cloud-sync-folder", f"クラウド同期フォルダ（{client}）内のファイル")
