"""A worksheet's sample and the shared strings it needs: the regex fast path
(:mod:`.ooxml_fast`) first, the expat reader (:mod:`.ooxml_sheet`) for whatever it declines.

Both paths give the same sample; this module only chooses, so that neither
reader needs the other.
"""
from __future__ import annotations

import zipfile

from . import ooxml_fast
from .ooxml_sheet import SheetHandler, SheetSample, counted, expat_sample, expat_shared_strings

#: read worksheets and shared strings with the regex fast path (:mod:`.ooxml_fast`)
#: first; False forces the expat path everywhere (tests compare the two)
FAST_PATH = True


def sample_sheet(zf: zipfile.ZipFile, part: str, xf_kinds: list[str | None],
                 date1904: bool, fast: bool | None = None) -> SheetSample:
    """The first SAMPLE_ROWS rows of a worksheet part and its row count.

    ``fast`` (default: FAST_PATH) tries the regex reader first; whatever it
    declines is read again with expat, which gives the same sample.
    """
    if FAST_PATH if fast is None else fast:
        handler = SheetHandler(xf_kinds, date1904)
        try:
            stopped_at = ooxml_fast.sample_rows(zf, part, handler)
        except ooxml_fast.Declined:
            pass
        else:
            return counted(zf, part, handler, stopped_at)
    return expat_sample(zf, part, xf_kinds, date1904)


def shared_strings(zf: zipfile.ZipFile, part: str | None, needed: set[int],
                   fast: bool | None = None) -> tuple[dict[int, str], str | None]:
    """The needed shared strings by index, and a problem note when some could not be read.

    ``fast`` (default: FAST_PATH) tries the regex reader first, expat after it declines.
    """
    if not needed:
        return {}, None
    if part is None:
        return {}, "shared strings part missing"
    if FAST_PATH if fast is None else fast:
        try:
            return ooxml_fast.read_shared_strings(zf, part, needed)
        except ooxml_fast.Declined:
            pass
    return expat_shared_strings(zf, part, needed)
