"""Reading a file of a share (:class:`SmbReads`): copy its bytes to a private temporary file,
inspect the copy as a local file, remove it; the temporary folders of a scan and their sweeping."""
from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import replace

from ..candidates import Candidate, is_smb_root
from ..record import base_record
from ..shadow import cloud_sync_risk
from .connection import COPY_CHUNK, DEFAULT_MAX_BYTES, ENV_MAX_BYTES, client_kwargs, describe, parse_smb_root

# ----- reading: copy to a private temporary file, then inspect as usual -----

class SmbReads:
    """The inspect function of a scan with smb:// roots: copy the file, inspect the copy.

    Local candidates go straight to ``inspect``.  Each process copies into its
    own folder (``<scan folder>/<pid>``), mode 0700, and removes each copy
    once inspected; what a killed worker left behind is removed by the next
    worker to start and, at the latest, with the whole scan folder when this
    object goes away in the parent (or the parent exits).  A scan folder
    whose parent died is removed by the next scan.
    """

    def __init__(self, inspect: Callable[[Candidate], dict], max_bytes: int | None = None):
        self.inspect = inspect
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes()
        self.owner = os.getpid()
        _sweep_stale_scans()
        self.folder = tempfile.mkdtemp(prefix=f"inventory-smb-{self.owner}-")
        self._finalizer = weakref.finalize(self, _remove_scan_folder, self.folder, self.owner)

    def __call__(self, cand: Candidate) -> dict:
        if not is_smb_root(cand.root) or cand.kind == "other":
            return self.inspect(cand)            # "other" files are never opened
        if cand.size > self.max_bytes:
            return unread_record(cand, too_large_reason(cand.size, self.max_bytes))
        try:
            copy = self._copy(cand)
        except _TooLarge as exc:
            return unread_record(cand, too_large_reason(exc.size, self.max_bytes))
        except Exception as exc:
            return unread_record(cand, f"cannot read file: {describe(exc)}")
        try:
            return self.inspect(replace(cand, abspath=copy))
        finally:
            _remove_copy(copy)

    def close(self) -> None:
        """Remove the scan folder now (and every copy in it)."""
        self._finalizer()

    def _copy(self, cand: Candidate) -> str:
        """Copy a candidate's bytes from the share into this process's folder; the copy's path.

        The copy keeps the file's name (in a folder of its own), as readers
        may use it: a CSV's table is named after its file.
        """
        import smbclient

        source = parse_smb_root(cand.abspath)
        copy = _private_name(tempfile.mkdtemp(dir=self._process_folder()), cand.path)
        try:
            with open(copy, "xb") as out, \
                    smbclient.open_file(source.unc(), mode="rb", share_access="rwd",
                                        **client_kwargs(source)) as src:
                copied = 0
                while chunk := src.read(COPY_CHUNK):
                    copied += len(chunk)
                    if copied > self.max_bytes:
                        raise _TooLarge(copied)
                    out.write(chunk)
        except BaseException:
            _remove_copy(copy)
            raise
        return copy

    def _process_folder(self) -> str:
        """This process's folder for copies, made on first use (sweeping dead workers' ones)."""
        folder = os.path.join(self.folder, str(os.getpid()))
        if not os.path.isdir(folder):
            _sweep_dead_workers(self.folder)
            os.makedirs(folder, mode=0o700, exist_ok=True)
        return folder


class _TooLarge(Exception):
    """The file grew past the size limit while it was copied."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def unread_record(cand: Candidate, reason: str) -> dict:
    """The record of a file whose bytes could not be had: as the local scanner's, with its risks."""
    rec = base_record(cand)
    if cand.sync_client:
        rec["risks"].append(cloud_sync_risk(cand.sync_client))
    rec["status"], rec["error"] = "error", reason
    return rec


def too_large_reason(size: int, limit: int) -> str:
    """Why a file was not copied: its size (at least) and the limit, and how to raise it."""
    return f"too large to copy from the share ({_size(size)}; limit {_size(limit)}, {ENV_MAX_BYTES})"


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


def _max_bytes() -> int:
    text = os.environ.get(ENV_MAX_BYTES, "")
    return int(text) if text.isdigit() else DEFAULT_MAX_BYTES


def _private_name(folder: str, rel: str) -> str:
    """The copy's path: the file's own name, shortened (extension kept) past the 255-byte limit."""
    name = rel.rpartition("/")[2]
    stem, ext = os.path.splitext(name)
    while len(os.fsencode(stem + ext)) > 255 and stem:
        stem = stem[:-1]
    return os.path.join(folder, (stem + ext) if len(os.fsencode(stem + ext)) <= 255 else "copy")


def _remove_copy(path: str) -> None:
    """Remove a copy and the folder made for it."""
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_dead_workers(scan_folder: str) -> None:
    """Remove the copy folders of workers that are gone (killed on a time-out, crashed)."""
    try:
        names = os.listdir(scan_folder)
    except OSError:
        return
    for name in names:
        if name.isdigit() and int(name) != os.getpid() and not _alive(int(name)):
            shutil.rmtree(os.path.join(scan_folder, name), ignore_errors=True)


def _sweep_stale_scans() -> None:
    """Remove scan folders left by scans whose process died (killed, power cut)."""
    parent = tempfile.gettempdir()
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        parts = name.split("-")
        pid = parts[2] if name.startswith("inventory-smb-") and len(parts) >= 4 else ""
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


def _remove_scan_folder(folder: str, owner: int) -> None:
    """Remove a scan's folder, in the process that made it only (a forked worker holds a copy)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
