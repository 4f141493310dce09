"""App facts: what makes a file a home-made business application (業務アプリ).

Builders return :class:`AppFacts`; ``to_record()`` gives the scan record's
``app`` block (extra keys beyond the spec's are allowed).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AppFacts:
    is_app: bool | None = False      # None: could not tell (objects not read)
    kind: str | None = None          # "excel-vba" | "access" | None
    modules: int = 0                 # VBA standard + class modules (Excel), modules (Access)
    forms: int = 0                   # user forms (Excel), forms (Access)
    queries: int = 0                 # saved queries (Access)
    macros: int = 0                  # Access macros, or Excel 4 macro sheets
    code_lines: int = 0              # non-blank VBA lines
    auto_exec: bool = False          # runs code on open
    # extra keys (allowed by the spec), the complexity inputs of the EUC tools
    procedures: int = 0
    reports: int = 0
    formulas: int = 0
    external_links: int = 0
    connections: int = 0
    custom_ui: bool = False
    hidden_macro_sheets: int = 0     # Excel 4 macro sheets that are hidden or veryHidden
    vba: str = "none"                # "none" | "parsed" | "recovered: <why>; ..." | "unparsable: <reason>"
    complexity: str | None = None    # "High" | "Medium" | "Low" for apps
    risks: list[dict] = field(default_factory=list)

    def to_record(self) -> dict:
        # the spec's is_app is a boolean: "could not tell" (is_app None) is written
        # as false, with ``vba`` saying what was not read
        return {
            "is_app": bool(self.is_app), "kind": self.kind, "modules": self.modules, "forms": self.forms,
            "queries": self.queries, "macros": self.macros, "code_lines": self.code_lines,
            "auto_exec": self.auto_exec, "procedures": self.procedures, "reports": self.reports,
            "formulas": self.formulas, "external_links": self.external_links,
            "connections": self.connections, "custom_ui": self.custom_ui,
            "hidden_macro_sheets": self.hidden_macro_sheets, "vba": self.vba,
            "complexity": self.complexity,
        }
