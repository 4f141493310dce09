"""Names alone: record kinds, cloud-sync roots, P2P artefacts; and the catalogue itself."""
import pytest

from scanners.shadow import (
    CatalogueError,
    cloud_sync_risk,
    load_catalogue,
    p2p_artefact_risks,
    shadow_kind,
    shadow_risks,
    sync_client_in_path,
    sync_client_of_folder,
)
from scanners.shadow.catalogue import NameMatcher, default_catalogue


@pytest.mark.parametrize("name, expected", [
    ("AnyDesk.exe", "executable"), ("SETUP.EXE", "executable"), ("installer.msi", "executable"),
    ("screen.scr", "executable"), ("command.com", "executable"),
    ("backup.bat", "script"), ("送信.CMD", "script"), ("upload.ps1", "script"), ("mod.psm1", "script"),
    ("job.vbs", "script"), ("job.vbe", "script"), ("job.wsf", "script"), ("run.sh", "script"), ("x.jse", "script"),
    ("jquery.js", None),                                   # web-page assets: left out on purpose
    ("共有フォルダ.url", "shortcut"), ("Excel.lnk", "shortcut"), ("site.webloc", "shortcut"),
    ("app.desktop", "shortcut"),
    ("movie.torrent", "other"), ("movie.mkv.!ut", "other"), ("file.bc!", "other"), ("a.avi.part.met", "other"),
    ("known.met", "other"), ("Noderef.txt", "other"), ("NODEREF.TXT", "other"),
    ("名簿.xlsx", None), ("readme.txt", None), ("Makefile", None), ("", None), (".", None), ("torrent", None),
])
def test_shadow_kind(name, expected):
    assert shadow_kind(name) == expected


@pytest.mark.parametrize("folder, entries, expected", [
    ("Dropbox", {".dropbox", "名簿.xlsx"}, "Dropbox"),
    ("Dropbox (堺市)", {".dropbox.cache"}, "Dropbox"),
    ("個人用", {".dropbox"}, "Dropbox"),                     # renamed sync root: the marker decides
    ("Dropbox", {"名簿.xlsx"}, None),                        # a folder merely named Dropbox
    ("Google Drive", set(), "Google ドライブ"),
    ("マイドライブ", set(), "Google ドライブ"),
    ("data", {".tmp.drivedownload"}, "Google ドライブ"),
    ("OneDrive", set(), "OneDrive（個人用）"),
    ("onedrive", set(), "OneDrive（個人用）"),
    ("OneDrive - Personal", set(), "OneDrive（個人用）"),
    ("OneDrive - 堺市", set(), None),                        # the sanctioned business tenant
    ("Box Sync", set(), "Box"),
    ("Box", {"Box Sync ReadMe.pdf"}, "Box"),
    ("Box", {"段ボール発注.xlsx"}, None),
    ("iCloudDrive", set(), "iCloud Drive"),
    ("MEGAsync", set(), "MEGA"),
    ("sync", {".debris"}, "MEGA"),
    ("pCloud Drive", set(), "pCloud"),
    ("share", {".stfolder"}, "Syncthing"),
    ("share", {".sync_3f2a9c.db", "a.xlsx"}, "Nextcloud / ownCloud"),
    ("share", {"sync_3f2a9c.db"}, None),
    ("総務課", {"名簿.xlsx", "予算.xlsx", ".gitignore"}, None),
    ("", set(), None),
])
def test_sync_client_of_folder(folder, entries, expected):
    assert sync_client_of_folder(folder, entries) == expected


def test_business_tenant_allow_list_is_configurable(tmp_path, monkeypatch):
    extra = tmp_path / "city.toml"
    extra.write_text('[sanctioned]\nsync_folders = ["OneDrive - 堺市"]\n', encoding="utf-8")
    monkeypatch.setenv("INVENTORY_SHADOW_IT_EXTRA", str(extra))
    assert sync_client_of_folder("OneDrive - 堺市", set()) is None
    assert sync_client_of_folder("OneDrive - 株式会社どこか", set()) == "OneDrive for Business（他組織）"


def test_extra_catalogue_adds_entries(tmp_path, monkeypatch):
    extra = tmp_path / "city.toml"
    extra.write_text(
        '[[sync_client]]\nname = "社内ストレージ試用"\nfolder_names = ["TrialSync"]\n'
        '[[tool]]\nname = "RemoteX"\nrisk = "remote-access-tool"\nnames = ["remotex*.exe"]\n'
        '[[p2p_artefact]]\nname = "Share"\nlabel = "キャッシュ索引"\nnames = ["cache.idx"]\n', encoding="utf-8")
    monkeypatch.setenv("INVENTORY_SHADOW_IT_EXTRA", str(extra))
    assert sync_client_of_folder("TrialSync", set()) == "社内ストレージ試用"
    assert shadow_kind("cache.idx") == "other"
    assert default_catalogue().tool_names.match("RemoteX_setup.exe") is not None
    assert sync_client_of_folder("Dropbox", {".dropbox"}) == "Dropbox"          # built-ins kept


@pytest.mark.parametrize("name, expected", [
    ("movie.torrent", "P2P ファイル共有ソフト BitTorrent の.torrent ファイル"),
    ("x.!qB", "P2P ファイル共有ソフト BitTorrent のダウンロード途中のファイル"),
    ("server.met", "P2P ファイル共有ソフト eMule の設定・ダウンロード途中のファイル"),
    ("Noderef.txt", "P2P ファイル共有ソフト Winny のノード情報ファイル"),
    ("名簿.xlsx", None), ("torrent_manual.pdf", None), ("metadata.met.xlsx", None),
])
def test_p2p_artefact_risks(name, expected):
    risks = p2p_artefact_risks(name)
    assert risks == ([{"code": "p2p-file-sharing", "detail": expected}] if expected else [])


