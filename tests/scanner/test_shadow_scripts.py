"""Scripts that upload files off the network or carry a password: rules, encodings, no leaks."""
import codecs

import pytest
from work_counters import CountingPattern, count_calls, count_reads

from scanners.document import ReadError
from scanners.shadow import script_risks, scripts
from scanners.shadow.catalogue import default_catalogue
from scanners.shadow.scripts import MAX_LINE_CHARS, MAX_SCRIPT_BYTES, decode_script, is_literal, logical_lines

#: values planted in the scripts below; no detail may ever contain one
SECRETS = ("S3cretPw", "hunter2", "Pa55word", "tiger123", "pw123", "Passw0rd", "zipPass9", "ora_pw",
           "example.net", "203.0.113", "upload/?token", "abcdef", "meibo", "cityuser", "d.docs.live.net",
           "gdrive", "bucket", "mysecret")

UPLOAD, CREDS = "external-upload-script", "credentials-in-file"

CASES = [
    # (file name, text, encoding, expected codes, words expected in the details)
    ("ftp_send.bat", (
        "@echo off\r\nrem 名簿をFTPで送る（表示）\r\n"
        "echo open ftp.example.net> %TEMP%\\ftp.txt\r\n"
        "echo cityuser>> %TEMP%\\ftp.txt\r\necho S3cretPw!>> %TEMP%\\ftp.txt\r\n"
        "echo binary>> %TEMP%\\ftp.txt\r\necho put D:\\data\\meibo.csv>> %TEMP%\\ftp.txt\r\n"
        "echo bye>> %TEMP%\\ftp.txt\r\nftp -s:%TEMP%\\ftp.txt\r\n"),
     "cp932", {UPLOAD, CREDS}, ["ftp -s:", "put", "open の後の行", "9 行目"]),
    ("ftp_user.cmd", "(echo open 203.0.113.5& echo user cityuser S3cretPw& echo mput *.csv& echo quit) | ftp -n\r\n",
     "cp932", {UPLOAD, CREDS}, ["put", "user コマンド"]),
    ("heredoc.sh", "#!/bin/sh\nftp -n ftp.example.net <<EOF\nuser cityuser S3cretPw\nput meibo.csv\nbye\nEOF\n",
     "utf-8", {UPLOAD, CREDS}, ["put", "user コマンド", "3 行目"]),
    ("self_ftp.cmd", "open ftp.example.net\r\ncityuser\r\nS3cretPw\r\nput meibo.csv\r\nquit\r\nftp -s:%~f0\r\n",
     "cp932", {UPLOAD, CREDS}, ["open の後の行） 3 行目"]),
    ("curl.bat", "curl.exe -T meibo.csv \"https://files.example.net/upload/?token=abcdef\"\r\n",
     "utf-8-sig", {UPLOAD}, ["curl"]),
    ("curl_form.sh", "#!/bin/sh\ncurl -s -F \"file=@/srv/meibo.csv\" -u admin:hunter2 https://api.example.net/in\n",
     "utf-8", {UPLOAD, CREDS}, ["curl", "利用者:パスワード"]),
    ("scp.sh", "#!/bin/sh\nscp -P 2222 /data/meibo.csv cityuser@203.0.113.9:/tmp/\n", "utf-8", {UPLOAD}, ["scp"]),
    ("pscp.bat", "pscp -pw S3cretPw D:\\meibo.csv cityuser@files.example.net:/in/\r\n", "cp932",
     {UPLOAD, CREDS}, ["scp", "-pw"]),
    ("winscp.bat", 'winscp.com /command "open sftp://cityuser:S3cretPw@files.example.net/" "put D:\\meibo.csv" "exit"\r\n',
     "cp932", {UPLOAD, CREDS}, ["WinSCP", "URL 内の認証情報"]),
    ("rclone.bat", "rclone copy D:\\共有\\名簿 gdrive:backup --progress\r\n", "cp932", {UPLOAD}, ["rclone"]),
    ("s3.sh", "aws s3 cp --recursive /srv/data s3://bucket/backup/\n", "utf-8", {UPLOAD}, ["S3"]),
    ("azcopy.ps1", 'azcopy copy "C:\\data" "https://acct.blob.core.windows.net/c?sv=abcdef" --recursive\n',
     "utf-16", {UPLOAD}, ["azcopy"]),
    ("upload.ps1", ("$pw = ConvertTo-SecureString 'Pa55word' -AsPlainText -Force\n"
                    "Invoke-RestMethod -Uri $u -Method Post -InFile C:\\meibo.xlsx\n"),
     "utf-16-le", {UPLOAD, CREDS}, ["-InFile", "ConvertTo-SecureString"]),
    ("webclient.ps1", "$wc = New-Object Net.WebClient\n$wc.UploadFile('https://www.dropbox.com/x', 'C:\\meibo.xlsx')\n",
     "utf-8-sig", {UPLOAD}, ["WebClient", "Dropbox"]),
    ("continued.ps1", "Invoke-WebRequest -Uri https://files.example.net/in `\n    -Method Put `\n    -Body $bytes\n",
     "utf-8", {UPLOAD}, ["PUT", "1 行目"]),
    ("bits.bat", "bitsadmin /transfer job /upload https://files.example.net/in D:\\meibo.csv\r\n", "cp932",
     {UPLOAD}, ["BITS"]),
    ("mail.ps1", "Send-MailMessage -To a@example.net -Subject x -Attachments C:\\meibo.xlsx -SmtpServer smtp.example.net\n",
     "utf-8", {UPLOAD}, ["メール添付"]),
    ("webdav.bat", "net use Z: \\\\d.docs.live.net@SSL\\abcdef /user:cityuser Passw0rd\r\nrobocopy D:\\名簿 Z:\\ /E\r\n",
     "cp932", {UPLOAD, CREDS}, ["外部ホスト", "OneDrive", "net use"]),
    ("robocopy_out.bat", "robocopy D:\\名簿 \\\\203.0.113.7\\share /MIR\r\n", "cp932", {UPLOAD}, ["ネットワークコピー"]),
    ("post.vbs", ('Set http = CreateObject("MSXML2.XMLHTTP")\nstream.LoadFromFile "C:\\meibo.csv"\n'
                  'http.Open "POST", "https://example.net/api", False, "cityuser", "pw123"\nhttp.Send stream.Read\n'),
     "cp932", {UPLOAD, CREDS}, ["VBScript", ".Open"]),
    # credentials only
    ("db_export.bat", "sqlplus scott/ora_pw@ORCL @export.sql\r\nexp userid=scott/ora_pw file=x.dmp\r\n", "cp932",
     {CREDS}, ["Oracle"]),
    ("archive.bat", "7z a -pzipPass9 -mhe=on D:\\送付\\名簿.7z D:\\名簿\\*\r\n", "cp932", {CREDS}, ["7-Zip"]),
    ("map.bat", "net use Z: \\\\fileserver\\share Passw0rd /user:CITY\\cityuser\r\n", "cp932", {CREDS}, ["net use"]),
    ("env.sh", "#!/bin/sh\nexport DB_PASSWORD=tiger123\nmysqldump -u root -pmysecret city > dump.sql\n", "utf-8",
     {CREDS}, ["代入", "MySQL"]),
    ("conn.vbs", 'cn.Open "Provider=SQLOLEDB;Data Source=db01;User ID=sa;Password=mysecret;"\n', "cp932",
     {CREDS}, ["接続文字列"]),
    ("cmdkey.bat", "cmdkey /add:fileserver /user:cityuser /pass:S3cretPw\r\n", "cp932", {CREDS}, ["パスワード引数"]),
    ("commented.bat", "rem 旧設定 set FTP_PASSWORD=S3cretPw\r\nrem curl -T x.csv https://files.example.net\r\n", "cp932",
     {CREDS}, ["1 行目"]),
    # negatives: ordinary scripts that stay in the LAN or hold no password
    ("backup.bat", ("@echo off\r\nrem 毎晩のバックアップ（表計算ソフトのファイル）\r\n"
                    "robocopy D:\\業務 \\\\fileserver01\\backup /MIR /R:1 /W:1\r\n"
                    "xcopy C:\\data \\\\nas.city.local\\share /E /Y\r\n"
                    "copy D:\\a.xlsx \\\\192.168.10.20\\share\\\r\n"), "cp932", set(), []),
    ("ftp_lan.bat", ("echo open 192.168.10.5> ftp.txt\r\necho backup>> ftp.txt\r\necho %FTPPASS%>> ftp.txt\r\n"
                     "echo put data.csv>> ftp.txt\r\nftp -s:ftp.txt\r\n"), "cp932", set(), []),
    ("lan.sh", "#!/bin/sh\nscp /data/a.csv backup01:/srv/\nrsync -a /data/ backup@10.0.0.2:/srv/\n", "utf-8", set(), []),
    ("vars.bat", ("set PASSWORD=%1\r\nnet use Z: \\\\srv\\share %PASSWORD% /user:dom\\u\r\n"
                  "net use Y: \\\\srv\\share * /user:dom\\u /persistent:no\r\n"), "cp932", set(), []),
    ("prompt.ps1", ("$cred = Get-Credential\n$p = Read-Host -AsSecureString\n"
                    "New-PSDrive -Name Z -PSProvider FileSystem -Root \\\\fs01\\share -Credential $cred\n"
                    "Copy-Item C:\\a.xlsx Z:\\\n$s = ConvertTo-SecureString $env:PW -AsPlainText -Force\n"),
     "utf-8-sig", set(), []),
    ("download.sh", "#!/bin/sh\ncurl -o /tmp/a.zip https://www.example.net/a.zip\nscp backup01:/srv/a.csv .\n",
     "utf-8", set(), []),
    ("city_site.ps1", "Invoke-WebRequest -Uri https://www.city.example.lg.jp/in -Method Post -InFile C:\\a.csv\n",
     "utf-8", set(), []),
    ("empty.bat", "", "cp932", set(), []),
]


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


