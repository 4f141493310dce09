"""What the scans suggest a department declares: its live personal-data files that no item
links, grouped into datasets, one suggestion each.

A ファイル簿 item is a dataset kept for a business process, usually many files: yearly
copies, working copies, exports.  Files are one dataset when the registry says so,
from what it holds and never from a value of a file:

- byte-identical copies (``copy_of_id``) are always one dataset;
- otherwise two files are one dataset when they have the same business (業務名, set by
  people; unset counts as one value), the same column schema and either
  (a) the same dataset folder: the folder without its trailing year or copy
      folders (``2024``, ``令和6年度``, ``R6``, ``バックアップ``, ``old``, ``作業用``,
      ``export`` ...), or
  (b) the same name stem: the file name without extension, years, dates and copy
      marks (``名簿_2024.xlsx``, ``名簿_令和5年度_作業用.csv`` and ``名簿 - コピー.xlsx``
      are ``名簿``), wherever the file is in the department.
- the column schema is the set of headers of the file's columns the scan judged
  personal (active, not dismissed), compared after NFKC, case and spacing
  folding; a file without columns (a document) has the set of its categories.

Files the rules join transitively are one suggestion (a union-find over the copy groups).
The suggestion's name is its files' most frequent name stem; its categories, 要配慮 and
records are those of its files (records: the largest, copies once).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from inventory.models import Asset, AssetStatus, Finding

#: a folder that holds a year's or a copy's files of a dataset, not another dataset
COPY_FOLDER = re.compile(
    r"^(?:(?:fy)?(?:19|20)\d{2}(?:年度?)?|(?:r|h|令和|平成)\s*\d{1,2}(?:年度?)?|\d{1,2}月|"
    r"old|backup|bak|archive|archives|work|working|tmp|temp|copy|export|exports|"
    r"旧|過去|過去分|バックアップ|アーカイブ|作業|作業用|作業中|一時|コピー|控え|控|出力|エクスポート|提出用)$",
    re.IGNORECASE)
#: parts of a file name that tell a copy or a year, not the dataset
NAME_NOISE = re.compile(
    r"(?:(?<!\d)(?:19|20)\d{2}(?:[-_.]?\d{2}){0,2}(?!\d)(?:年度|年)?(?:\d{1,2}月(?:\d{1,2}日)?)?|"
    r"(?:令和|平成|(?<![a-z])[rh])\s*\d{1,2}(?!\d)(?:年度|年)?(?:\d{1,2}月)?|(?<![a-z])fy\d{2,4}|"
    r"\d{1,2}月分?|第?\d{1,2}四半期|"
    r"[(（]\d+[)）]|\bv\d+\b|"
    r"コピー|copy|backup|bak|old|最新|最終|作業用|作業中|作業|控え|提出用|出力|エクスポート|export|修正版?|旧)",
    re.IGNORECASE)
SEPARATORS = " _-－―・.　()（）[]［］【】"


@dataclass
class Suggestion:
    """One suggested item: its files (originals and their copies) and what they say together."""
    asset_ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    business: str = ""
    categories: list[str] = field(default_factory=list)
    sensitive: bool = False
    records: int = 0

    @property
    def file_name(self) -> str:
        stems = Counter(name_stem(n) for n in self.names)
        stems.pop("", None)
        if stems:
            best = max(stems.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]
            return best[:200]
        first = self.names[0] if self.names else ""
        return (_strip_extension(first) or dataset_folder(self.folders[0] if self.folders else "")
                .rsplit("/", 1)[-1])[:200]

    @property
    def folder(self) -> str:
        """The folder the files share (their longest common folder)."""
        if not self.folders:
            return ""
        parts = [f.split("/") for f in self.folders]
        common = []
        for segment in zip(*parts):
            if len(set(segment)) != 1:
                break
            common.append(segment[0])
        return "/".join(common)


def normal(text: str) -> str:
    """A header or name folded for comparison: NFKC, case, spacing."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def dataset_folder(folder: str) -> str:
    """The folder without its trailing year or copy folders."""
    segments = [s for s in (folder or "").replace("\\", "/").split("/")]
    while len(segments) > 1 and COPY_FOLDER.match(unicodedata.normalize("NFKC", segments[-1]).strip()):
        segments.pop()
    return "/".join(segments)


