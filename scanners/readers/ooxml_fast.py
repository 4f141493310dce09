"""Regex fast path for Excel-shaped worksheet rows and shared strings.

expat's Python callbacks (about five per cell) cost most of a scan.  Here a
part is inflated incrementally, under the same byte caps as
:mod:`.ooxml_sheet`, and read with compiled regexes over a strict grammar:
the XML Excel, xlsxwriter, openpyxl and most writers produce.  Anything
outside it (namespace prefixes on rows or cells, CDATA, comments, markup
compatibility blocks, an encoding other than UTF-8, characters XML forbids,
unknown entities, a truncated or corrupt part) raises :class:`Declined` and
the caller reads the part again with expat.  Both paths give the same
sample: the row rules live in :class:`.ooxml_sheet.SheetHandler`, which both
drive, and a worksheet's head (everything before ``<sheetData>``) is still
parsed by expat.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
from bisect import bisect_right
from collections import Counter
from xml.parsers import expat

from ..document import ReadError
from .numfmt import DATE, from_serial
from .ooxml_sheet import (MAX_COLUMNS, SHARED_STRINGS_BYTES, SHEET_SAMPLE_BYTES, SharedRef, SheetHandler,
                          column_of, number, unescape)
from .safezip import StopParsing, iter_part

#: bytes of a worksheet allowed before <sheetData> (sheetPr, dimension, views, cols)
HEAD_BYTES = 2 << 20
#: characters of one row (or one shared string) the fast path holds; longer ones go to expat
LONG_ROW = 2 << 20
#: characters of shared strings matched at a time
SST_BLOCK = 8 << 10

#: parts handed back to expat, by reason (for measurements and tests)
declined: Counter[str] = Counter()


class Declined(Exception):
    """The part is outside the fast path's grammar: read it with expat instead."""


def _decline(reason: str):
    declined[reason] += 1
    raise Declined(reason)


# ---------------------------------------------------------------- grammar
_S = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.:-]*"
_ATTR_LIST = r"(?:%s+%s%s*=%s*(?:\"[^\"<]*\"|'[^'<]*'))*%s*" % (_S, _NAME, _S, _S, _S)
_T = r"<t%s(?:/>|>[^<]*</t>)" % _ATTR_LIST
_RUN_PROPERTIES = r"<rPr%s(?:/>|>(?:%s*<[A-Za-z]+%s/>)*%s*</rPr>)" % (_ATTR_LIST, _S, _ATTR_LIST, _S)
_RUN = r"<r%s>%s*(?:%s%s*)?%s%s*</r>" % (_ATTR_LIST, _S, _RUN_PROPERTIES, _S, _T, _S)
_PHONETIC_RUN = r"<rPh%s>(?:%s*(?:%s|%s))*%s*</rPh>" % (_ATTR_LIST, _S, _T, _RUN, _S)
_PHONETIC_PROPERTIES = r"<phoneticPr%s/>" % _ATTR_LIST
#: the content of a shared string <si> or an inline string <is>
_RICH = r"(?:%s*(?:%s|%s|%s|%s))*%s*" % (_S, _T, _RUN, _PHONETIC_RUN, _PHONETIC_PROPERTIES, _S)

_SI_PLAIN = re.compile(r'<si><t(?: xml:space="preserve")?>[^<]*</t></si>')
_SI = re.compile(r"%s*(?:<si>%s</si>|<si/>)" % (_S, _RICH))
_SST_HEAD = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[ \t\r\n][^>]*\?>)?[ \t\r\n]*<sst(?:[ \t\r\n][^>]*)?>")
_SST_END = re.compile(r"%s*</sst>%s*" % (_S, _S))

_SHEET_DATA = re.compile(rb"<sheetData[ \t\r\n]*(/?)>")
_SHEET_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[ \t\r\n][^>]*\?>)?[ \t\r\n]*<[A-Za-z_][A-Za-z0-9_.-]*[ \t\r\n/>]")
_DECLARED_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*[\"']([^\"']*)")
_ROW = re.compile(r"%s*<row(%s)(/?)>" % (_S, _ATTR_LIST))
_SPACE = re.compile(r"%s*" % _S)
#: row attributes as Excel and xlsxwriter write them (each name once, in this
#: order): only r and hidden matter to SheetHandler.open_row
_ROW_ATTRS = re.compile(
    r' r="([0-9]{1,7})"(?: spans="[0-9:]{1,20}")?(?: s="[0-9]{1,6}")?(?: customFormat="(?:1|true)")?'
    r'(?: ht="[0-9.]{1,20}")?(?: hidden="(1|true)")?(?: customHeight="(?:1|true)")?'
    r'(?: outlineLevel="[0-9]")?(?: collapsed="(?:1|true)")?(?: x14ac:dyDescent="[0-9.]{1,20}")?')
