"""Name what a file holds from its first bytes, whatever its extension says.

Web systems export HTML tables and SpreadsheetML 2003 XML under ``.xls``
names, BIFF workbooks get ``.xlsx`` names, CSV gets ``.xls`` names and a
``.txt`` may hold tab, comma, fixed-width text or SQL ``INSERT`` statements.
:func:`sniff` looks at ``SNIFF_BYTES`` from the top of a file (read once, by
:func:`read_head`) and names the content format; :mod:`scanners.readers`
maps that format to the reader that fits.  Nothing here decodes a value.
"""
from __future__ import annotations

import codecs
import re
import struct

from ..document import ReadError
from .delimited import utf16_without_bom

#: bytes read from the top of a file to name its content
SNIFF_BYTES = 8 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_LOCAL = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"

# content formats
OOXML = "ooxml"                 # zip with xl/ parts (xlsx xlsm xltx xltm xlam)
XLSB = "xlsb"                   # zip with xl/workbook.bin
ODS = "ods"                     # zip whose mimetype is an OpenDocument spreadsheet
ZIP = "zip"                     # a zip package whose first parts do not say which
OLE = "ole"                     # OLE2/CFB: BIFF5/8 xls, or an encrypted OOXML package
BIFF = "biff"                   # a bare BIFF2-4 worksheet stream (Excel 2.x-4.0, no OLE)
ACCESS = "access"               # Jet 3/4 or ACE database
HTML = "html"                   # an HTML page (tables)
MHTML = "mhtml"                 # a MIME web archive of HTML pages (Excel's "Single File Web Page")
SPREADSHEET_ML = "spreadsheetml"  # SpreadsheetML 2003 XML workbook
XML = "xml"                     # XML of another schema
SQL = "sql"                     # SQL INSERT (or COPY) statements
TEXT = "text"                   # delimited, fixed-width or running text
EMPTY = "empty"
BINARY = "binary"               # bytes no reader here understands

#: what a note calls each format
LABELS = {
    OOXML: "OOXML workbook", XLSB: "xlsb workbook", ODS: "ODS workbook", ZIP: "zip package",
    OLE: "OLE2 compound file", BIFF: "BIFF2-4 worksheet", ACCESS: "Access database",
    HTML: "HTML table", MHTML: "MHTML web archive", SPREADSHEET_ML: "SpreadsheetML 2003 XML", XML: "XML",
    SQL: "SQL INSERT dump", TEXT: "plain text", EMPTY: "empty file", BINARY: "binary data",
}

#: the record kinds of OOXML workbooks (by extension)
OOXML_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlam"})

#: formats a kind of file usually holds, and what a note calls that expectation
EXPECTED = {
    **{kind: ((OOXML, ZIP, OLE), "OOXML") for kind in OOXML_KINDS},
    "xls": ((OLE, BIFF), "BIFF"),
    "xlsb": ((XLSB, ZIP, OLE), "xlsb"),
    "ods": ((ODS, ZIP), "ODS"),
    **{kind: ((TEXT,), "plain text") for kind in ("csv", "tsv", "txt")},
    **{kind: ((ACCESS,), "Access") for kind in ("mdb", "accdb")},
}

#: signatures of common files that are none of the formats above (named in the error)
FOREIGN_MAGICS = (
    (b"%PDF-", "PDF document"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"), (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"), (b"MZ", "Windows executable"),
)

_BIFF_BOF_VERSIONS = (0x00, 0x02, 0x04, 0x08)      # high byte of the BOF record id
_BIFF_SUBSTREAMS = (0x0005, 0x0010, 0x0020, 0x0040, 0x0100)  # workbook, sheet, chart, macro, workspace
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: control bytes that do not occur in text (tab, CR, LF, FF, SUB and ESC do)
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26, 27))
_MAX_BINARY_SHARE = 0.01

_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|table|tr|td|th|thead|tbody|div|p|font|style)[\s>/]")
_WORKBOOK_TAG = re.compile(r"<(?:[\w.-]+:)?workbook[\s>]")
#: parts only an xlsb has, and parts only an XML workbook has (themes and xlsm's vbaProject.bin
#: are in both); the part separator may be a backslash
_XLSB_PART = re.compile(rb"xl[/\\](?:workbook\.bin|_rels[/\\]workbook\.bin\.rels|worksheets[/\\][^ ]*\.bin)")
_OOXML_PART = re.compile(
    rb"xl[/\\](?:workbook\.xml|_rels[/\\]workbook\.xml\.rels|worksheets[/\\][^ ]*\.xml|styles\.xml|sharedstrings\.xml)")
_MIME_HEADER = re.compile(r"(?:mime-version|content-type|from|subject|date|x-[\w-]+|content-location)\s*:")
_MULTIPART = re.compile(r"content-type:\s*multipart/related")
_SQL_COMMENT = re.compile(r"\s*(?:--[^\n]*\n|#[^\n]*\n|/\*.*?\*/|;)", re.S)
#: what the first statement of a dump starts with (MySQL, pg_dump, SQLite, SQL Server, Oracle)
_SQL_STATEMENT = re.compile(
    r"\s*(?:insert|create|set|drop|lock|unlock|begin|start|use|pragma|alter|delete|truncate|copy|commit"
    r"|select|go|rem|prompt|declare|\\connect|\\restrict)\b")
