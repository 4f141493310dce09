"""Sheet names that are personal values, labelled wherever the record names them."""
from __future__ import annotations

import re

_FAILED_SHEET_NOTE = re.compile(r"^sheet (.+?): ")


class MaskedSheetNames:
    """Label the sheets named like a person, a phone or a 12-digit number (:mod:`.sheet_names`),
    wherever the record names them; sheets only a note names count after the read ones."""

    what = "sheet-name check"

    def applies(self, file, rec: dict) -> bool:
        return file.document is not None

    def detect(self, file, rec: dict) -> None:
        from .sheet_names import mask_record_sheets, sheet_masks

        names = [table.name for table in file.document.tables]
        names += [m.group(1) for n in rec.get("notes") or [] if (m := _FAILED_SHEET_NOTE.match(n))]
        mask_record_sheets(rec, sheet_masks(names))
