"""Shares and their department mappings, loaded once per ingest call.

A record's root may be a share's root, a folder under it, or a single file
under it; the registry keys every file under a share by the share's root
and the path relative to it, so the same file has the same identity however
the share was scanned.  A run started for a share (``--share NAME``) takes
roots that match no share as that share's root (a remote scanner's mount).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from inventory.registry.rows import normalise_root
from inventory.models import Share, ShareMapping


@dataclass
class ShareIndex:
    #: (normalised root, share id), longest root first
    roots: list[tuple[str, int]] = field(default_factory=list)
    #: share id -> [(prefix, department id)], longest prefix first
    mappings: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def load(cls, session) -> ShareIndex:
        shares = session.execute(select(Share.id, Share.root)).all()
        roots = sorted(((normalise_root(r.root), r.id) for r in shares), key=lambda t: -len(t[0]))
        mappings: dict[int, list[tuple[str, int]]] = {}
        for m in session.execute(select(ShareMapping.share_id, ShareMapping.prefix,
                                        ShareMapping.department_id)):
            prefix = unicodedata.normalize("NFC", m.prefix.replace("\\", "/")).strip("/")
            mappings.setdefault(m.share_id, []).append((prefix, m.department_id))
        for items in mappings.values():
            items.sort(key=lambda t: -len(t[0]))
        return cls(roots, mappings)

    def locate_root(self, root: str, run_share_id: int | None = None) -> tuple[int | None, str, str]:
        """(share id, the root the registry keys by, prefix under it) for a normalised root."""
        for share_root, share_id in self.roots:
            if root == share_root:
                return share_id, share_root, ""
            if root.startswith(share_root.rstrip("/") + "/"):
                return share_id, share_root, root[len(share_root.rstrip("/")) + 1:]
        if run_share_id is not None:
            for share_root, share_id in self.roots:
                if share_id == run_share_id:
                    return share_id, share_root, ""
        return None, root, ""

    def locate(self, root: str, path: str, run_share_id: int | None = None
               ) -> tuple[int | None, str, str]:
        """(share id, key root, key path) of a record's normalised root and path."""
        share_id, key_root, prefix = self.locate_root(root, run_share_id)
        if not prefix:
            return share_id, key_root, path
        if "/" not in path and prefix.rpartition("/")[2] == path:
            return share_id, key_root, prefix          # the root was this very file
        return share_id, key_root, f"{prefix}/{path}"

    def department(self, share_id: int | None, path: str) -> int | None:
        """The department of the longest mapping prefix that contains ``path``."""
        for prefix, department_id in self.mappings.get(share_id, ()) if share_id else ():
            if not prefix or path == prefix or path.startswith(prefix + "/"):
                return department_id
        return None

    def scopes(self, roots: list[str], run_share_id: int | None = None) -> list[tuple[str, str]]:
        """The (key root, prefix) scopes a run's roots cover."""
        return sorted({self.locate_root(r, run_share_id)[1:] for r in roots})
