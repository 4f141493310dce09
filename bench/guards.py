"""Bounded-work figures: what the unit tests guard by counts (bytes read, parts inflated,
characters searched), timed here, where a loaded machine makes a figure worse instead of a
test fail.

Each reader is timed on an input built to be expensive if its bound were lost, next to a
floor doing the least the work allows (a 1 MiB read, a bare zip listing), and the ratio is
printed.  Best of ``--runs``, in milliseconds.

    python -m bench.guards [--runs 5]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from .xlsx_writer import Sheet, write_xlsx

SPARSE_MB = 300
BOMB_MB = 200


def best_ms(work: Callable[[], object], runs: int) -> float:
    """Fastest of ``runs`` calls, in milliseconds (one untimed call first warms caches)."""
    work()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 2)


def _read_mib(path: Path) -> None:
    with open(path, "rb") as fh:
        fh.read(1 << 20)


def _read_head_and_tail(path: Path) -> None:
    with open(path, "rb") as fh:
        fh.read(1 << 20)
        fh.seek(-(1 << 20), 2)
        fh.read(1 << 20)


def _read_whole(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(4 << 20):
            pass


def sparse_binary(folder: Path) -> Path:
    """A 300 MB file that is not an executable: the scanner reads its head and tail only."""
    path = folder / "data.com"
    with open(path, "wb") as fh:
        fh.truncate(SPARSE_MB << 20)
    return path


def huge_script(folder: Path) -> Path:
    path = folder / "huge.ps1"
    path.write_text("$upload = '" + "QUJD" * 400_000 + "'\n", encoding="utf-8")
    return path


def long_script(folder: Path) -> Path:
    path = folder / "long.bat"
    path.write_text("copy D:\\a.xlsx \\\\fileserver\\share\\ /Y\r\n" * 20_000, encoding="cp932")
    return path


def big_csv(folder: Path) -> Path:
    path = folder / "big.csv"
    body = "".join(f"{i},山田 花子{i},東京都千代田区{i}\r\n" for i in range(60_000))
    path.write_bytes(("id,name,address\r\n" + body).encode("cp932"))
    return path


def plain_xlsx(folder: Path) -> Path:
    path = folder / "plain.xlsx"
    rows = [["id", "text", "value"], *([r, "text", r * 2.5] for r in range(5000))]
    write_xlsx(path, [Sheet("Data", rows, (len(rows), 3))])
    return path


def sheet_bomb(folder: Path) -> Path:
    """A workbook whose one sheet inflates to 200 MB of blanks: the read cap stops it."""
    path = plain_xlsx(folder).with_name("bomb.xlsx")
    with zipfile.ZipFile(folder / "plain.xlsx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info))
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        b"<sheetData>")
            block = b" " * (1 << 20)
            for _ in range(BOMB_MB):
                sheet.write(block)
            sheet.write(b'<row r="1"><c><v>1</v></c></row></sheetData></worksheet>')
    return path


VBA_LIMIT_S = 0.2


def stubborn_work(_summary) -> None:
    """Work whose first time-out is swallowed, as a careless parser library does."""
    try:
        time.sleep(5)
    except BaseException:  # noqa: BLE001 - the library's bare except
        pass
    time.sleep(5)


def measure(runs: int) -> dict:
    """The figures, each with its floor (milliseconds)."""
    from scanners.apps.excel import excel_app_facts
    from scanners.apps.vba import summarise_limited
    from scanners.readers.delimited import read_delimited
    from scanners.readers.ooxml import read_ooxml
    from scanners.shadow import executable_risks, script_risks

    def zip_listing(path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            zf.infolist()

    def quietly(read: Callable[[], object]) -> Callable[[], object]:
        def run() -> None:
            try:
                read()
            except Exception:  # noqa: BLE001 - a refused bomb is the expected outcome
                pass
        return run

    with tempfile.TemporaryDirectory(prefix="bench-guards-") as tmp:
        folder = Path(tmp)
        binary, huge, long, csv = sparse_binary(folder), huge_script(folder), long_script(folder), big_csv(folder)
        plain, bomb = plain_xlsx(folder), sheet_bomb(folder)
        mib_floor = best_ms(lambda: _read_mib(binary), runs)
        figures = {
            "executable_300mb": (best_ms(lambda: executable_risks(str(binary), "data.com"), runs),
                                 best_ms(lambda: _read_head_and_tail(binary), runs)),
            "script_1mib_line": (best_ms(lambda: script_risks(str(huge)), runs), mib_floor),
            "script_20000_lines": (best_ms(lambda: script_risks(str(long)), runs), mib_floor),
            "csv_60000_lines": (best_ms(lambda: read_delimited(str(csv), "csv"), runs),
                                best_ms(lambda: _read_whole(csv), runs)),
            "xlsx_plain_app_facts": (best_ms(lambda: excel_app_facts(str(plain), "xlsx"), runs),
                                     best_ms(lambda: zip_listing(plain), runs)),
            "xlsx_sheet_bomb_200mb": (best_ms(quietly(lambda: read_ooxml(str(bomb), "xlsx")), max(1, runs // 3)),
                                      best_ms(lambda: zip_listing(bomb), runs)),
            "vba_limit_swallowed": (best_ms(lambda: summarise_limited(stubborn_work, VBA_LIMIT_S), 1),
                                    VBA_LIMIT_S * 1000),
            **detector_figures(runs),
        }
    return {name: {"ms": ms, "floor_ms": floor} for name, (ms, floor) in figures.items()}


def detector_figures(runs: int) -> dict:
    """Detectors on one column or table, against a plain pass over the same cells."""
    from scanners.detectors import memory
    from scanners.detectors.conditions import condition_column
    from scanners.detectors.personal import detect_personal
    from scanners.detectors.values import prepare
    from scanners.document import Document, Table
    from scanners.shadow import shadow_kind, sync_client_of_folder

    remark = "本人は自宅で生活しており家族の支援を受けながら週に二回デイサービスを利用している。"
    remarks = [prepare(f"{remark}{i}") for i in range(100)]
    family, given = ("山田", "佐藤", "鈴木", "高橋", "田中"), ("太郎", "花子", "一郎", "明美")
    rows = [[i, f"{family[i % 5]} {given[i % 4]}", "ヤマダ タロウ", f"19{60 + i % 40}-01-0{1 + i % 9}", "男",
             f"760-{i:04d}", f"見本県見本市見本町{i % 9 + 1}丁目", f"090-0000-{i:04d}", f"user{i}@example.jp", ""]
            for i in range(200)]
    names = ["名簿データ_2024年度.xlsx", "setup.exe", "movie.torrent", "readme.txt"] * 2500
    entries = {f"file{i}.xlsx" for i in range(50)}

    def personal() -> None:
        memory.forget()
        detect_personal(Document("xlsx", [Table("t", rows)]))

    def name_checks() -> None:
        for name in names:
            shadow_kind(name)
            sync_client_of_folder(name, entries)

    return {
        "personal_200x10_no_header": (best_ms(personal, runs),
                                      best_ms(lambda: [str(c).strip() for r in rows for c in r], runs)),
        "conditions_100_remarks": (best_ms(lambda: condition_column(remarks), runs),
                                   best_ms(lambda: [v.casefold() for v in remarks], runs)),
        "name_checks_10000": (best_ms(name_checks, runs), best_ms(lambda: [n.lower() for n in names], runs)),
    }


FLOORS = {"personal_200x10_no_header": "str() of each cell", "conditions_100_remarks": "casefold of each cell",
          "name_checks_10000": "lower() of each name",
"executable_300mb": "head + tail read", "script_1mib_line": "1 MiB read",
          "script_20000_lines": "1 MiB read", "csv_60000_lines": "whole-file read", "xlsx_plain_app_facts": "zip listing",
          "xlsx_sheet_bomb_200mb": "zip listing", "vba_limit_swallowed": "the 0.2 s limit"}


def table_rows(results: dict | None) -> list[tuple[str, str, str, str]]:
    """Rows of (figure, measured, target, verdict): information only, no targets yet."""
    rows = []
    for name, figure in (results or {}).items():
        ratio = figure["ms"] / max(figure["floor_ms"], 0.01)
        rows.append((f"guard: {name.replace('_', ' ')}",
                     f"{figure['ms']:.1f} ms = {ratio:,.1f}x {FLOORS[name]}", "", "info"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Timings of the readers' bounded-work guards.")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure, best kept")
    args = parser.parse_args()
    print("guards: timing the bounded readers ...", file=sys.stderr)
    from .run import print_table

    print_table(table_rows(measure(args.runs)))


if __name__ == "__main__":
    main()
