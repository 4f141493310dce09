"""Remote-access and P2P software in executables: by name, version resource, signature, strings."""
import struct

import pytest
from work_counters import count_reads

from scanners.document import ReadError
from scanners.shadow import executable_name_risks, executable_risks
from scanners.shadow import executables
from scanners.shadow.executables import HEADER_BYTES, MAX_BLOB, WINDOW_BYTES, version_fields

# ---------------------------------------------------------------- builders

def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _node(key: str, value: bytes = b"", children: bytes = b"", text: bool = True,
          value_words: int | None = None) -> bytes:
    """One VS_VERSIONINFO-family structure: wLength, wValueLength, wType, szKey, padding, value, children."""
    head_len = 6 + len(key.encode("utf-16-le")) + 2
    body = _pad4(b"\0" * head_len)[head_len:]          # padding after the key
    if value_words is None:
        value_words = len(value) // 2 if text else len(value)
    payload = body + _pad4(value) + children
    length = head_len + len(payload)
    return struct.pack("<HHH", length, value_words, 1 if text else 0) + key.encode("utf-16-le") + b"\0\0" + payload


def version_block(**strings: str) -> bytes:
    """A VS_VERSIONINFO block holding a StringFileInfo table with the given strings."""
    entries = b"".join(_pad4(_node(k, v.encode("utf-16-le") + b"\0\0")) for k, v in strings.items())
    table = _node("041104b0", children=entries)
    string_info = _node("StringFileInfo", children=_pad4(table))
    fixed = struct.pack("<I", 0xFEEF04BD) + b"\0" * 48
    return _node("VS_VERSION_INFO", fixed, _pad4(string_info), text=False)


def pe_file(version: bytes | None = None, signature: bytes = b"", text_section: bytes = b"") -> bytes:
    """A small PE32 image: .text, optionally .rsrc with an RT_VERSION resource, a signature blob."""
    image, sig_record = pe_parts(version, signature, text_section)
    return image + sig_record


def pe_parts(version: bytes | None = None, signature: bytes = b"", text_section: bytes = b"",
             overlay: int = 0) -> tuple[bytes, bytes]:
    """(headers and sections, signature record); the signature is expected ``overlay`` bytes later."""
    text = _pad4(text_section or b"\xc3" * 16).ljust(0x200, b"\0")
    rsrc = b""
    if version is not None:
        rva = 0x2000
        root = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 16, 0x80000000 | 0x18)
        names = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 1, 0x80000000 | 0x30)
        langs = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 0x411, 0x48)
        data_entry = struct.pack("<IIII", rva + 0x58, len(version), 0, 0)
        rsrc = (root + names + langs + data_entry).ljust(0x58, b"\0") + version
        rsrc = rsrc.ljust((len(rsrc) + 0x1FF) // 0x200 * 0x200, b"\0")
    sections = [(b".text", 0x1000, len(text), 0x400, text)]
    if rsrc:
        sections.append((b".rsrc", 0x2000, len(rsrc), 0x400 + len(text), rsrc))
    body_end = 0x400 + sum(len(s[4]) for s in sections)
    sig_offset = body_end + overlay
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x80)
    dos = dos.ljust(0x80, b"\0")
    coff = struct.pack("<HHIIIHH", 0x14C, len(sections), 0, 0, 0, 224, 0x102)
    optional = bytearray(224)
    struct.pack_into("<H", optional, 0, 0x10B)
    struct.pack_into("<I", optional, 92, 16)
    if rsrc:
        struct.pack_into("<II", optional, 96 + 2 * 8, 0x2000, len(rsrc))
    if signature:
        struct.pack_into("<II", optional, 96 + 4 * 8, sig_offset, len(signature) + 8)
    table = b"".join(name.ljust(8, b"\0") + struct.pack("<IIIIIIHHI", len(raw), rva, len(raw), ptr, 0, 0, 0, 0, 0)
                     for name, rva, _, ptr, raw in sections)
    headers = (dos + b"PE\0\0" + coff + bytes(optional) + table).ljust(0x400, b"\0")
    image = headers + b"".join(s[4] for s in sections)
    sig_record = struct.pack("<IHH", len(signature) + 8, 0x200, 2) + signature if signature else b""
    return image, sig_record


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


