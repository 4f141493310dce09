"""Personal data kept out of sight: in a hidden sheet, hidden columns or hidden rows."""
from __future__ import annotations


class HiddenData:
    """``hidden-personal-data`` risks, from the personal-data result and the document's hidden flags."""

    what = "detector"

    def applies(self, file, rec: dict) -> bool:
        return file.document is not None and file.personal is not None

    def detect(self, file, rec: dict) -> None:
        from ..risks import hidden_data_risks

        rec["risks"].extend(hidden_data_risks(file.document, file.personal))
