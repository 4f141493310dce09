"""Read a VBA project with oletools: modules by type, procedures, code lines, forms, risks.

``summarise_vba(ole)`` takes an OLE container (an .xls file, or the bytes of
an OOXML workbook's ``xl/vbaProject.bin``) and returns a :class:`VbaSummary`.
oletools' own logging is silenced (it can print code); parsing runs under a
time limit.  A project oletools cannot read whole (no ``VBA`` storage, no
``dir`` or ``PROJECT`` stream, module streams missing or orphaned) is searched
for module source by its signature (:mod:`.vba_loose`): modules found that way
give ``status`` ``"recovered: <what was wrong>; ..."``; none found gives
``"unparsable: <reason>"``, never "no macros".
"""
from __future__ import annotations

import contextlib
import logging
import re
import signal
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from .code_risks import code_risks, strip_comment
from .vba_loose import loose_modules, vba_entry_names

#: seconds one VBA project may take to parse
TIME_LIMIT = 30.0

#: oletools' loggers (and the libraries it calls) can print stream contents
_NOISY_LOGGERS = ("olevba", "olefile", "crypto", "ftguess", "pcodedmp", "msoffcrypto", "oletools")

_PROCEDURE = re.compile(
    r"^\s*(?:(?:Public|Private|Friend|Static)\s+)*(?:Sub|Function|Property\s+(?:Get|Let|Set))\s+\w",
    re.IGNORECASE)
_OPTION = re.compile(r"^\s*Option\s+\w", re.IGNORECASE)


class VbaTimeout(BaseException):
    """The time limit ran out (a BaseException, so libraries' ``except Exception`` cannot eat it)."""


@dataclass
class VbaSummary:
    """What a VBA project holds, in counts only."""

    status: str = "none"               # "none" | "parsed" | "recovered: <why>; ..." | "unparsable: <reason>"
    standard: int = 0                  # standard (procedural) modules, with code or not
    classes: int = 0                   # class modules
    forms: int = 0                     # user forms (designers)
    documents: int = 0                 # document modules (ThisWorkbook, Sheet1 ...)
    documents_with_code: int = 0       # document modules holding code
    procedures: int = 0                # Sub / Function / Property
    code_lines: int = 0                # non-blank, non-comment lines of modules with code
    risks: list[dict] = field(default_factory=list)

    @property
    def modules(self) -> int:
        """Standard and class modules, and document modules with code."""
        return self.standard + self.classes + self.documents_with_code

    @property
    def auto_exec(self) -> bool:
        return any(r["code"] == "autoexec-macro" for r in self.risks)

    @property
    def found(self) -> bool:
        """A VBA project is there (parsed or not)."""
        return self.status != "none"


def silence_oletools() -> None:
    """Make oletools and its helpers quiet, whatever logging the application set up."""
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False


class Deadline:
    """What a ``time_limit`` block can ask afterwards: did its time run out?"""

    expired: bool = False


