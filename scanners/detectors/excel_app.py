"""Excel business apps (業務アプリ): VBA, Excel 4 macro sheets, ribbons, connections, links."""
from __future__ import annotations

from ..document import ReadError
from ..readers.sniff import OLE, OOXML, XLSB, ZIP

EXCEL_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlam", "xls", "xlsb"})
#: contents that can hold VBA, macro sheets or connections (HTML, XML or text saved as .xls cannot)
EXCEL_CONTAINERS = frozenset({OOXML, XLSB, ZIP, OLE})


class ExcelApp:
    """The ``app`` block and app risks of a workbook container (a zip or OLE file, whatever its name).

    A zip's facts come from the package its reader kept on the document
    (``Document.package``); an OLE container's (xls, encrypted OOXML) from the bytes its
    reader read (``FileRead.file_bytes``).  A zip the reader gave no document for (an
    encrypted xlsb), and an OLE file too large to hold, are still read here by path.
    """

    what = "app detector"

    def applies(self, file, rec: dict) -> bool:
        return (file.apps and rec["status"] in ("ok", "encrypted") and file.content in EXCEL_CONTAINERS
                and (file.candidate.kind in EXCEL_KINDS or file.content != ZIP))

    def detect(self, file, rec: dict) -> None:
        from ..apps.excel import excel_app_facts, package_app_facts

        package = file.document.package if file.document is not None else None
        if package is not None and file.content != OLE:
            if package.failure is not None:
                return               # as when the container could not be read for app facts
            facts = package_app_facts(package)
        else:
            cand = file.candidate
            ole = file.content == OLE
            source = file.file_bytes if ole and file.file_bytes is not None else cand.abspath
            try:
                facts = excel_app_facts(source, cand.kind, container="ole" if ole else "zip")
            except ReadError:
                return               # the data reader already judged the container
        rec["app"] = facts.to_record()
        rec["risks"].extend(facts.risks)
