"""What every value rule shares: a prepared cell (:func:`prepare`), whole numbers
(:func:`integral`), digits among separators, and the :class:`Validator` base class."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

Value = str | int | float | bool | dt.date | dt.datetime | dt.time


def prepare(cell: object) -> Value | None:
    """A cell ready for the validators: folded, stripped text, or the cell itself."""
    if cell is None:
        return None
    if isinstance(cell, str):
        text = cell if cell.isascii() else unicodedata.normalize("NFKC", cell)
        text = text.strip()
        return text or None
    return cell


def integral(value: Value) -> int | None:
    """An int for whole-number cells (never bool), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ーｰ─━"})
_SEPARATORS = re.compile(r"[\s\-()+〒]")


def _digits_only(value: Value) -> str | None:
    """The digits of a text made of digits and separators, else None."""
    if not isinstance(value, str) or not value[:1].isdigit() and value[:1] not in "(+〒":
        return None
    digits = _SEPARATORS.sub("", value.translate(_DASHES))
    return digits if digits.isdigit() else None


class Validator:
    """Base class: a category, a name and one ``match`` method."""

    category = ""
    #: meaningless without a header saying what the column holds
    needs_header = False
    #: may match cells that are not text (numbers, dates); the others need text
    accepts_numbers = False
    #: asks the name dictionary (tried after the cheap rules, see STANDALONE)
    costly = False
    #: values enough for this rule to decide a column alone (None: the caller's minimum);
    #: rules that rarely match anything else decide small header-less files too
    min_values: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def match(self, value: Value) -> bool:  # pragma: no cover - interface
        raise NotImplementedError