ANYDESK = version_block(CompanyName="philandro Software GmbH", ProductName="AnyDesk",
                        FileDescription="AnyDesk", OriginalFilename="AnyDesk.exe")
TEAMVIEWER = version_block(CompanyName="TeamViewer Germany GmbH", ProductName="TeamViewer",
                           FileDescription="TeamViewer 15")
QBITTORRENT = version_block(CompanyName="The qBittorrent project", ProductName="qBittorrent",
                            FileDescription="qBittorrent - A Bittorrent Client")
ORDINARY = version_block(CompanyName="株式会社サンプル情報システム", ProductName="財務会計システム",
                         FileDescription="財務会計 セットアップ", OriginalFilename="setup.exe")
MICROSOFT = version_block(CompanyName="Microsoft Corporation", ProductName="Microsoft® Windows® Operating System",
                          FileDescription="Windows Installer")


# ---------------------------------------------------------------- tables

CASES = [
    # (file name, bytes, expected [(code, tool)], evidence word expected in the detail)
    ("AnyDesk.exe", pe_file(ANYDESK), [("remote-access-tool", "AnyDesk")], "バージョン情報"),
    ("setup.exe", pe_file(ANYDESK), [("remote-access-tool", "AnyDesk")], "バージョン情報"),
    ("update_tool.exe", pe_file(TEAMVIEWER), [("remote-access-tool", "TeamViewer")], "バージョン情報"),
    ("client.exe", pe_file(QBITTORRENT), [("p2p-file-sharing", "qBittorrent")], "バージョン情報"),
    ("tool.exe", pe_file(version=None, signature=b"\x30\x82...CN=philandro Software GmbH, O=philandro Software GmbH"),
     [("remote-access-tool", "AnyDesk")], "電子署名の発行元"),
    ("Winny2.exe", pe_file(ORDINARY), [("p2p-file-sharing", "Winny")], "ファイル名"),
    ("TeamViewer_Setup_x64.exe", b"corrupt download", [("remote-access-tool", "TeamViewer")], "ファイル名"),
    ("uTorrent.exe", b"", [("p2p-file-sharing", "µTorrent")], "ファイル名"),
    ("renamed.bin.exe", b"MZ" + b"\0" * 100 + "ProductName\0AnyDesk\0".encode("utf-16-le"),
     [("remote-access-tool", "AnyDesk")], "ファイル内の文字列"),
    ("noversion.msi", b"\0" * 5000 + b"Manufacturer" + b"Splashtop Inc." + b"\0" * 100,
     [("remote-access-tool", "Splashtop")], "ファイル内の文字列"),
    ("packed.exe", pe_file(text_section="TeamViewer Germany GmbH".encode("utf-16-le")),
     [("remote-access-tool", "TeamViewer")], "ファイル内の文字列"),
    # negatives: ordinary installers and programs
    ("blocker.exe", pe_file(text_section="block: TeamViewer, AnyDesk, Winny".encode("utf-16-le")), [], None),
    ("setup.exe", pe_file(ORDINARY), [], None),
    ("msiexec.exe", pe_file(MICROSOFT), [], None),
    ("kintai.exe", pe_file(ORDINARY, text_section="TeamViewer AnyDesk Winny".encode("utf-16-le")), [], None),
    ("zaimu_setup.exe", pe_file(ORDINARY, signature=b"\x30\x82 O=Sample Systems K.K."), [], None),
    ("pd.exe", pe_file(ORDINARY), [], None),
    ("empty.exe", b"", [], None),
    ("truncated.exe", pe_file(ANYDESK)[:0x300], [], None),
    ("not_pe.exe", b"MZ" + bytes(range(256)) * 40, [], None),
]


