"""Personal data in a document: columns of tables, or running text (a memo, a letter)."""
from __future__ import annotations


class PersonalData:
    """The record's ``personal`` block; the reader's notes follow it."""

    what = "detector"

    def applies(self, file, rec: dict) -> bool:
        return file.document is not None

    def detect(self, file, rec: dict) -> None:
        from .personal import detect_personal

        document = file.document
        personal = detect_personal(document)
        if not personal.present and document.text:
            from .prose import detect_prose
            personal = detect_prose(document.text, rec["path"].rpartition("/")[2].rpartition(".")[0] or "text")
        rec["personal"] = personal.to_record()
        file.personal = personal
        if document.notes:
            rec["notes"] = rec.get("notes", []) + list(document.notes)
