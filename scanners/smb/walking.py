"""The walk of an smb:// root (:func:`walk_smb_root`): the local walk's rules and order over
``smbclient.scandir``, yielding the same candidates."""
from __future__ import annotations

import datetime as dt
import errno
import stat
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator

from ..candidates import Candidate, data_kind_of, is_excluded, is_office_lock_file, is_snapshot_dir, kind_of
from ..shadow import sync_client_of_folder
from .connection import SmbRoot, SmbRootError, as_oserror, client_kwargs, parse_smb_root, smb_stat

# ----- walk -----

def walk_smb_root(root: str, exclude: Iterable[str] = (),
                  on_error: Callable[[str, OSError], None] | None = None,
                  on_dir: Callable[[str], None] | None = None,
                  data_only: bool = False,
                  only: Collection[str] | None = None) -> Iterator[Candidate]:
    """Yield candidates under an smb:// root, in the local walk's order and by its rules.

    Depth first, sorted by name; snapshot folders, Office lock files and
    excluded paths are skipped, symbolic links to folders are not followed,
    every file in a cloud-sync folder is a candidate.  A folder that cannot
    be listed (access denied, share gone) is reported through ``on_error``
    and the walk goes on with the next one.  ``only``: the names directly
    under the root to walk (one partition of a distributed scan).
    """
    exclude = tuple(exclude)
    try:
        target = parse_smb_root(root)
        kwargs = client_kwargs(target)
        top = smb_stat(target, kwargs)
    except Exception as exc:
        _report(on_error, _safe_url(root), exc)
        return
    if not stat.S_ISDIR(top.st_mode):
        name = target.path.rpartition("/")[2]
        cand = _file_candidate(target, name, target, name, top, None, data_only)
        if cand:
            yield cand
        return
    yield from _walk_tree(target, kwargs, exclude, on_error, on_dir, data_only, only)


def _walk_tree(target: SmbRoot, kwargs: dict, exclude: tuple, on_error, on_dir,
               data_only: bool, only: Collection[str] | None) -> Iterator[Candidate]:
    """The folder walk of :func:`walk_smb_root` (same shape as ``walk.walk_root``)."""
    stack: list[tuple[str, str | None]] = [("", None)]
    while stack:
        rel_dir, sync_client = stack.pop()
        if on_dir:
            on_dir(rel_dir)
        folder = target.child(rel_dir)
        try:
            entries = sorted(_list(folder, kwargs), key=lambda e: e.name)
        except Exception as exc:
            _report(on_error, rel_dir or target.url, exc)
            continue
        if sync_client is None and not data_only:
            folder_name = (folder.path or folder.share).rpartition("/")[2]
            sync_client = sync_client_of_folder(folder_name, {e.name for e in entries})
        subdirs = []
        for entry in entries:
            if only is not None and not rel_dir and entry.name not in only:
                continue
            rel = unicodedata.normalize("NFC", f"{rel_dir}/{entry.name}" if rel_dir else entry.name)
            if _is_folder(entry):
                if not is_snapshot_dir(entry.name) and not is_excluded(rel, exclude):
                    subdirs.append((rel, sync_client))
                continue
            if is_office_lock_file(entry.name) or is_excluded(rel, exclude):
                continue
            cand = _entry_candidate(target, rel, entry, kwargs, sync_client, data_only)
            if cand:
                yield cand
        stack.extend(reversed(subdirs))


def _list(folder: SmbRoot, kwargs: dict) -> list:
    """The entries of one folder, read to the end before the walk goes on."""
    import smbclient

    return list(smbclient.scandir(folder.unc(), **kwargs))      # the handle closes at the end


def _is_folder(entry) -> bool:
    """A folder to descend into; a link to a folder is not one (not followed, as locally)."""
    from smbprotocol.file_info import FileAttributes

    return bool(entry.smb_info.file_attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY) \
        and not entry.is_symlink()


def _entry_candidate(target: SmbRoot, rel: str, entry, kwargs: dict, sync_client: str | None,
                     data_only: bool) -> Candidate | None:
    """A candidate from a directory entry (a link to a file is followed, as the local walk does)."""
    info = entry.smb_info
    if entry.is_symlink():
        from smbprotocol.file_info import FileAttributes

        if info.file_attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY:
            return None                         # a link to a folder: not followed
        try:
            return _file_candidate(target, rel, target.child(rel), entry.name,
                                   smb_stat(target.child(rel), kwargs), sync_client, data_only)
        except Exception:
            return None                         # a dangling link, like os.stat failing locally
    kind = _kind(entry.name, sync_client, data_only)
    if kind is None:
        return None
    mtime_ns = _ns_since_epoch(info.last_write_time)
    return Candidate(root=target.url, path=rel, abspath=target.child(rel).url, kind=kind,
                     size=info.end_of_file, mtime=mtime_ns / 1e9, inode=info.file_id,
                     sync_client=sync_client, mtime_ns=mtime_ns)


def _file_candidate(target: SmbRoot, rel: str, where: SmbRoot, name: str, st,
                    sync_client: str | None, data_only: bool) -> Candidate | None:
    """A candidate from an ``smbclient.stat`` result (a single-file root, a link to a file)."""
    kind = _kind(name, sync_client, data_only)
    if kind is None or not stat.S_ISREG(st.st_mode):
        return None
    return Candidate(root=target.url, path=unicodedata.normalize("NFC", rel), abspath=where.url,
                     kind=kind, size=st.st_size, mtime=st.st_mtime_ns / 1e9, inode=st.st_ino,
                     sync_client=sync_client, mtime_ns=st.st_mtime_ns)


def _kind(name: str, sync_client: str | None, data_only: bool) -> str | None:
    """The record kind by the local walk's rules; in a cloud-sync folder every file is one."""
    kind = data_kind_of(name) if data_only else kind_of(name)
    if kind is None and sync_client is not None:
        return "other"
    return kind


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _ns_since_epoch(when: dt.datetime) -> int:
    """Nanoseconds since 1970 of an SMB time (smbclient gives microseconds)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return (when - _EPOCH) // dt.timedelta(microseconds=1) * 1000


def _report(on_error, where: str, exc: BaseException) -> None:
    if on_error:
        on_error(where, as_oserror(exc) if not isinstance(exc, SmbRootError) else OSError(
            errno.EINVAL, str(exc)))


def _safe_url(root: str) -> str:
    """A root fit for a warning: its canonical URL, or a placeholder when it does not parse."""
    try:
        return parse_smb_root(root).url
    except SmbRootError:
        return "smb://…"