@pytest.mark.parametrize("name, data, expected, evidence", CASES,
                         ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_executable_risks(tmp_path, name, data, expected, evidence):
    risks = executable_risks(write(tmp_path, name, data), name)
    assert [r["code"] for r in risks] == [code for code, _ in expected]
    for risk, (_, tool) in zip(risks, expected):
        assert f" {tool}（" in risk["detail"]
    if evidence:
        assert evidence in risks[0]["detail"]


def test_name_and_contents_are_one_finding(tmp_path):
    risks = executable_risks(write(tmp_path, "AnyDesk.exe", pe_file(ANYDESK)), "AnyDesk.exe")
    assert len(risks) == 1
    assert "ファイル名" in risks[0]["detail"] and "バージョン情報" in risks[0]["detail"]


@pytest.mark.parametrize("data, expected", [
    (ANYDESK, ["philandro Software GmbH", "AnyDesk", "AnyDesk", "AnyDesk.exe"]),
    (version_block(ProductName=""), []),
    (b"ProductName".ljust(40, b"\0"), []),                 # ASCII key: not a version resource
    ("ProductName\0".encode("utf-16-le"), []),            # key at the very end
])
def test_version_fields(data, expected):
    assert sorted(version_fields(data)) == sorted(expected)


def test_sanctioned_tool_is_not_reported(tmp_path, monkeypatch):
    extra = tmp_path / "extra.toml"
    extra.write_text('[sanctioned]\ntools = ["AnyDesk"]\n', encoding="utf-8")
    monkeypatch.setenv("INVENTORY_SHADOW_IT_EXTRA", str(extra))
    assert executable_risks(write(tmp_path, "AnyDesk.exe", pe_file(ANYDESK)), "AnyDesk.exe") == []
    assert executable_risks(write(tmp_path, "tv.exe", pe_file(TEAMVIEWER)), "tv.exe") != []


def test_large_installer_reads_are_bounded(tmp_path, monkeypatch):
    """A 400 MB installer (sparse file): version block at the start, signature after the overlay.
    Headers, the version block and the signature are read, never the overlay (the time it
    takes is a figure of ``make bench``)."""
    path = tmp_path / "big_setup.exe"
    overlay = 400 * 1024 * 1024
    image, sig = pe_parts(version_block(ProductName="Installer"), b"O=philandro Software GmbH", overlay=overlay)
    with open(path, "wb") as fh:
        fh.write(image)
        fh.seek(len(image) + overlay)
        fh.write(sig)
    tally = count_reads(monkeypatch, executables)
    risks = executable_risks(str(path), "big_setup.exe")
    assert risks and "電子署名の発行元" in risks[0]["detail"]
    assert len(tally.files) == 1 and tally.bytes <= HEADER_BYTES + 2 * MAX_BLOB


def test_large_unknown_binary_reads_only_head_and_tail(tmp_path, monkeypatch):
    path = tmp_path / "data.com"
    with open(path, "wb") as fh:
        fh.truncate(300 * 1024 * 1024)
        fh.seek(150 * 1024 * 1024)
        fh.write(b"RealVNC Ltd")                          # in the middle: never read
    tally = count_reads(monkeypatch, executables)
    assert executable_risks(str(path), "data.com") == []
    assert len(tally.files) == 1 and tally.bytes <= HEADER_BYTES + 2 * WINDOW_BYTES


def test_unreadable_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError) as info:
        executable_risks(str(tmp_path / "missing.exe"), "missing.exe")
    assert str(info.value) == "cannot read file"


@pytest.mark.parametrize("name, expected", [
    ("AnyDesk.exe", ["remote-access-tool"]), ("BitComet_setup.exe", ["p2p-file-sharing"]), ("setup.exe", []),
])
def test_executable_name_risks(name, expected):
    """What the walker can still record when the file itself cannot be read."""
    assert [r["code"] for r in executable_name_risks(name)] == expected


def _real_launchers():
    """Real PE files shipped with pip (distlib's launchers): 32-bit, 64-bit and ARM64 images."""
    from pathlib import Path

    import pip
    return sorted((Path(pip.__file__).parent / "_vendor" / "distlib").glob("*.exe"))


@pytest.mark.parametrize("launcher", _real_launchers(), ids=lambda p: p.name)
def test_real_pe_is_read_through_its_resource_directory(tmp_path, launcher):
    """A real, ordinary executable gives no finding; the same file carrying AnyDesk's name in its
    version resource (values overwritten in place, same length) is caught though renamed."""
    data = launcher.read_bytes()
    assert executable_risks(str(launcher), "launcher.exe") == []
    old = "Simple Launcher".encode("utf-16-le")
    assert old in data
    renamed = data.replace(old, "AnyDesk".ljust(15).encode("utf-16-le"))
    risks = executable_risks(write(tmp_path, "setup.exe", renamed), "setup.exe")
    assert [r["code"] for r in risks] == ["remote-access-tool"]
    assert "バージョン情報" in risks[0]["detail"]
