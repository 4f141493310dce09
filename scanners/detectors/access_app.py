"""Access business apps (業務アプリ): forms, reports, macros, VBA and linked tables."""
from __future__ import annotations

from ..readers.sniff import ACCESS


class AccessApp:
    """The ``app`` block and app risks of an Access database, from its document."""

    what = "app detector"

    def applies(self, file, rec: dict) -> bool:
        return (file.apps and rec["status"] in ("ok", "encrypted") and file.content == ACCESS
                and file.document is not None)

    def detect(self, file, rec: dict) -> None:
        from ..apps.access import access_app_facts

        facts = access_app_facts(file.document)
        rec["app"] = facts.to_record()
        rec["risks"].extend(facts.risks)
