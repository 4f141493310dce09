"""The shadow-IT catalogue: load ``scanners/data/shadow_it.toml``, check it, compile it once.

The catalogue is data the IT division can extend without code; an extra file
named by ``INVENTORY_SHADOW_IT_EXTRA`` is merged over the built-in one
(entry lists appended, ``[sanctioned]`` lists replaced).
"""
from __future__ import annotations

import fnmatch
import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

EXTRA_ENV = "INVENTORY_SHADOW_IT_EXTRA"
#: the built-in catalogue (read by path, as headers.toml is: importlib.resources would add 5 ms of
#: imports to every scan, for a package that is always installed as files)
BUILT_IN_PATH = Path(__file__).resolve().parent.parent / "data" / "shadow_it.toml"
TOOL_RISKS = frozenset({"remote-access-tool", "p2p-file-sharing"})
MIN_MARKER_CHARS = 8


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the entry and key."""


class NameMatcher:
    """Case-insensitive glob matching of a name against many labelled patterns, fast.

    Exact names are a dict lookup, ``*.ext`` patterns a suffix test, the rest
    one combined regex.  ``match`` returns the label of the first pattern in
    catalogue order that matches, or None.
    """

    def __init__(self, labelled_globs: list[tuple[int, str]]):
        self._exact: dict[str, int] = {}
        self._suffixes: list[tuple[str, int]] = []
        parts: list[str] = []
        self._order: dict[int, int] = {}
        for position, (label, glob) in enumerate(labelled_globs):
            self._order.setdefault(label, position)
            low = glob.lower()
            if not any(ch in low for ch in "*?["):
                self._exact.setdefault(low, label)
            elif low.startswith("*") and not any(ch in low[1:] for ch in "*?["):
                self._suffixes.append((low[1:], label))
            else:
                parts.append(f"(?P<g{label}_{position}>{fnmatch.translate(low)})")
        self._source = "|".join(parts)
        self._suffix_tuple = tuple(suffix for suffix, _ in self._suffixes)
        #: what follows the last dot of every name a pattern can match (lower case), or None
        #: when some pattern can match any extension: a walk skips most names on this alone
        literal = [*self._exact, *self._suffix_tuple]
        self.extensions: frozenset[str] | None = None if parts or any("." not in p for p in literal) \
            else frozenset(p.rpartition(".")[2] for p in literal)

    @functools.cached_property
    def _regex(self) -> re.Pattern | None:
        """The combined pattern, compiled on first use: the walk needs a few matchers, the
        workers the others (compiling them all cost every scan 25 ms)."""
        return re.compile(self._source, re.IGNORECASE) if self._source else None

    def match(self, name: str) -> int | None:
        low = name.lower()
        best = self._exact.get(low)
        if self._suffix_tuple and low.endswith(self._suffix_tuple):
            for suffix, label in self._suffixes:
                if low.endswith(suffix):
                    best = self._earlier(best, label)
        if self._source and (m := self._regex.match(low)):
            best = self._earlier(best, int(m.lastgroup[1:].split("_")[0]))
        return best

    def _earlier(self, a: int | None, b: int) -> int:
        return b if a is None or self._order[b] < self._order[a] else a


@dataclass(frozen=True)
class Tool:
    name: str
    risk: str
    markers: tuple[str, ...]          # lower case


@dataclass(frozen=True)
class SyncClient:
    name: str
    folder_names: NameMatcher
    path_names: NameMatcher                   # folder_names + path_names, for shortcut targets
    marker_folder_names: NameMatcher | None   # None: any folder holding a marker
    exact_markers: frozenset[str]
    glob_markers: NameMatcher | None          # only for names starting with "."
    sanctionable: bool


@dataclass(frozen=True)
class ScriptRule:
    """One upload or credential rule.  Its regular expressions are compiled on first use: only
    a worker reading a script needs them, and compiling them all cost every scan (a re-scan that
    reads nothing included) 30 ms.  :meth:`Catalogue.check` compiles them at once."""

    label: str
    where: str                               # "upload_rule 3": for error messages
    pattern_text: str
    requires_text: str | None = None
    needs_value: bool = False
    check_hosts: bool = True
    external_only: bool = False
    whole_text: bool = False
    not_values: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()           # lower case; one must occur before the pattern is tried

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        pattern = _compile(self.pattern_text, self.where, "pattern")
        if self.needs_value and "value" not in pattern.groupindex:
            raise CatalogueError(f"{self.where}: 'pattern' needs a group named 'value'")
        return pattern

    @functools.cached_property
    def requires(self) -> re.Pattern | None:
        return None if self.requires_text is None else _compile(self.requires_text, self.where, "requires")

    def worth_trying(self, low_text: str) -> bool:
        """Cheap prefilter: True when no keywords are set or one occurs in the lower-cased text."""
        return not self.keywords or any(k in low_text for k in self.keywords)


@dataclass(frozen=True)
class Catalogue:
    kinds: dict[str, str]                    # extension -> kind
    tools: tuple[Tool, ...]
    tool_names: NameMatcher                  # labels index ``tools``
    tool_products: NameMatcher
    sanctioned_tools: frozenset[str]
    p2p_artefacts: tuple[tuple[str, str], ...]   # (software, label)
    p2p_names: NameMatcher
    sync_clients: tuple[SyncClient, ...]
    sanctioned_sync_folders: NameMatcher
    services: dict[str, str]                 # domain -> service name
    sanctioned_domains: frozenset[str]
    upload_rules: tuple[ScriptRule, ...]
    credential_rules: tuple[ScriptRule, ...]
    #: every client's folder names, exact markers and marker globs at once: most folders of a
    #: share match none, and one look-up each tells so (then no client is asked in turn)
    any_sync_folder: NameMatcher | None = None
    any_sync_marker: frozenset[str] = frozenset()
    any_sync_glob: NameMatcher | None = None

    def service_of_host(self, host: str) -> str | None:
        """The unsanctioned cloud service a host name belongs to, or None."""
        host = host.lower().rstrip(".")
        if is_domain_in(host, self.sanctioned_domains):
            return None
        labels = host.split(".")
        for i in range(len(labels)):
            service = self.services.get(".".join(labels[i:]))
            if service:
                return service
        return None

    def is_sanctioned_host(self, host: str) -> bool:
        return is_domain_in(host.lower().rstrip("."), self.sanctioned_domains)

    def check(self) -> Catalogue:
        """Compile what is compiled lazily, so that a malformed rule fails now; return self."""
        for rule in self.upload_rules + self.credential_rules:
            _ = rule.pattern, rule.requires
        return self


def is_domain_in(host: str, domains: frozenset[str]) -> bool:
    """True when a host is one of the domains or a sub-domain of one."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