@pytest.mark.parametrize("name, text, encoding, codes, words", CASES, ids=[c[0] for c in CASES])
def test_script_risks(tmp_path, name, text, encoding, codes, words):
    path = tmp_path / name
    path.write_bytes(_encode(text, encoding))
    risks = script_risks(str(path))
    assert {r["code"] for r in risks} == codes
    details = " ".join(r["detail"] for r in risks)
    for word in words:
        assert word in details
    for secret in SECRETS:
        assert secret.lower() not in details.lower()


@pytest.mark.parametrize("data, expected", [
    ("net use 名簿".encode("cp932"), "net use 名簿"),
    ("表示ソフト".encode("cp932"), "表示ソフト"),              # second bytes 0x5C ('\\') in cp932
    (codecs.BOM_UTF8 + "ﾃｽﾄ".encode(), "ﾃｽﾄ"),
    (codecs.BOM_UTF16_LE + "curl -T".encode("utf-16-le"), "curl -T"),
    ("curl -T a.csv".encode("utf-16-le"), "curl -T a.csv"),    # UTF-16 without BOM
    ("名簿".encode()[:-1], "名"),                        # cut inside a character by the bounded read
    (b"", ""),
])
def test_decode_script(data, expected):
    assert decode_script(data) == expected


@pytest.mark.parametrize("text, language, expected", [
    ("a ^\r\n  b\r\nc", "bat", [(1, "a    b", False), (3, "c", False)]),
    ("rem x\r\n:: y\r\n@rem z", "bat", [(1, "rem x", True), (2, ":: y", True), (3, "@rem z", True)]),
    ("<#\nblock\n#>\nrun", "ps", [(1, "<#", True), (2, "block", True), (3, "#>", True), (4, "run", False)]),
    ("x = 1 _\n  + 2\n' note", "vbs", [(1, "x = 1   + 2", False), (3, "' note", True)]),
])
def test_logical_lines(text, language, expected):
    assert list(logical_lines(text, language)) == expected


