"""Detectors: read a Document, never a file; return findings that hold no values.

``detect_personal(document) -> PersonalResult`` is the entry point for
personal data (implemented in :mod:`scanners.detectors.personal`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# the contract's categories; detectors import them from here as well
from ..record import CATEGORIES, MY_NUMBER_CATEGORY, SENSITIVE_CATEGORIES


@dataclass(frozen=True)
class ColumnFinding:
    """A column judged to hold one category of personal data.

    Holds evidence (matched header term, ratios, a fully masked example),
    never a value read from the file.
    """

    table: str                 # sheet or table name
    column: str                # "C" for sheets and CSV, the field name for Access
    index: int                 # 0-based column index
    header: str | None         # the header text as written; None when the table has no header
    category: str              # a category code of the spec (name, address, ...)
    confidence: float          # 0..1
    hidden: bool = False       # in a hidden sheet, or the column itself is hidden, or (most of) its rows are
    #: counts, ratios, a fully masked example, the matched header term and, for findings of
    #: the layout rules, a code: ``rule`` is form-field, card, text-field, text, beside-names,
    #: family-or-given-names, split-phone (with ``columns``) or postcode-in-address
    evidence: dict = field(default_factory=dict, compare=False, hash=False)

    def to_record(self) -> dict:
        out = {
            "sheet": self.table,
            "column": self.column,
            "header": self.header,
            "category": self.category,
            "confidence": round(self.confidence, 2),
            "hidden": self.hidden,
        }
        if self.evidence:
            out["evidence"] = self.evidence
        return out


@dataclass
class PersonalResult:
    present: bool = False
    categories: list[str] = field(default_factory=list)
    sensitive: bool = False
    my_number: bool = False
    records: int = 0
    columns: list[ColumnFinding] = field(default_factory=list)

    @classmethod
    def found(cls, columns: list[ColumnFinding], records: int) -> PersonalResult:
        """The result of a file holding personal data: categories, 要配慮 and 個人番号 from its findings."""
        categories = {c.category for c in columns}
        return cls(present=True, categories=[c for c in CATEGORIES if c in categories],
                   sensitive=bool(categories & SENSITIVE_CATEGORIES), my_number=MY_NUMBER_CATEGORY in categories,
                   records=records, columns=columns)

    def to_record(self) -> dict:
        return {
            "present": self.present,
            "categories": list(self.categories),
            "sensitive": self.sensitive,
            "my_number": self.my_number,
            "records": self.records,
            "columns": [c.to_record() for c in self.columns],
        }