#: seconds between the alarms after the first, while the work has not stopped
REPEAT_ALARM = 0.05


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise VbaTimeout after ``seconds`` (SIGALRM); no limit off the main thread or on Windows.

    Yields a ``Deadline`` whose ``expired`` stays set even when the exception was lost on the
    way: raised inside a finaliser (olefile's ``__del__``: Python prints and ignores it) or
    eaten by a library's bare ``except:``.  The pool's per-file limit still ends such a file.
    """
    deadline = Deadline()
    if (seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield deadline
        return

    def _expired(_signum, _frame):
        deadline.expired = True
        # a library's bare ``except:`` may swallow this one: ask again soon, until the
        # work stops (the recovery search after a swallowed time-out must not run on)
        signal.setitimer(signal.ITIMER_REAL, REPEAT_ALARM)
        raise VbaTimeout()

    previous = signal.signal(signal.SIGALRM, _expired)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:            # an outer timer was running: give it back what is left of it
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def summarise_vba(ole: str | bytes, seconds: float = TIME_LIMIT) -> VbaSummary:
    """Summarise every VBA project in an OLE container (a path, or the container's bytes)."""
    return summarise_limited(lambda summary: _summarise(ole, summary), seconds)


def summarise_limited(work: Callable[[VbaSummary], None], seconds: float = TIME_LIMIT) -> VbaSummary:
    """Run ``work`` on a fresh summary under a time limit; running out becomes its status."""
    silence_oletools()
    summary = VbaSummary()
    try:
        with time_limit(seconds) as deadline:
            work(summary)
        if deadline.expired:       # the time-out was raised where it got lost: still a time-out
            raise VbaTimeout()
    except VbaTimeout:
        summary.status = "unparsable: time limit exceeded"
    except MemoryError:
        summary.status = "unparsable: memory limit exceeded"
    except RecursionError:
        summary.status = "unparsable: structure nested too deeply"
    return summary


def _olevba():
    """oletools.olevba, imported without its pyparsing deprecation warnings reaching stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oletools import olevba
    return olevba


def _summarise(ole: str | bytes, summary: VbaSummary) -> None:
    VBA_Parser = _olevba().VBA_Parser

    try:
        if isinstance(ole, bytes):
            parser = VBA_Parser("vbaProject.bin", data=ole, disable_pcode=True)
        else:
            parser = VBA_Parser(ole, disable_pcode=True)
    except Exception:  # noqa: BLE001 - oletools raises many kinds on hostile input
        summary.status = "unparsable: not an OLE file"
        return
    try:
        if parser.ole_file is None:
            summary.status = "unparsable: not an OLE file"
            return
        read = ProjectsRead()
        try:
            projects = parser.find_vba_projects() or []
        except Exception:  # noqa: BLE001 - a damaged OLE directory: look for loose modules
            projects = []
            read.failures.append("corrupt OLE directory")
        for vba_root, project_path, dir_path in projects:
            reason = _read_project(parser.ole_file, vba_root, project_path, dir_path, summary, read)
            if reason:
                read.failures.append(reason)
        if read.missing or read.failures or not projects:
            _add_loose_modules(parser.ole_file, summary, read, found_projects=bool(projects))
        elif summary.status == "none":
            summary.status = "parsed"
        summary.risks = code_risks(read.sources)
    finally:
        with contextlib.suppress(Exception):
            parser.close()


@dataclass
class ProjectsRead:
    """What reading the container's VBA projects left: sources, module names read, gaps."""

    sources: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)          # modules whose code was read (lower case)
    missing: list[str] = field(default_factory=list)      # kinds of declared modules whose code was not read
    failures: list[str] = field(default_factory=list)     # short reasons
    codec: str = "latin-1"


def _add_loose_modules(ole, summary: VbaSummary, read: ProjectsRead, found_projects: bool) -> None:
    """Fill in what oletools could not read from module source found by signature; set the status."""
    why = (read.failures[0] if read.failures else "module source missing" if read.missing
           else "no VBA project structure")
    try:
        found = [m for m in loose_modules(ole, read.codec) if m.name not in read.names]
    except Exception:  # noqa: BLE001 - a damaged container: nothing more to add
        found = []
    if found:
        counted_forms = summary.forms         # from the PROJECT stream or designer storages
        for module in found:
            _count_module(summary, module.kind, module.source, read)
        summary.forms = max(counted_forms, sum(1 for m in found if m.kind == "form"))
        summary.status = f"recovered: {why}; modules found by source signature"
        return
    for kind in read.missing:                 # declared, but no code anywhere: counted as empty
        _count_module(summary, kind, "", read)
    if found_projects or read.failures:
        summary.status = f"unparsable: {why}"
    elif vba_entry_names(ole):
        summary.status = "unparsable: VBA project in an unknown layout, no module source found"


def _count_module(summary: VbaSummary, kind: str, source: str, read: ProjectsRead) -> None:
    lines, procedures = measure_source(source)
    if kind == "standard":
        summary.standard += 1
    elif kind == "class":
        summary.classes += 1
    elif kind == "document":
        summary.documents += 1
        summary.documents_with_code += lines > 0
    summary.code_lines += lines
    summary.procedures += procedures
    if lines:
        read.sources.append(source)


def _read_project(ole, vba_root: str, project_path: str, dir_path: str,
                  summary: VbaSummary, read: ProjectsRead) -> str | None:
    """Add one project's modules to the summary; a short reason when part of it is unreadable.

    A module the dir stream declares whose code stream is not where it says, or holds
    no source, is left to :func:`_add_loose_modules` (its kind is kept in ``read.missing``).
    """
    VBA_Project = _olevba().VBA_Project

    try:
        project = VBA_Project(ole, vba_root, project_path, dir_path, relaxed=True)
    except Exception:  # noqa: BLE001 - a damaged dir stream is a status, not a crash
        summary.forms += _form_storages(ole, vba_root)
        return "corrupt dir stream"
    read.codec = getattr(project, "codec", None) or read.codec
    declared = _declared_modules(ole, project_path, read.codec)
    if declared:
        summary.forms += sum(1 for kind in declared.values() if kind == "form")
    else:
        summary.forms += _form_storages(ole, vba_root)
    reason = None
    try:
        for _ in project.parse_modules():
            pass
    except Exception:  # noqa: BLE001 - a damaged module stream is a status, not a crash
        reason = "corrupt module stream"
    for module, kind in zip(project.modules, module_kinds(project.modules, declared)):
        if module.code is None:
            read.missing.append(kind)
            continue
        read.names.update((n or "").lower() for n in (module.name, getattr(module, "_name_unicode", None)))
        _count_module(summary, kind, module.code, read)
    return reason


def module_kinds(modules, declared: dict[str, str]) -> list[str]:
    """The kind of each parsed module: by name in the PROJECT stream, else by what is left over.

    Names can fail to match when the two records were written in different
    code pages; a leftover declared kind is then the best guess, and the dir
    stream's own record type (procedural or not) the last resort.
    """
    left = list(declared.values())
    kinds: list[str | None] = []
    for module in modules:
        names = {(n or "").lower() for n in (module.name, getattr(module, "_name_unicode", None))}
        kind = next((declared[n] for n in names if n in declared), None)
        if kind is not None and kind in left:
            left.remove(kind)
        kinds.append(kind)
    for i, module in enumerate(modules):
        if kinds[i] is None:
            wanted = ("standard",) if module.type == 0x21 else ("document", "class", "form")
            kinds[i] = next((k for k in wanted if k in left), wanted[0] if module.type == 0x21 else "class")
            if kinds[i] in left:
                left.remove(kinds[i])
    return kinds


def _declared_modules(ole, project_path: str, codec: str) -> dict[str, str]:
    """Module name (lower case) -> standard | class | document | form, from the PROJECT stream."""
    kinds = {b"module": "standard", b"class": "class", b"document": "document", b"baseclass": "form"}
    declared: dict[str, str] = {}
    try:
        data = ole.openstream(project_path).read(1 << 20)
    except Exception:  # noqa: BLE001 - an unreadable PROJECT stream leaves the names unknown
        return declared
    for raw in data.split(b"\n"):
        line = raw.strip()
        if line.startswith(b"["):          # [Host Extender Info], [Workspace]: no more modules
            break
        key, eq, value = line.partition(b"=")
        kind = kinds.get(key.strip().lower())
        if eq and kind:
            name = value.split(b"/", 1)[0].strip().strip(b'"')
            try:
                declared[name.decode(codec, "replace").lower()] = kind
            except LookupError:
                declared[name.decode("latin-1").lower()] = kind
    return declared


def _form_storages(ole, vba_root: str) -> int:
    """User forms when the PROJECT stream is unreadable: storages beside VBA holding an ``f`` stream."""
    depth = len([p for p in vba_root.split("/") if p])
    count = 0
    try:
        for entry in ole.listdir(streams=True, storages=False):
            if len(entry) == depth + 2 and entry[-1] == "f" and entry[depth].upper() != "VBA":
                count += 1
    except Exception:  # noqa: BLE001 - a damaged OLE directory is a status, not a crash
        return 0
    return count


def measure_source(source: str) -> tuple[int, int]:
    """(code lines, procedures) of one module: lines that are not blank, comment or attribute.

    A module whose only lines are ``Option`` statements counts as empty.
    """
    lines = procedures = 0
    only_options = True
    for raw in source.splitlines():
        text = strip_comment(raw).strip()
        if not text or text.startswith("Attribute "):
            continue
        lines += 1
        if not _OPTION.match(text):
            only_options = False
        if _PROCEDURE.match(text):
            procedures += 1
    return (0, 0) if only_options else (lines, procedures)
