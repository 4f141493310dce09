"""Scripts that send files off the network, or carry a password in clear text.

Rules live in the catalogue (``[[upload_rule]]``, ``[[credential_rule]]``);
this module decodes the script (cp932, UTF-8 with or without BOM, UTF-16),
joins continuation lines, applies the rules and judges hosts.  A finding
names the rule and line numbers, never a value, host or URL from the script.
"""
from __future__ import annotations

import codecs
import ipaddress
import re
from collections.abc import Iterator

from ..document import ReadError
from ..record import risk
from .catalogue import Catalogue, ScriptRule, default_catalogue

MAX_SCRIPT_BYTES = 1024 * 1024      # read at most this much of a script
MAX_LINE_CHARS = 4096               # longer logical lines are cut (keeps every regex linear)
MAX_LINES_SHOWN = 5
MAX_LABELS_SHOWN = 5

#: name suffixes of hosts that never leave the LAN
INTERNAL_SUFFIXES = (".local", ".lan", ".internal", ".intra", ".intranet", ".corp",
                     ".home.arpa", ".localdomain", ".localhost")

_URL_HOST = re.compile(r"""\b[a-z][a-z0-9+.-]{0,31}://(?:[^/@\s"']{0,256}@)?(\[[^\]\s]{1,64}\]|[^/:\s"'\\?#]{1,253})""", re.IGNORECASE)
_UNC_HOST = re.compile(r"""\\\\([^\\/\s"']{1,253})""")
_USER_AT_HOST = re.compile(r"""(?<![\w.-])[\w.-]{1,64}@([a-z0-9][\w.-]{0,252})(?=:)""", re.IGNORECASE)
_FTP_OPEN_HOST = re.compile(r"""(?:^|&)[ \t]*\(?[ \t]*(?:@?echo[ \t]+)?open[ \t]+([\w.-]+)""", re.IGNORECASE | re.MULTILINE)
_FTP_CMD_HOST = re.compile(r"""\bftp(?:\.exe)?[ \t]+(?:-\S{1,256}[ \t]+){0,8}([a-z0-9][\w-]{0,62}(?:\.[\w-]{1,63}){1,8})""", re.IGNORECASE)
_BARE_HOST = re.compile(r"""(?:^|\s)"?([a-z0-9][\w.-]{1,252}):(?!//|\\)(?=[\w/~.$-]|$)""", re.IGNORECASE)
_VARIABLE_CHARS = frozenset("%$!{}()`<>")
#: address blocks that stay inside an organisation (everything else counts as outside)
INTERNAL_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
    "::1/128", "fc00::/7", "fe80::/10"))

_COMMENT_PREFIXES = {
    "bat": ("rem ", "@rem ", "::"), "ps": ("#",), "vbs": ("'", "rem "), "sh": ("#",),
    "wsh": ("//", "'", "<!--"),
}
_CONTINUATIONS = {"bat": "^", "ps": "`", "vbs": " _", "sh": "\\", "wsh": None}
_LANGUAGE_BY_EXTENSION = {
    "bat": "bat", "cmd": "bat", "ps1": "ps", "psm1": "ps", "vbs": "vbs", "vbe": "vbs",
    "sh": "sh", "wsf": "wsh", "wsh": "wsh", "jse": "wsh", "js": "wsh", "hta": "wsh",
}


def script_risks(path: str) -> list[dict]:
    """``external-upload-script`` and ``credentials-in-file`` for one script file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SCRIPT_BYTES)
    except OSError:
        raise ReadError("cannot read file") from None
    language = _LANGUAGE_BY_EXTENSION.get(path.rpartition(".")[2].lower(), "bat")
    return risks_in_script(decode_script(data), language)


def decode_script(data: bytes) -> str:
    """Text of a script: BOMs honoured, UTF-16 without BOM recognised, UTF-8 tried, else cp932."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    sample = data[:4096]
    if len(sample) >= 4:
        odd_zeros, even_zeros = sample[1::2].count(0), sample[0::2].count(0)
        if odd_zeros > len(sample) // 4 and even_zeros <= len(sample) // 32:
            return data.decode("utf-16-le", errors="replace")
        if even_zeros > len(sample) // 4 and odd_zeros <= len(sample) // 32:
            return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[:exc.start].decode("utf-8")    # cut inside a character by the bounded read
    return data.decode("cp932", errors="replace")


def logical_lines(text: str, language: str = "bat") -> Iterator[tuple[int, str, bool]]:
    """(first line number, logical line, is a comment): continuations joined, long lines cut."""
    continuation = _CONTINUATIONS.get(language)
    comments = _COMMENT_PREFIXES.get(language, ("#",))
    in_block_comment = False
    start, pending = 0, ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not pending:
            start = number
        if continuation and line.endswith(continuation) and len(pending) < MAX_LINE_CHARS:
            pending += line[:-len(continuation)] + " "
            continue
        line = (pending + line)[:MAX_LINE_CHARS]
        pending = ""
        stripped = line.lstrip().lower()
        if language == "ps" and stripped.startswith("<#"):
            in_block_comment = True
        is_comment = in_block_comment or stripped.startswith(comments)
        if in_block_comment and "#>" in stripped:
            in_block_comment = False
        if stripped:
            yield start, line, is_comment
    if pending.strip():
        yield start, pending[:MAX_LINE_CHARS], False


