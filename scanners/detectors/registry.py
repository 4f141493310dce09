"""The file-level detectors, in the order they run, and what each one is handed.

The pipeline (:func:`scanners.pipeline.inspect_file`) reads a file once into a
:class:`FileRead` and runs every detector of :data:`DETECTORS` whose ``applies`` says
yes; each ``detect`` fills its own part of the record (the ``app`` block, ``personal``,
risks, notes).  A detector never opens the file: what it needs comes from the document.
A failing detector becomes the record's error (``"<what> failed: ..."``), never a crash,
and the others still run.

Adding a detector is one file in this package (a class with ``what``, ``applies`` and
``detect``) plus one line in :data:`DETECTORS`.  The order is the order of the record's
risks and notes: keep new detectors after the ones whose output they must follow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .access_app import AccessApp
from .excel_app import ExcelApp
from .hidden_data import HiddenData
from .masked_sheets import MaskedSheetNames
from .personal_data import PersonalData
from .shadow_it import ShadowIT

if TYPE_CHECKING:
    from ..document import Document
    from ..walk import Candidate
    from . import PersonalResult


@dataclass
class FileRead:
    """What the pipeline knows of one file when its detectors run."""

    candidate: Candidate
    #: what the first bytes showed (a :mod:`scanners.readers.sniff` format); None when not read
    content: str | None = None
    #: the reader's document; None when the file was not read or could not be
    document: Document | None = None
    #: the whole file, when its reader read it into memory (an OLE container, also one
    #: found encrypted), for the detectors that read the container again; in memory only
    file_bytes: bytes | None = None
    #: False for a scan that looks for personal data only (no app facts)
    apps: bool = True
    #: the personal-data result, for the detectors that follow it (hidden data)
    personal: PersonalResult | None = None


class Detector(Protocol):
    """One concern of the record: applies to some files, fills its part of the record."""

    #: how the record's error names the detector when it fails
    what: str

    def applies(self, file: FileRead, rec: dict) -> bool: ...

    def detect(self, file: FileRead, rec: dict) -> None: ...


#: every file-level detector, in the order it runs
DETECTORS: tuple[Detector, ...] = (
    ShadowIT(),
    ExcelApp(),
    AccessApp(),
    PersonalData(),
    HiddenData(),
    MaskedSheetNames(),
)