def _strip_extension(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def name_stem(name: str) -> str:
    """A file name without extension, years, dates and copy marks (as people write it)."""
    stem = unicodedata.normalize("NFKC", _strip_extension(name or ""))
    previous = None
    while previous != stem:
        previous = stem
        stem = NAME_NOISE.sub(" ", stem)
    stem = re.sub(r"[\s_\-－―・.]+", "_", stem).strip("_ ")
    return stem.strip(SEPARATORS)


def suggestions(session, department_id: int, linked: set[int]) -> list[Suggestion]:
    """The department's live personal-data files no item links, as datasets (see the module).

    Only the department's own files (its sub-departments declare for themselves); a copy
    group with a linked member is declared already and suggested to nobody."""
    assets = list(session.execute(
        select(Asset.id, Asset.name, Asset.folder, Asset.business_process, Asset.categories,
               Asset.sensitive, Asset.records, Asset.copy_of_id)
        .where(Asset.department_id == department_id, Asset.personal_present,
               Asset.status != AssetStatus.removed)
        .order_by(Asset.folder, Asset.name, Asset.id)))
    if not assets:
        return []
    ids = {a.id for a in assets}
    group_of = {a.id: (a.copy_of_id if a.copy_of_id in ids else a.id) for a in assets}
    declared = {group_of[i] for i in linked if i in group_of}
    assets = [a for a in assets if group_of[a.id] not in declared]
    headers = _headers(session, [a.id for a in assets])
    originals = [a for a in assets if group_of[a.id] == a.id]
    # what each copy group is: its original's facts
    parent = {a.id: a.id for a in originals}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_folder: dict[tuple, int] = {}
    by_stem: dict[tuple, int] = {}
    for a in originals:
        schema = headers.get(a.id) or frozenset("category:" + c for c in (a.categories or []))
        business = normal(a.business_process or "")
        for index, key in ((by_folder, (business, schema, dataset_folder(a.folder))),
                           (by_stem, (business, schema, name_stem(a.name)))):
            if key[2] == "" and index is by_stem:
                continue
            if key in index:
                union(index[key], a.id)
            else:
                index[key] = a.id
    found: dict[int, Suggestion] = {}
    record_by_group: dict[int, int] = {}
    for a in assets:
        root = find(group_of[a.id])
        s = found.setdefault(root, Suggestion())
        s.asset_ids.append(a.id)
        s.names.append(a.name)
        s.folders.append(a.folder or "")
        for code in a.categories or []:
            if code not in s.categories:
                s.categories.append(code)
        s.sensitive = s.sensitive or bool(a.sensitive)
        record_by_group[group_of[a.id]] = max(record_by_group.get(group_of[a.id], 0), a.records or 0)
        if a.business_process and not s.business:
            s.business = a.business_process
    for group, records in record_by_group.items():
        s = found[find(group)]
        s.records = max(s.records, records)
    return [found[root] for root in sorted(found, key=lambda r: (found[r].folder, found[r].file_name, r))]


def _headers(session, asset_ids: list[int]) -> dict[int, frozenset]:
    """Asset id -> the folded headers of its active, not dismissed personal columns."""
    found: dict[int, set] = {}
    for start in range(0, len(asset_ids), 500):
        chunk = asset_ids[start:start + 500]
        rows = session.execute(select(Finding.asset_id, Finding.header).where(
            Finding.asset_id.in_(chunk), Finding.kind == "column", Finding.active,
            Finding.dismissed.is_(False)))
        for asset_id, header in rows:
            if header and normal(header):
                found.setdefault(asset_id, set()).add(normal(header))
    return {k: frozenset(v) for k, v in found.items()}
