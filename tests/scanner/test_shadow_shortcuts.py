"""Shortcuts to unsanctioned cloud storage: .url, .website, .webloc, .desktop, .lnk (built here)."""
import plistlib
import struct

import pytest

from scanners.document import ReadError
from scanners.shadow import shortcut_risks
from scanners.shadow.shortcuts import lnk_targets

#: planted in the links below; no detail may contain one
PLANTED = ("abc123", "SECRETID", "usp=sharing", "dl=0", "meibo", "taro", "dropbox.com", "drive.google",
           "docs.live.net", "DavWWWRoot", "XyZ987", "mega.nz", "box.com", "名簿")

CLSID = bytes.fromhex("0114020000000000c000000000000046")


def lnk(local_path: str | None = None, net_name: str | None = None, suffix: str = "",
        arguments: str | None = None, working_dir: str | None = None, id_names: tuple[str, ...] = (),
        env_target: str | None = None, unicode: bool = True) -> bytes:
    """A Shell Link ([MS-SHLLINK]) with the parts asked for."""
    flags = 0x80 if unicode else 0
    body = b""
    if id_names:
        flags |= 0x01
        items = b""
        for name in id_names:                             # file-entry-like items with a UTF-16 long name
            data = b"\x31\x00" + b"\0" * 12 + name.encode("utf-16-le") + b"\0\0"
            items += struct.pack("<H", len(data) + 2) + data
        items += b"\0\0"
        body += struct.pack("<H", len(items)) + items
    if local_path is not None or net_name is not None:
        flags |= 0x02
        header = 0x1C
        volume = struct.pack("<IIII", 0x11, 3, 0x1234, 0x10) + b"\0"
        parts, offsets = b"", {}
        offsets["volume"] = header + len(parts)
        parts += volume
        if local_path is not None:
            offsets["local"] = header + len(parts)
            parts += local_path.encode("cp932") + b"\0"
        if net_name is not None:
            offsets["net"] = header + len(parts)
            parts += struct.pack("<IIIII", 0x14 + len(net_name) + 1, 2, 0x14, 0, 0x20000) + net_name.encode("cp932") + b"\0"
        offsets["suffix"] = header + len(parts)
        parts += suffix.encode("cp932") + b"\0"
        link_flags = (1 if local_path is not None else 0) | (2 if net_name is not None else 0)
        info = struct.pack("<IIIIIII", header + len(parts), header, link_flags,
                           offsets["volume"] if local_path is not None else 0, offsets.get("local", 0),
                           offsets.get("net", 0), offsets["suffix"]) + parts
        body += info
    for flag, text in ((0x10, working_dir), (0x20, arguments)):
        if text is not None:
            flags |= flag
            raw = text.encode("utf-16-le" if unicode else "cp932")
            body += struct.pack("<H", len(text) if unicode else len(raw)) + raw
    if env_target is not None:
        ansi = env_target.encode("cp932").ljust(260, b"\0")
        wide = env_target.encode("utf-16-le").ljust(520, b"\0")
        body += struct.pack("<II", 0x314, 0xA0000001) + ansi + wide
    body += b"\0\0\0\0"
    header = (struct.pack("<I", 0x4C) + CLSID + struct.pack("<II", flags, 0x20) + b"\0" * 24
              + struct.pack("<IiIHHII", 0, 0, 1, 0, 0, 0, 0))
    assert len(header) == 0x4C
    return header + body


def url_file(url: str, encoding: str = "utf-8") -> bytes:
    return f"[InternetShortcut]\r\nURL={url}\r\nIconIndex=0\r\n".encode(encoding)