def risks_in_script(text: str, language: str = "bat") -> list[dict]:
    """The risks of a script's text (see :func:`script_risks`)."""
    cat = default_catalogue()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(logical_lines(text, language))
    low_lines = [line.lower() for _, line, _ in lines]
    low_text = "\n".join(low_lines)
    script_hosts: list[str] | None = None        # computed when a rule first needs them
    uploads: dict[str, list[int]] = {}
    services: set[str] = set()
    for rule in cat.upload_rules:
        if not rule.worth_trying(low_text) or (rule.requires and not rule.requires.search(text)):
            continue
        for (number, line, is_comment), low in zip(lines, low_lines):
            if is_comment or not rule.worth_trying(low) or not rule.pattern.search(line):
                continue
            hosts = hosts_in(line)
            if not hosts and script_hosts is None:
                script_hosts = hosts_in(text[:MAX_SCRIPT_BYTES], bare=False)
            if not _upload_counts(rule, hosts, script_hosts or [], line, cat):
                continue
            uploads.setdefault(rule.label, []).append(number)
            services.update(s for h in hosts if (s := cat.service_of_host(_bare(h))))
            if len(uploads[rule.label]) > MAX_LINES_SHOWN:
                break
    credentials: dict[str, list[int]] = {}
    for rule in cat.credential_rules:
        if not rule.worth_trying(low_text) or (rule.requires and not rule.requires.search(text)):
            continue
        for number in _credential_lines(rule, text, lines, low_lines):
            credentials.setdefault(rule.label, []).append(number)
    risks = []
    if uploads:
        to = f"（送信先 {'・'.join(sorted(services))}）" if services else ""
        risks.append(risk("external-upload-script", f"外部へのファイル送信{to}: {_summary(uploads)}"))
    if credentials:
        risks.append(risk("credentials-in-file",
                          f"スクリプトに平文のパスワード: {_summary(credentials)}（値は記録していません）"))
    return risks


def _upload_counts(rule: ScriptRule, hosts: list[str], script_hosts: list[str],
                   line: str, cat: Catalogue) -> bool:
    if rule.external_only:
        return any(is_external_host(h, line, cat) for h in hosts)
    if rule.check_hosts:
        considered = hosts or script_hosts
        if considered and all(is_internal_host(h, cat) for h in considered):
            return False
    return True


def _credential_lines(rule: ScriptRule, text: str, lines: list[tuple[int, str, bool]],
                      low_lines: list[str]) -> list[int]:
    found = []
    if rule.whole_text:
        for m in rule.pattern.finditer(text[:MAX_SCRIPT_BYTES]):
            if is_literal(m.group("value"), rule.not_values):
                found.append(text.count("\n", 0, m.start("value")) + 1)
                if len(found) > MAX_LINES_SHOWN:
                    break
        return found
    for (number, line, _), low in zip(lines, low_lines):
        if rule.worth_trying(low) and (m := rule.pattern.search(line)) \
                and is_literal(m.group("value"), rule.not_values):
            found.append(number)
            if len(found) > MAX_LINES_SHOWN:
                break
    return found


def _summary(found: dict[str, list[int]]) -> str:
    parts = []
    for label, numbers in list(found.items())[:MAX_LABELS_SHOWN]:
        numbers = sorted(set(numbers))
        shown = ", ".join(map(str, numbers[:MAX_LINES_SHOWN]))
        more = "ほか" if len(numbers) > MAX_LINES_SHOWN else ""
        parts.append(f"{label} {shown} 行目{more}")
    if len(found) > MAX_LABELS_SHOWN:
        parts.append(f"ほか {len(found) - MAX_LABELS_SHOWN} 種類")
    return "、".join(parts)


# ---------------------------------------------------------------- values and hosts

def is_literal(value: str | None, not_values: frozenset[str] = frozenset()) -> bool:
    """True when a matched password is written out, not a variable, prompt or placeholder."""
    if value is None:
        return False
    v = value.strip().strip("\"'").strip()
    if not v or v.lower() in not_values or v.startswith("-"):
        return False
    if v[0] in _VARIABLE_CHARS or re.search(r"%\w+%|\$\{?\w+|!\w+!", v):
        return False
    return not (set(v) <= {"*"} or set(v.lower()) <= {"x"})


def hosts_in(text: str, bare: bool = True) -> list[str]:
    """Host names and addresses a piece of script text names (URLs, UNC paths, user@host:, ftp open)."""
    hosts = [m.group(1) for rx in (_URL_HOST, _UNC_HOST, _USER_AT_HOST, _FTP_OPEN_HOST, _FTP_CMD_HOST)
             for m in rx.finditer(text)]
    if bare:
        hosts += [m.group(1) for m in _BARE_HOST.finditer(text)]
    return hosts


def _bare(host: str) -> str:
    """A host without WebDAV/port suffixes (``host@SSL@443``) or IPv6 brackets."""
    return host.split("@", 1)[0].strip("[]").lower().rstrip(".")


def is_internal_host(host: str, cat: Catalogue) -> bool:
    """True for hosts that stay inside the LAN: private IPs, single labels, *.local, sanctioned domains."""
    if _VARIABLE_CHARS & set(host):
        return False
    name = _bare(host)
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name or name.endswith(INTERNAL_SUFFIXES) or cat.is_sanctioned_host(name)
    return any(address in network for network in INTERNAL_NETWORKS)


def is_external_host(host: str, line: str, cat: Catalogue) -> bool:
    """True for hosts surely outside: public IPs, cloud-storage domains, WebDAV to unsanctioned domains."""
    if _VARIABLE_CHARS & set(host):
        return False
    name = _bare(host)
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return not address.is_unspecified and not any(address in n for n in INTERNAL_NETWORKS)
    if cat.service_of_host(name):
        return True
    webdav = "@ssl" in host.lower() or "davwwwroot" in line.lower()
    return webdav and "." in name and not is_internal_host(host, cat)
