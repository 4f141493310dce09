"""Files only their owner may read: the registry, the scan state cache, the spool, the
secret key.  They hold where every citizen's personal data lives (paths, headers, owners).

Folders are made 0700 and files created 0600, whatever the process umask.  A SQLite
database is created here, empty, before SQLite opens it: SQLite gives its -wal, -shm and
-journal files the mode of the database file, so they are private too without changing
the umask (which is process-wide and would race between a web server's threads).
"""
from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike, tighten: bool = False) -> Path:
    """``path`` as a folder, made 0700 with any missing parents (existing parents are left
    as they are: they may be /tmp or a shared mount); ``tighten`` makes an existing
    ``path`` of ours 0700 too (the instance folder of an older install)."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, FOLDER_MODE)        # mkdir's mode passes through the umask
    if tighten and path.stat().st_uid == os.geteuid():
        os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: str | os.PathLike) -> Path:
    """``path`` created empty (0600, in a private folder) if it does not exist; an existing
    file of ours is made 0600."""
    path = Path(path)
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def open_private(path: str | os.PathLike, mode: str = "ab", **kwargs):
    """``open(path, mode)`` with a new file created 0600."""
    return open(path, mode, opener=lambda name, flags: os.open(name, flags, FILE_MODE), **kwargs)
