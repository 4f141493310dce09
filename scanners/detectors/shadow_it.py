"""Shadow IT in an executable, script or shortcut (catalogue: scanners/data/shadow_it.toml)."""
from __future__ import annotations

from ..document import ReadError

#: kinds judged by what they are and point to; their contents are not read as a document
SHADOW_KINDS = frozenset({"executable", "script", "shortcut"})


class ShadowIT:
    """Cloud-storage, remote-control and P2P software an executable, script or shortcut shows."""

    what = "shadow-IT check"

    def applies(self, file, rec: dict) -> bool:
        return file.candidate.kind in SHADOW_KINDS

    def detect(self, file, rec: dict) -> None:
        from ..shadow import shadow_risks

        cand = file.candidate
        name = cand.path.rpartition("/")[2]
        try:
            rec["risks"].extend(shadow_risks(cand.abspath, name, cand.kind))
        except ReadError as exc:
            rec["status"], rec["error"] = "error", str(exc) or "unreadable"
            if cand.kind == "executable":
                from ..shadow.executables import executable_name_risks
                rec["risks"].extend(executable_name_risks(name))
