"""Walk scan roots and yield the files worth inspecting.

Skip rules are plain ``is_*`` functions so each can be tested alone; they and
:class:`Candidate` live in :mod:`scanners.candidates`, shared with the SMB walk.
"""
from __future__ import annotations

import operator
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator

from .candidates import (KIND_BY_EXTENSION, Candidate, data_kind_of, is_excluded, is_office_lock_file,
                         is_smb_root, is_snapshot_dir, kind_of)
from .shadow import sync_client_of_folder
from .shadow.catalogue import Catalogue, default_catalogue

#: the walks and, for the callers that import them from here, the candidate rules
#: (:mod:`scanners.candidates`)
__all__ = ["KIND_BY_EXTENSION", "Candidate", "data_kind_of", "escaped", "is_excluded",
           "is_office_lock_file", "is_smb_root", "is_snapshot_dir", "kind_of", "shown_name",
           "walk_root", "walk_roots"]

_name = operator.attrgetter("name")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


#: what Python's cp932 codec makes of bytes no Shift_JIS name has (0x80, 0xA0, 0xFD-0xFF:
#: C1 controls and private use): such a name was not cp932
_NOT_CP932_TEXT = re.compile("[\u0080-\u009f\ue000-\uf8ff]")


def escaped(text: str) -> str:
    """``text`` with the bytes of its lone surrogates (names that are not UTF-8) as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shown_name(name: str) -> tuple[str, str | None]:
    """(a file or folder name as records show it, how it was decoded).

    Python gives names whose bytes are not UTF-8 with lone surrogates, which no
    UTF-8 record can carry.  On Japanese shares such bytes are nearly always
    cp932 (Shift_JIS) names of a server mounted without ``iocharset``: they are
    decoded as cp932 ("cp932"); bytes that are not cp932 either are shown as
    ``\\xNN`` escapes ("escaped").  Other names are returned as they are (None).
    The file is still opened by its real name (``Candidate.abspath``).
    """
    if name.isascii():
        return name, None
    try:
        name.encode("utf-8")
        return name, None
    except UnicodeEncodeError:
        pass
    try:
        text = name.encode("utf-8", "surrogateescape").decode("cp932")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _NOT_CP932_TEXT.search(text):
        return text, "cp932"
    return escaped(name), "escaped"


def _joined(rel_dir: str, name: str, how: str | None) -> tuple[str, str | None]:
    """The relative path of ``name`` in ``rel_dir`` (NFC, shown names) and how any of it
    was decoded (``how`` is the folder's)."""
    shown, own = shown_name(name)
    return _nfc(f"{rel_dir}/{shown}" if rel_dir else shown), own or how


def walk_root(root: str, exclude: Iterable[str] = (),
              on_error: Callable[[str, OSError], None] | None = None,
              on_dir: Callable[[str], None] | None = None,
              data_only: bool = False, only: Collection[str] | None = None) -> Iterator[Candidate]:
    """Yield candidates under one root (a folder or a single file), depth first, sorted by name.

    Symbolic links to folders are not followed (loops, and links out of the share).
    Folders that cannot be listed are reported through ``on_error`` and skipped.
    ``data_only`` keeps spreadsheets, text tables and databases only (no
    shadow-IT kinds, no cloud-sync folders).  ``only``: the names directly
    under a folder root to walk (one partition of a distributed scan; its
    records are those a walk of the whole root gives for these names).
    """
    exclude = tuple(exclude)
    cat = None if data_only else default_catalogue()     # once per walk, not once per name
    kinds = KIND_BY_EXTENSION if cat is None else {**cat.kinds, **KIND_BY_EXTENSION}
    p2p = None if cat is None else cat.p2p_names
    p2p_extensions = None if p2p is None else p2p.extensions
    top = os.path.abspath(root)
    if os.path.isfile(top):
        name = os.path.basename(top)
        rel, how = _joined("", name, None)
        cand = _candidate(root, rel, top, name, data_only=data_only, cat=cat, name_encoding=how)
        if cand:
            yield cand
        return
    stack: list[tuple[str, str, str | None, str | None]] = [("", top, None, None)]
    while stack:
        rel_dir, abs_dir, sync_client, dir_how = stack.pop()
        if on_dir:
            on_dir(rel_dir)
        try:
            with os.scandir(abs_dir) as it:
                entries = sorted(it, key=_name)
        except OSError as exc:
            if on_error:
                on_error(rel_dir or ".", exc)
            continue
        if sync_client is None and not data_only:
            sync_client = sync_client_of_folder(os.path.basename(abs_dir), {e.name for e in entries}, cat)
        subdirs = []
        for entry in entries:
            name = entry.name
            if only is not None and not rel_dir and name not in only:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                if on_error:
                    on_error(_joined(rel_dir, name, None)[0], exc)
                continue
            if is_dir:
                rel, how = _joined(rel_dir, name, dir_how)
                if not is_snapshot_dir(name) and not (exclude and is_excluded(rel, exclude)):
                    subdirs.append((rel, entry.path, sync_client, how))
                continue
            if name[:2] == "~$":                            # is_office_lock_file, inlined
                continue
            # kind_of, inlined, and before the relative path is made: most names of a share are
            # of no use to the scanner and cost only this look-up
            _, dot, ext = name.rpartition(".")
            ext = ext.lower() if dot else ""
            kind = kinds.get(ext)
            if kind is None and p2p is not None and (p2p_extensions is None or ext in p2p_extensions) \
                    and p2p.match(name) is not None:
                kind = "other"
            if kind is None and sync_client is None:
                continue
            rel, how = _joined(rel_dir, name, dir_how)
            if exclude and is_excluded(rel, exclude):
                continue
            cand = _candidate(root, rel, entry.path, name, entry, sync_client, data_only, cat,
                              kind=kind or "other", name_encoding=how)
            if cand:
                yield cand
        stack.extend(reversed(subdirs))


def _candidate(root: str, rel: str, abspath: str, name: str,
               entry: os.DirEntry | None = None, sync_client: str | None = None,
               data_only: bool = False, cat: Catalogue | None = None,
               kind: str | None = None, name_encoding: str | None = None) -> Candidate | None:
    """A candidate for a file the scanner inspects; in a cloud-sync folder every file is one."""
    if kind is None:
        kind = data_kind_of(name) if data_only else kind_of(name, cat)
    if kind is None:
        if sync_client is None:
            return None
        kind = "other"
    try:
        st = entry.stat(follow_symlinks=True) if entry else os.stat(abspath)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return Candidate(root=root, path=rel, abspath=abspath, kind=kind, size=st.st_size,
                     mtime=st.st_mtime, inode=st.st_ino, sync_client=sync_client,
                     mtime_ns=st.st_mtime_ns, name_encoding=name_encoding)


def walk_warning(where: str, exc: OSError) -> str:
    """The scanner's own (English) line for a folder it could not list."""
    return f"warning: cannot list {where}: {exc.strerror or type(exc).__name__}"


def walk_roots(roots: Iterable[str], exclude: Iterable[str] = (),
               on_dir: Callable[[str], None] | None = None,
               data_only: bool = False,
               on_error: Callable[[str, OSError], None] | None = None) -> Iterator[Candidate]:
    """Candidates under every root in turn; unreadable folders are reported to ``on_error``
    (a scan that missed a folder must not call the files in it removed), which words the
    warning for people (the registry's command line prints it in Japanese); without
    ``on_error``, an English line on stderr (:func:`walk_warning`)."""
    def warn(where: str, exc: OSError) -> None:
        if on_error is not None:
            on_error(where, exc)
        else:
            print(walk_warning(where, exc), file=sys.stderr)

    for root in roots:
        walk = walk_root
        if is_smb_root(root):                # a Windows share read without mounting it (smb/)
            from .smb import walk_smb_root as walk
        yield from walk(root, exclude, on_error=warn, on_dir=on_dir, data_only=data_only)