@pytest.mark.parametrize("value, expected", [
    ("S3cret", True), ('"S3cret"', True), ("%PASS%", False), ("$pw", False), ("!pw!", False),
    ("*", False), ("****", False), ("xxxx", False), ('""', False), ("(Get-Secret)", False), (None, False),
])
def test_is_literal(value, expected):
    assert is_literal(value) is expected


def searched_lengths(monkeypatch) -> dict[str, list[int]]:
    """Length of every text each kind of rule pattern searches (line rules, whole-text rules)."""
    lengths: dict[str, list[int]] = {"line": [], "whole": []}
    cat = default_catalogue()
    for rule in cat.upload_rules + cat.credential_rules:
        counting = CountingPattern(rule.pattern, lengths["whole" if rule.whole_text else "line"])
        monkeypatch.setitem(rule.__dict__, "pattern", counting)       # the cached compiled pattern
    return lengths


def test_read_is_bounded_and_lines_are_cut(tmp_path, monkeypatch):
    """An upload command after the first MiB is not read; a huge one-line blob is cut before
    any line rule searches it (keeps every regex linear; the time is a ``make bench`` figure)."""
    path = tmp_path / "huge.ps1"
    blob = "$upload = '" + "QUJD" * 400_000 + "'\n"            # a keyword: the line rules search it
    path.write_text(blob + "curl -T meibo.csv https://files.example.net/in\n", encoding="utf-8")
    tally = count_reads(monkeypatch, scripts)
    lengths = searched_lengths(monkeypatch)
    assert script_risks(str(path)) == []
    assert tally.bytes == MAX_SCRIPT_BYTES
    assert lengths["line"] and max(lengths["line"]) <= MAX_LINE_CHARS
    assert max(lengths["whole"], default=0) <= MAX_SCRIPT_BYTES


def test_many_lines_cost_linear_work(tmp_path, monkeypatch):
    """20,000 lines: each line searched once per rule at most, the host search never run over
    the whole script once per line."""
    path = tmp_path / "long.bat"
    line = "copy D:\\a.xlsx \\\\fileserver\\share\\ /Y\r\n"
    path.write_text(line * 20_000, encoding="cp932")
    lengths = searched_lengths(monkeypatch)
    host_searches = count_calls(monkeypatch, scripts, "hosts_in")
    assert script_risks(str(path)) == []
    cat = default_catalogue()
    rules = len(cat.upload_rules) + len(cat.credential_rules)
    size = path.stat().st_size
    assert len(lengths["line"]) <= rules * 20_000
    assert sum(lengths["line"]) + sum(lengths["whole"]) <= rules * size
    assert sum(len(args[0]) for args in host_searches) <= 2 * size


def test_unreadable_script_is_a_read_error(tmp_path):
    with pytest.raises(ReadError):
        script_risks(str(tmp_path / "missing.bat"))
