"""Reader for delimited text (.csv, .tsv, .txt) into a Document.

Only the first ``SAMPLE_BYTES`` of a file are decoded and parsed: the
encoding is detected on them (BOMs, UTF-8, cp932 / EUC-JP / ISO-2022-JP,
charset-normalizer as tie-breaker), then the delimiter, and the first
``SAMPLE_ROWS`` records become one Table named after the file.  The total
row count is estimated by counting newline bytes over the whole file; a
file that fits in the sample is counted exactly.  Lines that are each one
quoted field holding a whole record are unwrapped; text with no delimiter
whose columns line up is split as fixed-width (:mod:`.fixed_width`).  A .txt
that is not tabular (prose, a log) gives a Document with no tables.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
from pathlib import Path

from ..document import SAMPLE_ROWS, Document, ReadError, Table
from .fixed_width import split_fixed_width

#: bytes decoded and parsed from the top of the file
SAMPLE_BYTES = 64 * 1024
#: chunk size when counting newlines over the whole file
COUNT_CHUNK = 4 * 2**20
#: records inspected when choosing the delimiter
DELIMITER_PROBE_ROWS = 50
#: share of probed records that must have the modal field count
MIN_CONSISTENCY = 0.6
#: share of control characters above which decoded text is binary junk
MAX_CONTROL_SHARE = 0.01

DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D")
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0c\x1a\x1b")
#: control characters (Unicode category Cc) other than the allowed ones, and U+FFFD
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x19\x1c-\x1f\x7f-\x9f\ufffd]")


def read_start(path: str, limit: int) -> tuple[bytes, int]:
    """The first ``limit`` bytes of a text file and its size, from one open."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit), os.fstat(fh.fileno()).st_size
    except OSError:
        raise ReadError("cannot open file") from None


def read_delimited(path: str, kind: str) -> Document:
    """Sample a delimited text file into one Table (or none for non-tabular text)."""
    raw, size = read_start(path, SAMPLE_BYTES)
    document = Document(kind=kind)
    if not raw:
        return document
    complete = size <= len(raw)
    encoding, bom = detect_encoding(raw, complete)
    text = decode_sample(raw[len(bom):], encoding, complete)
    if is_binary_text(text):
        raise ReadError("not text")
    text = text.replace("\x00", "")
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    delimiter = detect_delimiter(text, prefer_tab=(kind == "tsv"))
    layout = DELIMITERS.get(delimiter, "none")
    if delimiter is None and (unwrapped := unwrap_quoted_lines(text)):
        text, delimiter = unwrapped
        layout = f"{DELIMITERS[delimiter]} inside lines quoted whole"
    if delimiter is None:
        lines = text.splitlines()
        if fixed := split_fixed_width(lines[:SAMPLE_ROWS]):
            total = len(fixed) if complete else max(count_lines(path, encoding, size), len(fixed))
            document.tables.append(Table(name=table_name(path), rows=fixed, total_rows=total))
            document.notes.append(f"encoding {encoding}; fixed-width columns")
            return document
    if delimiter is None and kind == "txt":
        document.notes.append(f"encoding {encoding}; not delimited text")
        document.text = text
        return document
    rows, parsed = _parse_rows(text, delimiter or "\x00", complete)
    if not rows:
        return document
    total = parsed if complete else max(count_lines(path, encoding, size), len(rows))
    document.tables.append(Table(name=table_name(path), rows=rows, total_rows=total))
    document.notes.append(f"encoding {encoding}; delimiter {layout}")
    return document


def table_name(path: str) -> str:
    """The table of a text file is named after the file; bytes of a name that is not UTF-8
    are shown as \\xNN (a lone surrogate cannot be written into a record)."""
    return Path(path).stem.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def detect_encoding(raw: bytes, complete: bool = True) -> tuple[str, bytes]:
    """(codec name, BOM bytes to skip) for a sample of a text file (the whole file when complete)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name, bom
    if b"\x00" in raw and (utf16 := utf16_without_bom(raw)):
        return utf16, b""
    if raw.isascii():
        if any(esc in raw for esc in _ISO2022_ESCAPES):
            return "iso2022_jp_ext", b""
        return "utf-8", b""
    if decodes(raw, "utf-8", complete):
        return "utf-8", b""
    japanese = [name for name in ("cp932", "euc_jp") if decodes(raw, name, complete)]
    if len(japanese) == 1:
        return japanese[0], b""
    if not japanese and decodes(raw, "cp1252", complete):
        return "cp1252", b""  # Western 8-bit exports; too short for a statistical guess
    return _guess_with_charset_normalizer(raw, japanese), b""


def decode_sample(raw: bytes, encoding: str, complete: bool) -> str:
    """Decode a sample; a character cut by the sample's end is dropped."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(raw, final=complete)