# ---------------------------------------------------------------- loading

def default_catalogue() -> Catalogue:
    """The built-in catalogue, merged with the file ``INVENTORY_SHADOW_IT_EXTRA`` names (cached)."""
    return load_catalogue(None, os.environ.get(EXTRA_ENV) or None)


@functools.lru_cache(maxsize=8)
def load_catalogue(path: str | None = None, extra: str | None = None) -> Catalogue:
    """Load, merge and compile a catalogue; raises CatalogueError when it is malformed."""
    data = _read_toml(path)
    if extra:               # the IT division's own rules: any mistake is reported on loading
        return compile_catalogue(merge_catalogues(data, _read_toml(extra))).check()
    return compile_catalogue(data) if path is None else compile_catalogue(data).check()


def _read_toml(path: str | None) -> dict:
    try:
        if path is None:
            raw = BUILT_IN_PATH.read_bytes()
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
        return tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"catalogue {path or 'built-in'} unreadable: {exc}") from None


def merge_catalogues(base: dict, extra: dict) -> dict:
    """``extra`` over ``base``: lists appended, ``[sanctioned]`` lists replaced, tables merged."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if key == "sanctioned" and isinstance(old, dict) and isinstance(value, dict):
            out[key] = {**old, **value}
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + value
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = merge_catalogues(old, value)
        else:
            out[key] = value
    return out


def _strings(entry: dict, key: str, where: str, required: bool = True) -> list[str]:
    value = entry.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CatalogueError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: '{key}' must be a non-empty string")
    return value


def _compile(text: str, where: str, key: str) -> re.Pattern:
    try:
        return re.compile(text, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise CatalogueError(f"{where}: '{key}' is not a valid regular expression: {exc}") from None


def _table_list(data: dict, key: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CatalogueError(f"'{key}' must be an array of tables ([[{key}]])")
    return value


def compile_catalogue(data: dict) -> Catalogue:
    """Check a parsed catalogue and build its matchers."""
    kinds: dict[str, str] = {}
    kind_table = data.get("kinds", {})
    if not isinstance(kind_table, dict):
        raise CatalogueError("'kinds' must be a table")
    for kind in ("executable", "script", "shortcut"):
        for ext in _strings(kind_table, kind, "kinds", required=False):
            kinds[ext.lower().lstrip(".")] = kind

    sanctioned = data.get("sanctioned", {})
    if not isinstance(sanctioned, dict):
        raise CatalogueError("'sanctioned' must be a table")

    tools, name_globs, product_globs = [], [], []
    for i, entry in enumerate(_table_list(data, "tool")):
        where = f"tool {i + 1}"
        risk = _text(entry, "risk", where)
        if risk not in TOOL_RISKS:
            raise CatalogueError(f"{where}: 'risk' must be one of {sorted(TOOL_RISKS)}")
        markers = _strings(entry, "markers", where, required=False)
        if any(len(m) < MIN_MARKER_CHARS for m in markers):
            raise CatalogueError(f"{where}: markers must be at least {MIN_MARKER_CHARS} characters")
        tools.append(Tool(_text(entry, "name", where), risk, tuple(m.lower() for m in markers)))
        name_globs += [(i, g) for g in _strings(entry, "names", where)]
        product_globs += [(i, g) for g in _strings(entry, "products", where, required=False)]

    artefacts, artefact_globs = [], []
    for i, entry in enumerate(_table_list(data, "p2p_artefact")):
        where = f"p2p_artefact {i + 1}"
        artefacts.append((_text(entry, "name", where), _text(entry, "label", where)))
        artefact_globs += [(i, g) for g in _strings(entry, "names", where)]

    clients = [_sync_client(entry, f"sync_client {i + 1}")
               for i, entry in enumerate(_table_list(data, "sync_client"))]

    services: dict[str, str] = {}
    for i, entry in enumerate(_table_list(data, "cloud_service")):
        where = f"cloud_service {i + 1}"
        name = _text(entry, "name", where)
        for domain in _strings(entry, "domains", where):
            services.setdefault(domain.lower().strip("."), name)

    uploads = tuple(_script_rule(e, f"upload_rule {i + 1}", needs_value=False)
                    for i, e in enumerate(_table_list(data, "upload_rule")))
    credentials = tuple(_script_rule(e, f"credential_rule {i + 1}", needs_value=True)
                        for i, e in enumerate(_table_list(data, "credential_rule")))
    return Catalogue(
        kinds=kinds,
        tools=tuple(tools),
        tool_names=NameMatcher(name_globs),
        tool_products=NameMatcher(product_globs),
        sanctioned_tools=frozenset(_strings(sanctioned, "tools", "sanctioned", required=False)),
        p2p_artefacts=tuple(artefacts),
        p2p_names=NameMatcher(artefact_globs),
        sync_clients=tuple(clients),
        sanctioned_sync_folders=NameMatcher(
            [(0, g) for g in _strings(sanctioned, "sync_folders", "sanctioned", required=False)]),
        services=services,
        sanctioned_domains=frozenset(d.lower().strip(".") for d in
                                     _strings(sanctioned, "domains", "sanctioned", required=False)),
        upload_rules=uploads,
        credential_rules=credentials,
        any_sync_folder=NameMatcher([(0, g) for entry in _table_list(data, "sync_client")
                                     for g in _strings(entry, "folder_names", "", required=False)]),
        any_sync_marker=frozenset().union(*(c.exact_markers for c in clients)),
        any_sync_glob=NameMatcher([(0, g) for entry in _table_list(data, "sync_client")
                                   for g in _strings(entry, "markers", "", required=False)
                                   if any(ch in g for ch in "*?[")]),
    )


def _sync_client(entry: dict, where: str) -> SyncClient:
    markers = _strings(entry, "markers", where, required=False)
    globs = [m for m in markers if any(ch in m for ch in "*?[")]
    if any(not g.startswith(".") for g in globs):
        raise CatalogueError(f"{where}: marker globs must start with '.'")
    folder_names = _strings(entry, "folder_names", where, required=False)
    marker_folders = _strings(entry, "marker_folder_names", where, required=False)
    path_names = _strings(entry, "path_names", where, required=False)
    if not folder_names and not markers:
        raise CatalogueError(f"{where}: needs 'folder_names' or 'markers'")
    return SyncClient(
        name=_text(entry, "name", where),
        folder_names=NameMatcher([(0, g) for g in folder_names]),
        path_names=NameMatcher([(0, g) for g in folder_names + path_names]),
        marker_folder_names=NameMatcher([(0, g) for g in marker_folders]) if marker_folders else None,
        exact_markers=frozenset(m for m in markers if m not in globs),
        glob_markers=NameMatcher([(0, g) for g in globs]) if globs else None,
        sanctionable=bool(entry.get("sanctionable", False)),
    )


def _script_rule(entry: dict, where: str, needs_value: bool) -> ScriptRule:
    scope = entry.get("scope", "line")
    if scope not in ("line", "text"):
        raise CatalogueError(f"{where}: 'scope' must be 'line' or 'text'")
    return ScriptRule(
        label=_text(entry, "label", where),
        where=where,
        pattern_text=_text(entry, "pattern", where),
        requires_text=_text(entry, "requires", where) if "requires" in entry else None,
        needs_value=needs_value,
        check_hosts=bool(entry.get("check_hosts", True)),
        external_only=bool(entry.get("external_only", False)),
        whole_text=scope == "text",
        not_values=frozenset(v.lower() for v in _strings(entry, "not_values", where, required=False)),
        keywords=tuple(k.lower() for k in _strings(entry, "keywords", where, required=False)),
    )
