"""The voter workbook: 680,000 fake residents x 7 columns, as Excel saves it.

One sheet, header in row 1 (氏名, ふりがな, 生年月日, 性別, 郵便番号, 住所,
電話番号), birth dates as date cells, text through the shared-string table.
The file is cached under ``bench/out/`` by its parameters, so a rerun with
the same rows and seed costs nothing.

    python -m bench.voter [--rows N] [--seed S]
"""
from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from .fake_people import fake_people
from .xlsx_writer import Sheet, write_xlsx

OUT_DIR = Path(__file__).parent / "out"
VOTER_ROWS = 680_000
HEADER = ["氏名", "ふりがな", "生年月日", "性別", "郵便番号", "住所", "電話番号"]
WIDTHS = [16.0, 20.0, 12.0, 6.0, 10.0, 48.0, 15.0]
#: bump when the generated content changes, so cached files are rebuilt
GENERATOR_VERSION = 1


def voter_path(rows: int = VOTER_ROWS, seed: int = 1, out_dir: Path = OUT_DIR) -> Path:
    """Where the workbook for these parameters lives (whether or not it exists yet)."""
    return Path(out_dir) / f"voter-{rows}x7-seed{seed}-v{GENERATOR_VERSION}.xlsx"


def voter_rows(rows: int, seed: int):
    """The header, then ``rows`` fake residents as lists of cells."""
    yield HEADER
    for p in fake_people(random.Random(seed), rows):
        yield [p.name, p.kana, p.birth_date, p.gender, p.postal_code, p.address, p.phone]


def make_voter_workbook(rows: int = VOTER_ROWS, seed: int = 1, out_dir: Path = OUT_DIR) -> Path:
    """Return the cached voter workbook, generating it first when missing."""
    path = voter_path(rows, seed, out_dir)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    sheet = Sheet("選挙人名簿", voter_rows(rows, seed), shape=(rows + 1, len(HEADER)), column_widths=WIDTHS)
    try:
        write_xlsx(partial, [sheet], author="選挙管理委員会")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=VOTER_ROWS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    path = make_voter_workbook(args.rows, args.seed)
    print(f"{path}  {path.stat().st_size / 1e6:.1f} MB  {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
