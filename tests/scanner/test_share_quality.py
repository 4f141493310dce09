"""Score the scanner on the generated municipal share (inventory/demo/share.py) against its truth.

Failures print tables of paths and categories only, never a value.
"""
import json
import unicodedata

import pytest

from inventory.demo.share_files import SHARE_FILES

DAMAGED = [(f.path, f.status) for f in SHARE_FILES if f.status != "ok"]


@pytest.fixture(scope="module")
def records(municipal_share):
    """path -> scan record of every file of the share."""
    from scanners.scan import scan_roots

    out = {}
    for record in scan_roots([str(municipal_share.root)], workers=2):
        out[unicodedata.normalize("NFC", record["path"])] = record
    return out


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def table(rows: list[tuple], headers: tuple) -> str:
    lines = [" | ".join(headers)] + [" | ".join(str(c) for c in row) for row in rows]
    return "\n" + "\n".join(lines)


def present(record: dict | None) -> bool:
    return bool(record and record.get("personal") and record["personal"].get("present"))


def categories(record: dict | None) -> set[str]:
    return set(record["personal"].get("categories") or []) if present(record) else set()


def risk_codes(record: dict | None) -> set[str]:
    return {r["code"] for r in (record or {}).get("risks") or []}


def test_every_file_has_a_record(municipal_share, records):
    missing = sorted(set(municipal_share.truth) - set(records))
    extra = sorted(set(records) - set(municipal_share.truth))
    assert not missing and not extra, table([(p, "missing") for p in missing] + [(p, "extra") for p in extra],
                                            ("path", "problem"))


def test_readable_files_are_read(municipal_share, records):
    wrong = [(p, records[p]["status"], records[p].get("error")) for p, t in municipal_share.truth.items()
             if t["status"] == "ok" and p in records and records[p]["status"] != "ok"]
    assert not wrong, table(wrong, ("path", "status", "error"))


def test_personal_file_f1(municipal_share, records):
    tp = fp = fn = 0
    wrong = []
    for path, t in municipal_share.truth.items():
        if t["status"] != "ok":
            continue
        got = present(records.get(path))
        tp += got and t["personal"]
        fp += got and not t["personal"]
        fn += t["personal"] and not got
        if got != t["personal"]:
            wrong.append((path, t["personal"], got, ",".join(sorted(categories(records.get(path))))))
    score = f1(tp, fp, fn)
    print(f"personal-file F1 {score:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert score >= 0.98, f"F1 {score:.3f}" + table(wrong, ("path", "expected", "got", "categories found"))


def test_category_f1(municipal_share, records):
    tp = fp = fn = 0
    wrong = []
    for path, t in municipal_share.truth.items():
        if not t["personal"]:
            continue
        expected, got = set(t["categories"]), categories(records.get(path))
        tp, fp, fn = tp + len(expected & got), fp + len(got - expected), fn + len(expected - got)
        if expected != got:
            wrong.append((path, ",".join(sorted(expected - got)), ",".join(sorted(got - expected))))
    score = f1(tp, fp, fn)
    print(f"category F1 {score:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert score >= 0.95, f"F1 {score:.3f}" + table(wrong, ("path", "missed", "extra"))


def test_sensitive_and_my_number_exact(municipal_share, records):
    wrong = []
    for path, t in municipal_share.truth.items():
        if t["status"] != "ok":
            continue
        personal = (records.get(path) or {}).get("personal") or {}
        got = (bool(personal.get("sensitive")), bool(personal.get("my_number")))
        if got != (t["sensitive"], t["my_number"]):
            wrong.append((path, t["sensitive"], got[0], t["my_number"], got[1]))
    assert not wrong, table(wrong, ("path", "sensitive expected", "got", "my_number expected", "got"))


def test_hidden_personal_data_risk_exactly_where_hidden(municipal_share, records):
    wrong = [(p, t["hidden_personal"]) for p, t in municipal_share.truth.items()
             if ("hidden-personal-data" in risk_codes(records.get(p))) != t["hidden_personal"]]
    assert not wrong, table(wrong, ("path", "risk expected"))


@pytest.mark.parametrize("path, status", DAMAGED)
def test_damaged_files_status(records, path, status):
    record = records[path]
    assert record["status"] == status
    assert record["error"], "an error/encrypted record carries a short reason"
    assert ("encrypted" in risk_codes(record)) == (status == "encrypted")
    assert not present(record)


def leaks(node, where: str, values: frozenset) -> list[str]:
    """JSON locations whose text holds a generated personal value."""
    if isinstance(node, dict):
        return [w for k, v in node.items() for w in leaks(v, f"{where}.{k}", values)]
    if isinstance(node, list):
        return [w for i, v in enumerate(node) for w in leaks(v, f"{where}[{i}]", values)]
    if node is None or isinstance(node, bool):
        return []
    text = str(node)
    forms = {text, unicodedata.normalize("NFKC", text)}
    return [where] if any(v in form for form in forms for v in values) else []


def test_no_record_holds_a_generated_value(municipal_share, records):
    values = municipal_share.personal_values
    found = [(path, where) for path, record in sorted(records.items())
             for where in leaks(record, "record", values)]
    assert not found, table(found, ("path", "location of a personal value"))
    dumped = json.dumps(list(records.values()), ensure_ascii=False)
    assert not any(v in dumped for v in values)


def test_apps_exactly_where_the_truth_says(municipal_share, records):
    """Business apps (業務アプリ) of the share: the macro workbooks and the .xls with VBA, nothing else."""
    def kind(record):
        app = (record or {}).get("app") or {}
        return app.get("kind") if app.get("is_app") else None

    wrong = [(p, t["app"], kind(records.get(p))) for p, t in municipal_share.truth.items()
             if t["app"] != kind(records.get(p))]
    assert not wrong, table(wrong, ("path", "app expected", "got"))
    assert sum(t["app"] is not None for t in municipal_share.truth.values()) >= 3


def test_shadow_it_and_app_risks_are_reported(municipal_share, records):
    expected = {p: set(t["risks"]) for p, t in municipal_share.truth.items() if t["risks"]}
    assert len(expected) >= 8
    wrong = [(p, sorted(codes), sorted(risk_codes(records.get(p))))
             for p, codes in expected.items() if not codes <= risk_codes(records.get(p))]
    assert not wrong, table(wrong, ("path", "risks expected", "got"))