DROPBOX = "Dropbox へのリンク"
CASES = [
    # (file name, bytes, expected details' service part)
    ("共有.url", url_file("https://www.dropbox.com/s/abc123/meibo.xlsx?dl=0"), [DROPBOX]),
    ("drive.url", url_file("https://drive.google.com/drive/folders/SECRETID?usp=sharing", "cp932"),
     ["Google ドライブ へのリンク"]),
    ("one.url", url_file("https://1drv.ms/f/s!XyZ987"), ["OneDrive（個人用） へのリンク"]),
    ("送付.url", url_file("https://firestorage.jp/download/abc123"), ["firestorage へのリンク"]),
    ("giga.url", url_file("https://83.gigafile.nu/0101-abc123"), ["ギガファイル便 へのリンク"]),
    ("we.website", url_file("https://we.tl/t-XyZ987"), ["WeTransfer へのリンク"]),
    ("mega.webloc", plistlib.dumps({"URL": "https://mega.nz/folder/XyZ987#abc123"}), ["MEGA へのリンク"]),
    ("mega_bin.webloc", plistlib.dumps({"URL": "https://mega.nz/file/abc123"}, fmt=plistlib.FMT_BINARY),
     ["MEGA へのリンク"]),
    ("box.desktop", b"[Desktop Entry]\nType=Link\nName=box\nURL=https://app.box.com/s/abc123\n", ["Box へのリンク"]),
    ("open.desktop", b"[Desktop Entry]\nType=Application\nExec=xdg-open https://mega.nz/folder/abc123\n",
     ["MEGA へのリンク"]),
    ("local.lnk", lnk(local_path="C:\\Users\\taro\\Dropbox\\名簿\\meibo.xlsx"),
     ["Dropbox の同期フォルダへのショートカット"]),
    ("webdav.lnk", lnk(net_name="\\\\d.docs.live.net@SSL\\DavWWWRoot", suffix="abc123\\meibo.xlsx"),
     ["OneDrive（個人用） へのリンク"]),
    ("chrome.lnk", lnk(local_path="C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                       arguments="--new-window https://drive.google.com/drive/folders/SECRETID?usp=sharing"),
     ["Google ドライブ へのリンク"]),
    ("ansi.lnk", lnk(local_path="C:\\Windows\\explorer.exe", arguments="https://www.dropbox.com/s/abc123",
                     unicode=False), [DROPBOX]),
    ("idlist.lnk", lnk(id_names=("G:\\", "マイドライブ", "名簿")), ["Google ドライブ の同期フォルダへのショートカット"]),
    ("env.lnk", lnk(env_target="%USERPROFILE%\\OneDrive\\meibo.xlsx"),
     ["OneDrive（個人用） の同期フォルダへのショートカット"]),
    ("two.lnk", lnk(local_path="C:\\Users\\taro\\Dropbox\\a.xlsx", arguments="https://mega.nz/abc123"),
     [DROPBOX.replace("へのリンク", "の同期フォルダへのショートカット"), "MEGA へのリンク"]),
    # negatives: the city's own site, LAN shares, sanctioned tenant, ordinary programs
    ("city.url", url_file("https://www.city.example.lg.jp/kurashi/index.html"), []),
    ("google.url", url_file("https://www.google.com/search?q=abc123"), []),
    ("intranet.url", url_file("http://portal.city.local/"), []),
    ("empty.url", b"[InternetShortcut]\r\n", []),
    ("share.lnk", lnk(net_name="\\\\fileserver\\share", suffix="業務\\名簿.xlsx"), []),
    ("excel.lnk", lnk(local_path="C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
                      working_dir="D:\\業務"), []),
    ("tenant.lnk", lnk(local_path="C:\\Users\\taro\\OneDrive - 堺市\\名簿.xlsx"), []),
    ("dropboxtxt.lnk", lnk(local_path="D:\\資料\\dropbox使い方.pdf"), []),
]


@pytest.mark.parametrize("name, data, expected", CASES, ids=[c[0] for c in CASES])
def test_shortcut_risks(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    risks = shortcut_risks(str(path), name)
    assert [r["code"] for r in risks] == ["cloud-storage-link"] * len(expected)
    assert [r["detail"].removeprefix("クラウドストレージ ").split("（リンク先")[0] for r in risks] == expected
    for risk in risks:
        for planted in PLANTED:
            assert planted.lower() not in risk["detail"].lower()


@pytest.mark.parametrize("data, expected", [
    (lnk(local_path="C:\\a\\b.xlsx"), ["C:\\a\\b.xlsx"]),
    (lnk(net_name="\\\\srv\\share", suffix="x\\y.xlsx"), ["\\\\srv\\share\\x\\y.xlsx"]),
    (lnk(local_path="C:\\app.exe", arguments="-x 1", working_dir="D:\\w"), ["C:\\app.exe", "D:\\w", "-x 1"]),
    (lnk(env_target="%APPDATA%\\x.exe"), ["%APPDATA%\\x.exe"]),
])
def test_lnk_targets(data, expected):
    assert lnk_targets(data) == expected


@pytest.mark.parametrize("name, data, reason", [
    ("bad.lnk", b"L\0\0\0" + b"\0" * 100, "not a shell link"),
    ("short.lnk", b"L\0\0", "not a shell link"),
    ("cut.lnk", lnk(local_path="C:\\x", arguments="https://www.dropbox.com/s/abc123")[:-40], "malformed shell link"),
    ("broken.webloc", b"<?xml version='1.0'?><plist><dict><key>URL", "malformed webloc"),
])
def test_malformed_shortcuts_are_read_errors(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        shortcut_risks(str(path), name)
    assert str(info.value) == reason


def test_hostile_offsets_do_not_crash(tmp_path):
    """LinkInfo offsets pointing far outside the file give no target, not an exception other than ReadError."""
    data = bytearray(lnk(local_path="C:\\x.xlsx"))
    struct.pack_into("<I", data, 0x4C + 16, 0xFFFFFF00)          # LocalBasePathOffset
    path = tmp_path / "hostile.lnk"
    path.write_bytes(bytes(data))
    try:
        assert shortcut_risks(str(path), "hostile.lnk") == []
    except ReadError:
        pass


def test_unreadable_shortcut_is_a_read_error(tmp_path):
    with pytest.raises(ReadError):
        shortcut_risks(str(tmp_path / "missing.url"), "missing.url")
