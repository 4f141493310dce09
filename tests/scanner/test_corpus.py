"""Every file under ../shared/corpus gets a record and none crashes the scanner."""
import json
from collections import Counter

import pytest

from scanners.scan import scan_roots
from scanners.walk import walk_root

pytestmark = pytest.mark.corpus

OUR_BUGS = ("reader crashed", "detector failed", "timed out")


@pytest.fixture(scope="module")
def corpus_records(corpus):
    return list(scan_roots([str(corpus)], workers=2, timeout=60))


def test_every_candidate_has_exactly_one_record(corpus, corpus_records):
    expected = sorted(c.path for c in walk_root(str(corpus)))
    got = sorted(r["path"] for r in corpus_records)
    assert got == expected
    assert len(expected) > 1500


def test_no_file_crashes_a_reader_or_detector(corpus_records):
    bad = [(r["path"], r["error"]) for r in corpus_records
           if r["error"] and r["error"].startswith(OUR_BUGS)]
    assert bad == []


def test_records_follow_the_spec(corpus_records):
    keys = {"root", "path", "kind", "size", "mtime", "sha256", "status", "error", "personal", "app", "risks"}
    statuses = Counter(r["status"] for r in corpus_records)
    for r in corpus_records:
        assert keys <= set(r)
        assert r["status"] in ("ok", "encrypted", "error", "skipped")
        assert (r["error"] is None) == (r["status"] == "ok")
        assert r["sha256"] is None or len(r["sha256"]) == 64
        json.dumps(r, ensure_ascii=False)
    # most of the corpus is readable; encrypted test files are reported as such
    assert statuses["ok"] > 0.85 * len(corpus_records)
    assert statuses["encrypted"] >= 5


def test_encrypted_files_carry_the_encrypted_risk(corpus_records):
    for r in corpus_records:
        if r["status"] == "encrypted":
            assert [k["code"] for k in r["risks"]][0] == "encrypted"


def manifest_tags(corpus):
    """path -> set of tags, from MANIFEST.tsv's notes column."""
    tags = {}
    for line in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        note = cols[5] if len(cols) > 5 else ""
        found = note.rsplit("tags=", 1)[1].split(";")[0] if "tags=" in note else ""
        tags[cols[0]] = {t for t in found.split(",") if t}
    return tags


def test_facility_lists_are_not_personal(corpus, corpus_records):
    """Open-data facility lists (public addresses and phones) hold no personal data."""
    tags = manifest_tags(corpus)
    facility = {p for p, t in tags.items() if "fp-facility" in t and "pii-public-registry" not in t}
    wrong = sorted(r["path"] for r in corpus_records
                   if r["path"] in facility and r["personal"]["present"])
    assert len(facility) > 80
    assert wrong == []


#: tagged as a contact layout, but checked by hand: a blank order form whose labels
#: (Last Name, Postal Code, email) stand beside empty cells; no person in it
BLANK_FORMS = {"apache+poi/test-data/spreadsheet/56644.xlsx"}


def test_dummy_personal_files_are_personal(corpus, corpus_records):
    """Fictional people lists (customers, contacts, mock persons) are recognised."""
    tags = manifest_tags(corpus)
    people = {p for p, t in tags.items() if t & {"pii-dummy", "pii-layout"}} - BLANK_FORMS
    by_path = {r["path"]: r for r in corpus_records}
    missed = sorted(p for p in people if p in by_path and by_path[p]["status"] == "ok"
                    and not by_path[p]["personal"]["present"])
    assert len(people) >= 8
    assert missed == []