#: one cell: the column letters of r, s, t in Excel's order (groups 1-3) or any attributes (4);
#: its <v> text (5) or inline string (6); anything else is one character (7)
_CELL = re.compile(
    r"%s*<c(?:(?: r=\"([A-Z]{1,3})[0-9]{1,7}\")?(?: s=\"([0-9]{1,6})\")?(?: t=\"([a-zA-Z]{1,9})\")?"
    r"|((?:%s+%s%s*=%s*(?:\"[^\"<]*\"|'[^'<]*'))+))%s*"
    r"(?:/>|>%s*(?:<f%s(?:/>|>[^<]*</f>)%s*)?(?:<v%s>([^<]*)</v>%s*|<v%s/>%s*|<is>(%s)</is>%s*)?</c>)"
    r"|(.)" % (_S, _S, _NAME, _S, _S, _S, _S, _ATTR_LIST, _S, _ATTR_LIST, _S, _ATTR_LIST, _S, _RICH, _S), re.S)

#: the common cell only (reference, style, number or shared-string type, value, an
#: optional formula); anything else is one character (group 5) and sends the row to _CELL
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]{1,3})[0-9]{1,7}"(?: s="([0-9]{1,6})")?(?: t="([ns])")?'
    r"(?:/>|>(?:<f%s(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?</c>)|(.)" % _ATTR_LIST, re.S)
_ATTR = re.compile(r"(%s)%s*=%s*(?:\"([^\"<]*)\"|'([^'<]*)')" % (_NAME, _S, _S))
_T_TEXT = re.compile(r"<t%s>([^<]*)</t>" % _ATTR_LIST)
_PHONETIC = re.compile(r"<rPh[ \t\r\n>].*?</rPh>", re.S)