@pytest.mark.parametrize("path, expected", [
    ("C:\\Users\\taro\\Dropbox\\a.xlsx", "Dropbox"),
    ("/Users/taro/Dropbox (Personal)/a.xlsx", "Dropbox"),
    ("G:\\マイドライブ\\a.xlsx", "Google ドライブ"),
    ("C:\\Users\\taro\\OneDrive\\a.xlsx", "OneDrive（個人用）"),
    ("C:\\Users\\taro\\OneDrive - 堺市\\a.xlsx", None),
    ("\\\\fileserver\\share\\業務\\a.xlsx", None),
    ("D:\\dropbox_manual.pdf", None),
])
def test_sync_client_in_path(path, expected):
    assert sync_client_in_path(path) == expected


def test_cloud_sync_risk():
    assert cloud_sync_risk("Dropbox") == {"code": "cloud-sync-folder", "detail": "クラウド同期フォルダ（Dropbox）内のファイル"}


@pytest.mark.parametrize("globs, name, expected", [
    ([(0, "a*.exe"), (1, "*.exe")], "abc.exe", 0),
    ([(0, "*.exe"), (1, "abc.exe")], "ABC.EXE", 0),          # catalogue order wins, not pattern type
    ([(0, "x.exe"), (1, "*.exe")], "y.exe", 1),
    ([(0, "tv_[wx]*.exe")], "TV_X64.exe", 0),
    ([(0, "*.torrent")], "a.torrent.xlsx", None),
])
def test_name_matcher(globs, name, expected):
    assert NameMatcher(globs).match(name) == expected


@pytest.mark.parametrize("toml, message", [
    ('[[tool]]\nname = "X"\nrisk = "bad"\nnames = ["x.exe"]\n', "'risk' must be one of"),
    ('[[tool]]\nname = "X"\nrisk = "remote-access-tool"\n', "'names' must be a list"),
    ('[[tool]]\nname = "X"\nrisk = "remote-access-tool"\nnames = ["x.exe"]\nmarkers = ["abc"]\n', "at least 8"),
    ('[[upload_rule]]\nlabel = "x"\npattern = "(unclosed"\n', "not a valid regular expression"),
    ('[[credential_rule]]\nlabel = "x"\npattern = "password=\\\\S+"\n', "group named 'value'"),
    ('[[sync_client]]\nname = "x"\n', "needs 'folder_names' or 'markers'"),
    ('[[sync_client]]\nname = "x"\nmarkers = ["*.db"]\n', "must start with '.'"),
    ('tool = "x"\n', "array of tables"),
    ('[[tool]\n', "unreadable"),
])
def test_malformed_catalogue_is_rejected(tmp_path, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_catalogue(str(path))


def test_built_in_catalogue_loads():
    cat = default_catalogue()
    assert len(cat.tools) >= 30 and len(cat.upload_rules) >= 15 and len(cat.credential_rules) >= 20
    assert {t.risk for t in cat.tools} == {"remote-access-tool", "p2p-file-sharing"}
    assert cat.check() is cat        # every rule's regular expressions compile (they are lazy)


def test_malformed_extra_catalogue_fails_on_loading(tmp_path, monkeypatch):
    path = tmp_path / "extra.toml"
    path.write_text('[[credential_rule]]\nlabel = "x"\npattern = "pw=\\\\S+"\n', encoding="utf-8")
    monkeypatch.setenv("INVENTORY_SHADOW_IT_EXTRA", str(path))
    with pytest.raises(CatalogueError, match="group named 'value'"):
        default_catalogue()


@pytest.mark.parametrize("kind, name, expected", [
    ("other", "a.torrent", ["p2p-file-sharing"]),
    ("xlsx", "a.xlsx", []),
])
def test_shadow_risks_dispatch(kind, name, expected):
    assert [r["code"] for r in shadow_risks("/nonexistent", name, kind)] == expected


def test_name_checks_never_touch_the_file_system(monkeypatch):
    """Names are judged from the name and the folder listing the walk already has: no call
    reaches the disk, so a share of a million names costs no I/O here (the time per name is a
    figure of ``make bench``)."""
    import builtins
    import os

    def no_io(*_args, **_kwargs):
        raise AssertionError("a name check touched the file system")

    for module, name in ((os, "stat"), (os, "lstat"), (os, "scandir"), (os, "listdir"), (builtins, "open")):
        monkeypatch.setattr(module, name, no_io)
    entries = {f"file{i}.xlsx" for i in range(50)}
    for name in ["名簿データ_2024年度.xlsx", "setup.exe", "movie.torrent", "readme.txt", ".dropbox", "desktop.ini"]:
        shadow_kind(name)
        sync_client_of_folder(name, entries)


def test_a_matcher_of_literal_patterns_tells_the_walk_which_extensions_it_can_match():
    literal = NameMatcher([(0, "*.torrent"), (1, "resume.dat.old"), (2, "*.part.met")])
    assert literal.extensions == {"torrent", "old", "met"}
    assert NameMatcher([(0, "*.torrent"), (1, "sync-*.db")]).extensions is None      # a glob
    assert NameMatcher([(0, "*~")]).extensions is None                             # no dot