#: a statement that carries rows: INSERT [INTO] name ( / VALUES, or COPY ... FROM stdin
_SQL_DATA = re.compile(
    r"(?m)^\s*(?:insert\s+(?:(?:ignore|into)\s+)*[^\s(]+\s*(?:\(|values?\b)|copy\s+\S+.*\bfrom\s+stdin)")


def read_head(path: str) -> bytes:
    """The first SNIFF_BYTES of a file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError:
        raise ReadError("cannot open file") from None


def sniff(head: bytes) -> str:
    """The content format of a file from its first bytes (one of the constants above)."""
    if not head:
        return EMPTY
    if head.startswith(OLE_MAGIC):
        return OLE
    if head.startswith(ZIP_LOCAL) or head.startswith(ZIP_EMPTY):
        return _zip_format(head)
    if head[4:19] in (b"Standard Jet DB", b"Standard ACE DB"):
        return ACCESS
    if _is_bare_biff(head):
        return BIFF
    if _is_bitmap(head):          # pixel rows can look like 8-bit text
        return BINARY
    text = _ascii_view(head)
    if text is None:
        return BINARY
    return _text_format(text)


def foreign_label(head: bytes) -> str | None:
    """What a file of another sort is (a PDF, an image ...), from its magic bytes."""
    for magic, label in FOREIGN_MAGICS:
        if head.startswith(magic):
            return label
    if _is_bitmap(head):
        return "bitmap image"
    return None


def _is_bitmap(head: bytes) -> bool:
    """A BMP file header: "BM", zero reserved words, a known DIB header size."""
    return (len(head) >= 18 and head.startswith(b"BM") and head[6:10] == b"\0\0\0\0"
            and struct.unpack_from("<I", head, 14)[0] in (12, 40, 52, 56, 64, 108, 124))


def content_note(content: str, kind: str) -> str | None:
    """A note for the record when the content is not what the extension says, else None."""
    expected = EXPECTED.get(kind)
    if expected is None or content in expected[0] or content in (EMPTY, BINARY):
        return None
    return f"content: {LABELS[content]}, not {expected[1]}"


def _zip_format(head: bytes) -> str:
    """OOXML, xlsb or ODS from the names (and ODS mimetype) of the first local entries."""
    names = b" ".join(_local_names(head)).lower()
    if _XLSB_PART.search(names):
        return XLSB
    if _OOXML_PART.search(names):
        return OOXML
    if b"mimetype" in names and b"opendocument.spreadsheet" in head[:200]:
        return ODS
    return ZIP


def _local_names(head: bytes) -> list[bytes]:
    """Names of the zip's local file headers found in the head (sizes may be unknown: search)."""
    names, at = [], head.find(ZIP_LOCAL)
    while at != -1 and at + 30 <= len(head) and len(names) < 32:
        name_len = struct.unpack_from("<H", head, at + 26)[0]
        names.append(head[at + 30: at + 30 + min(name_len, 256)])
        at = head.find(ZIP_LOCAL, at + 30 + name_len)
    return names


def _is_bare_biff(head: bytes) -> bool:
    """A BIFF2-4 BOF record at offset 0: id 0x0009/0x0209/0x0409/0x0809, small length, known substream."""
    if len(head) < 8 or head[0] != 0x09 or head[1] not in _BIFF_BOF_VERSIONS:
        return False
    length, substream = struct.unpack_from("<H", head, 2)[0], struct.unpack_from("<H", head, 6)[0]
    return 4 <= length <= 20 and substream in _BIFF_SUBSTREAMS


def _ascii_view(head: bytes) -> str | None:
    """Lower-cased text of the head for finding ASCII markers; None when it is binary.

    UTF-16 (with or without a BOM) is decoded; any other encoding keeps its ASCII
    bytes where they are, which is all the markers need.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "replace").lower()
    utf16 = _utf16_byte_order(head)
    if utf16:
        return head.decode(utf16, "replace").lower()
    junk = len(head) - len(head.translate(None, _BINARY_BYTES))     # one C-level pass over 8 KB
    if junk > max(2, _MAX_BINARY_SHARE * len(head)):
        return None
    return head.decode("latin-1").lower()


def _utf16_byte_order(head: bytes) -> str | None:
    return utf16_without_bom(head) if b"\x00" in head else None


def _text_format(text: str) -> str:
    """HTML, SpreadsheetML, other XML, SQL or plain text, from the markers in decoded text."""
    start = text.lstrip(" \t\r\n\x00\ufeff")
    if _MIME_HEADER.match(start) and _MULTIPART.search(start):
        return MHTML
    if start.startswith("<"):
        html = _HTML_TAG.search(start)
        workbook = _WORKBOOK_TAG.search(start)
        if workbook and (html is None or workbook.start() < html.start()) and (
                "urn:schemas-microsoft-com:office:spreadsheet" in start or "excel.sheet" in start):
            return SPREADSHEET_ML
        if html:
            return HTML
        if start.startswith("<?xml"):
            return XML
    if _is_sql(start):
        return SQL
    return TEXT


def _is_sql(text: str) -> bool:
    """Statements from the first line on (comments allowed), with INSERT INTO or COPY FROM stdin among them."""
    at = 0
    while match := _SQL_COMMENT.match(text, at):
        if match.end() == at:
            break
        at = match.end()
    return bool(_SQL_STATEMENT.match(text, at)) and bool(_SQL_DATA.search(text))