# ---------------------------------------------------------------- characters and references
#: bytes of characters XML forbids (U+FFFE and U+FFFF are checked once decoded)
_FORBIDDEN_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))
#: the five predefined entities and character references, the only ones without a DTD
_REFERENCE_AT = re.compile(r"&(?:lt|gt|amp|quot|apos|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_REFERENCE = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_LINE_BREAKS = re.compile(r"[\t\n\r]")


def _xml_char(code: int) -> bool:
    return code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


class _Decoder:
    """UTF-8 text of a part, chunk by chunk, declining what expat would reject or treat apart.

    Declines characters XML forbids, comments, CDATA, DOCTYPE, processing
    instructions and "]]>"; ampersands are checked where text is used
    (:func:`_check_references`).
    """

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def decode(self, text: str, chunk: bytes, final: bool = False) -> str:
        """``text`` with the chunk's characters appended."""
        if len(chunk.translate(None, _FORBIDDEN_BYTES)) != len(chunk):
            _decline("characters XML forbids")
        new = self.decoder.decode(chunk, final)
        if "\ufffe" in new or "\uffff" in new:
            _decline("characters XML forbids")
        start = len(text)
        text += new
        start = max(0, start - 2)
        if text.find("<!", start) >= 0 or text.find("<?", start) >= 0 or text.find("]]>", start) >= 0:
            _decline("comments, CDATA or processing instructions")
        return text


def _check_references(text: str, start: int, end: int) -> None:
    """Decline text[start:end] unless every "&" in it starts a reference expat accepts."""
    at = text.find("&", start, end)
    while at >= 0:
        ref = _REFERENCE_AT.match(text, at, end)
        if ref is None or (ref[1] or ref[2]) and not _xml_char(int(ref[1]) if ref[1] else int(ref[2], 16)):
            _decline("unknown entity or bad character reference")
        at = text.find("&", ref.end(), end)


def _reference(m: re.Match) -> str:
    name, decimal, hexadecimal = m.groups()
    if name:
        return _NAMED[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def _character_data(raw: str) -> str:
    """Text as expat hands it over: line ends normalised, references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        raw = _REFERENCE.sub(_reference, raw)
    return raw


def _attributes(text: str) -> dict[str, str]:
    """Attributes of a checked start tag, normalised as expat does."""
    pairs = _ATTR.findall(text)
    attrs = {name: double or single for name, double, single in pairs}
    if len(attrs) != len(pairs):
        _decline("duplicate attribute")
    if "&" in text or "\t" in text or "\n" in text or "\r" in text:
        for name, value in attrs.items():
            value = _LINE_BREAKS.sub(" ", value.replace("\r\n", "\n"))
            attrs[name] = _REFERENCE.sub(_reference, value)
    return attrs


def _rich_text(xml: str) -> str:
    """The text of checked <si>/<is> content: every <t> outside phonetic runs, joined."""
    if "\r" in xml:  # tags separate text nodes, so normalising the markup is the same
        xml = xml.replace("\r\n", "\n").replace("\r", "\n")
    if xml.startswith("<t>") and xml.endswith("</t>") and xml.count("<") == 2:
        raw = xml[3:-4]
    else:
        if "<rPh" in xml:
            xml = _PHONETIC.sub("", xml)
        raw = "".join(_T_TEXT.findall(xml))
    return _REFERENCE.sub(_reference, raw) if "&" in raw else raw


# ---------------------------------------------------------------- prologs
def _check_prolog(head: bytes) -> None:
    """Decline an encoding other than UTF-8, and any DOCTYPE, comment, CDATA or PI in the head."""
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared[1].lower() != b"utf-8":
        _decline("encoding not UTF-8")
    start = head.find(b"?>") + 2 if head.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") else 0
    if b"<!" in head or b"<?" in head[start:]:
        _decline("markup declarations or processing instructions")


def _parse_head(head: bytes, start, end=None, text=None) -> int | None:
    """Let expat read the bytes before the body with the given callbacks, as the expat path would."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(head, False)
    except StopParsing:
        return parser.CurrentByteIndex
    except (expat.ExpatError, ReadError, RecursionError, ValueError):
        _decline("head unreadable")
    return None


def _ignore(name: str, attrs: dict) -> None:
    pass


# ---------------------------------------------------------------- worksheets
def sample_rows(zf: zipfile.ZipFile, part: str, handler: SheetHandler) -> int | None:
    """Fill ``handler`` with the sheet's sample, as ``parse_part`` with its callbacks would.

    Returns the byte offset where reading stopped (None: the part was read to
    its end); raises Declined when the part needs expat.
    """
    chunks = iter_part(zf, part, SHEET_SAMPLE_BYTES)
    try:
        head, rest = _sheet_head(chunks)
        stopped_at = _parse_head(head, handler.start, handler.end, handler.text)
        if handler.done:
            return stopped_at
        if handler.base is not None or handler.in_phonetic or handler.in_inline or handler.capture:
            _decline("rows before sheetData")
        return _SheetBody(handler).read(chunks, rest, len(head))
    except UnicodeDecodeError:
        _decline("not UTF-8")
    except ReadError:  # corrupt or oversized: expat keeps the rows read so far
        _decline("part unreadable")
    finally:
        chunks.close()


def _sheet_head(chunks) -> tuple[bytes, bytes]:
    """The bytes up to and including the <sheetData> tag, and the bytes read after it."""
    data = b""
    for chunk in chunks:
        searched = max(0, len(data) - 16)
        data += chunk
        if searched == 0 and not _SHEET_ROOT.match(data):
            _decline("unusual worksheet root")
        found = _SHEET_DATA.search(data, searched)
        if found:
            head = data[:found.end()]
            _check_prolog(head)
            return head, data[found.end():]
        if len(data) > HEAD_BYTES:
            _decline("no sheetData near the top")
    _decline("no sheetData")


_MORE, _STOP, _DONE = range(3)
#: day numbers of Excel's epochs: from_serial(n, DATE) for a whole n past the
#: 1900 leap-year bug (n >= 61; n >= 0 in 1904 mode) up to 9999-12-31 is this
#: ordinal plus n, found here without from_serial's datetime arithmetic
_EPOCH_ORDINAL = {False: dt.date(1899, 12, 30).toordinal(), True: dt.date(1904, 1, 1).toordinal()}
_FIRST_PLAIN_SERIAL = {False: 61, True: 0}
_LAST_SERIAL = {False: 2_958_465, True: 2_957_003}
#: column letters -> 0-based column, filled as letters are met
_COLUMNS: dict[str, int] = {}


class _SheetBody:
    """Rows and cells of <sheetData>, fed to a SheetHandler."""

    def __init__(self, handler: SheetHandler):
        self.handler = handler
        self.date_kinds: dict[str, str | None] = {}

    def read(self, chunks, rest: bytes, offset: int) -> int:
        decoder = _Decoder()
        text, pos = decoder.decode("", rest), 0
        while True:
            pos, status = self._rows(text, pos)
            if status != _MORE:
                if status == _DONE:
                    self.handler.done = True
                return offset + len(text[:pos].encode())
            if len(text) - pos > LONG_ROW:
                _decline("very long row")
            chunk = next(chunks, None)
            if chunk is None:
                _decline("sheetData not closed")
            offset += len(text[:pos].encode())
            text, pos = decoder.decode(text[pos:], chunk), 0

    def _rows(self, text: str, pos: int) -> tuple[int, int]:
        """Read whole rows from ``pos``: (where reading stopped, _MORE/_STOP/_DONE)."""
        handler = self.handler
        open_row = handler.open_row
        while True:
            m = _ROW.match(text, pos)
            if m is None:
                pos = _SPACE.match(text, pos).end()
                if text.startswith("</sheetData>", pos):
                    return pos + 12, _DONE
                if text.find(">", pos) < 0:
                    return pos, _MORE
                _decline("unexpected markup in sheetData")
            attrs, closed = m.groups()
            start = m.end()
            if closed:
                close = end = start
            else:
                close = text.find("</row>", start)
                if close < 0:
                    return pos, _MORE
                end = close + 6
            plain = text.find("&", pos, end) < 0
            if not plain:
                _check_references(text, pos, end)
            common = _ROW_ATTRS.fullmatch(attrs)
            if common is None:
                attrs = _attributes(attrs) if attrs else {}
            else:
                attrs = {"r": common[1], "hidden": common[2]} if common[2] else {"r": common[1]}
            try:
                open_row(attrs)
            except StopParsing:  # expat reports the offset just past the start tag
                return m.end(), _STOP
            if close > start:
                if not (plain and text.find("\r", start, close) < 0
                        and self._plain_cells(_PLAIN_CELL.findall(text, start, close))):
                    handler.row.clear()
                    self._cells(_CELL.findall(text, start, close))
            handler.row = None
            pos = end

    def _plain_cells(self, found: list[tuple]) -> bool:
        """The common row, quickly (_PLAIN_CELL matches): every cell has its
        reference and a number or a shared string.  False at anything else, and
        the row is read again by _cells."""
        handler = self.handler
        row, cells = handler.row, handler.cells
        columns, date_kinds = _COLUMNS, self.date_kinds
        date1904 = handler.date1904
        epoch, first, last = _EPOCH_ORDINAL[date1904], _FIRST_PLAIN_SERIAL[date1904], _LAST_SERIAL[date1904]
        from_ordinal = dt.date.fromordinal
        for letters, style, kind, v, junk in found:
            if junk:
                return False
            if not v:
                continue  # an empty cell with a reference changes nothing
            col = columns.get(letters)
            if col is None:
                return False
            if kind == "s":
                try:
                    value = SharedRef(v)  # parses as int(v) does
                except ValueError:
                    return False
            else:
                value = int(v) if v.isdecimal() and len(v) <= 15 else number(v)
                if value is None:
                    return False
                if style:
                    date_kind = date_kinds.get(style, "")
                    if date_kind == "":
                        date_kind = date_kinds[style] = handler.date_kind(style)
                    if date_kind:
                        if date_kind == DATE and type(value) is int and first <= value <= last:
                            value = from_ordinal(epoch + value)
                        else:
                            value = from_serial(value, date_kind, date1904)
            width = len(row)
            if col == width:
                row.append(value)
            elif col > width:
                row.extend([None] * (col - width))
                row.append(value)
            else:
                row[col] = value
            cells += 1
        handler.cells = cells
        return True

    def _cells(self, found: list[tuple]) -> None:
        """The cells of one row, by the rules of SheetHandler._close_cell."""
        handler = self.handler
        row, col, pending, cells = handler.row, -1, None, handler.cells
        for letters, style, kind, generic, v, inline, junk in found:
            if junk:
                if junk in " \t\r\n":
                    continue
                _decline("unexpected markup in a row")
            if generic:
                attrs = _attributes(generic)
                ref, style, kind = attrs.get("r"), attrs.get("s"), attrs.get("t", "n")
            else:
                ref, style, kind = letters or None, style or None, kind or "n"
            if inline:
                raw = _rich_text(inline)
            elif "&" in v or "\r" in v:
                raw = _character_data(v)
            else:
                raw = v
            # the column rules of SheetHandler._close_cell and _next_col
            if not raw:  # an empty cell: remember where it was
                if ref is not None:
                    pending = ref
                    continue
                if pending is not None:
                    col, pending = column_of(pending), None
                col += 1
                continue
            if ref is None:
                if pending is not None:
                    col, pending = column_of(pending), None
                col += 1
            else:
                col, pending = column_of(ref), None
                if letters and col < MAX_COLUMNS:
                    _COLUMNS[letters] = col
            if col >= MAX_COLUMNS:
                continue
            value = handler.cell_value(kind, raw, style)
            if value is None:
                continue
            if len(row) <= col:
                row.extend([None] * (col + 1 - len(row)))
            row[col] = value
            cells += 1
        handler.col, handler.pending_ref, handler.cells = col, pending, cells


# ---------------------------------------------------------------- shared strings
def read_shared_strings(zf: zipfile.ZipFile, part: str, needed: set[int]) -> tuple[dict[int, str], str | None]:
    """The needed shared strings by index and a problem note, as the expat path gives them.

    Stops after the highest needed index; raises Declined when the part needs expat.
    """
    wanted = sorted(needed)
    found: dict[int, str] = {}
    index, next_wanted = -1, 0
    chunks = iter_part(zf, part, SHARED_STRINGS_BYTES)
    try:
        data, head = b"", None
        for chunk in chunks:
            data += chunk
            head = _SST_HEAD.match(data)
            if head or len(data) > 1 << 16:
                break
        if head is None:
            _decline("unusual shared strings head")
        _check_prolog(data[:head.end()])
        _parse_head(data[:head.end()], _ignore)
        decoder = _Decoder()
        text = decoder.decode("", data[head.end():])
        while True:
            # whole items, a block at a time so that reading stops near the last one needed
            cut = max(text.rfind("</si>", 0, SST_BLOCK), text.rfind("<si/>", 0, SST_BLOCK))
            if cut < 0 and len(text) > SST_BLOCK:
                cut = max(text.find("</si>", SST_BLOCK), text.find("<si/>", SST_BLOCK))
            if cut >= 0:
                cut += 5
                items = _string_items(text, cut)
                first, index = index + 1, index + len(items)
                upto = bisect_right(wanted, index, next_wanted)
                for wanted_index in wanted[next_wanted:upto]:
                    item = items[wanted_index - first]
                    if item.startswith("<si><t>") and item.count("<") == 4:  # <si><t>text</t></si>
                        raw = item[7:-9]
                        if "&" in raw or "\r" in raw or "_x" in raw:
                            raw = unescape(_character_data(raw))
                        found[wanted_index] = raw
                    else:
                        found[wanted_index] = _item_text(item)
                next_wanted = upto
                if index >= wanted[-1]:
                    return found, None
                text = text[cut:]
                continue
            if len(text) > LONG_ROW:
                _decline("very long shared string")
            chunk = next(chunks, None)
            if chunk is None:
                break
            text = decoder.decode(text, chunk)
        text = decoder.decode(text, b"", True)
        if not _SST_END.fullmatch(text):
            _decline("unusual shared strings end")
    except UnicodeDecodeError:
        _decline("not UTF-8")
    except ReadError:
        _decline("part unreadable")
    finally:
        chunks.close()
    missing = len(needed) - len(found)
    return found, ("%d shared strings missing" % missing if missing else None)


def _string_items(text: str, cut: int) -> list[str]:
    """The <si> items making up text[:cut] exactly; Declined when anything else is there."""
    if text.find("&", 0, cut) >= 0:
        _check_references(text, 0, cut)
    items = _SI_PLAIN.findall(text, 0, cut)
    if sum(map(len, items)) != cut:
        items = _SI.findall(text, 0, cut)
        if sum(map(len, items)) != cut:
            _decline("unusual shared string")
    return items


def _item_text(item: str) -> str:
    if item[0] != "<":
        item = item.lstrip(" \t\r\n")
    if item.endswith("/>"):
        return ""
    return unescape(_rich_text(item[4:-5]))