def is_binary_text(text: str) -> bool:
    """True when decoded text holds too many control or replacement characters."""
    if not text:
        return False
    bad = len(_BAD_CHARACTERS.findall(text))
    return bad > max(2, MAX_CONTROL_SHARE * len(text))


def detect_delimiter(text: str, prefer_tab: bool = False) -> str | None:
    """The delimiter giving a consistent field count (at least 2) over the first records."""
    order = ["\t", ",", ";", "|"] if prefer_tab else [",", "\t", ";", "|"]
    best, best_score = None, (MIN_CONSISTENCY, 0)
    for delimiter in order:
        counts = [len(r) for r in _probe_records(text, delimiter) if r]
        if len(counts) < 1:
            continue
        mode = max(set(counts), key=lambda n: (counts.count(n), n))
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score[0] > best_score[0] or (score[0] == best_score[0] and best is None):
            best, best_score = delimiter, score
    return best


def unwrap_quoted_lines(text: str) -> tuple[str, str] | None:
    """(records, delimiter) when every line is one quoted field holding a delimited record
    (``"001,name,address"``: a whole row wrapped in quotes); None otherwise.

    The first record (the header, or the first row) must split too, so a one-column
    list whose values hold commas is not cut apart."""
    if not text.lstrip()[:1] == '"':
        return None             # a line quoted whole starts with its quote
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error:
        return None
    if not records or sum(len(r) == 1 for r in records) < 0.9 * len(records):
        return None
    inner = "\n".join(r[0] if len(r) == 1 else ",".join(r) for r in records)
    delimiter = detect_delimiter(inner)
    first = _probe_records(inner.split("\n", 1)[0], delimiter) if delimiter else []
    if not first or len(first[0]) < 2:
        return None
    return inner, delimiter


def count_lines(path: str, encoding: str, size: int) -> int:
    """Lines in the whole file: newline bytes counted in big chunks (decoded for UTF-16)."""
    lines, last = 0, b""
    try:
        with open(path, "rb") as fh:
            if encoding.startswith("utf-16"):
                decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
                while chunk := fh.read(COUNT_CHUNK):
                    text = decoder.decode(chunk)
                    lines += text.count("\n")
                    last = text[-1:].encode() or last
            else:
                while chunk := fh.read(COUNT_CHUNK):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
    except OSError:
        raise ReadError("cannot read file") from None
    return lines + (1 if size and last not in (b"\n", b"\x00") else 0)


def _parse_rows(text: str, delimiter: str, complete: bool) -> tuple[list[list[str | None]], int]:
    """First SAMPLE_ROWS records (values stripped, '' -> None) and the number of records seen."""
    rows: list[list[str | None]] = []
    seen = 0
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        for record in reader:
            seen += 1
            rows.append([value.strip() or None for value in record])
            if len(rows) >= SAMPLE_ROWS:
                break
        if complete and len(rows) >= SAMPLE_ROWS:
            seen += _count_rest(stream, reader)
    except csv.Error:
        pass  # an over-long or malformed field ends the sample
    while rows and not rows[-1]:
        rows.pop()
        seen -= 1
    return rows, seen


def _count_rest(stream: io.StringIO, reader) -> int:
    """Records after the sample: newlines when nothing is quoted, else the csv parser counts."""
    rest = stream.getvalue()[stream.tell():]
    if '"' not in rest:
        lines = rest.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        return sum(1 for line in lines if line)
    return sum(1 for _ in reader)


def _probe_records(text: str, delimiter: str) -> list[list[str]]:
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            records.append(record)
            if len(records) >= DELIMITER_PROBE_ROWS:
                break
    except csv.Error:
        pass
    return records


def decodes(raw: bytes, encoding: str, complete: bool) -> bool:
    """Strict decode; unless the sample is the whole file, its last character may be cut."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(raw, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 guessed from where the NUL bytes sit; None when neither byte order fits."""
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    half = len(raw) // 2 or 1
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _guess_with_charset_normalizer(raw: bytes, candidates: list[str]) -> str:
    """Tie-breaker: charset-normalizer among the candidates (or anything, when none decoded)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=candidates or None).best()
    if best is None:
        if candidates:
            return candidates[0]
        raise ReadError("not text")
    return best.encoding
