"""Real third-party files (../shared/corpus, all spreadsheets and databases) fed to the shadow-IT readers.

None is shadow IT, and many are hostile: each function must give no finding
(or a plausible credential in database text), raise nothing but ReadError,
and stay within its bounded reads.
"""
import time

import pytest

from scanners.document import ReadError
from scanners.shadow import executable_risks, script_risks, shortcut_risks

pytestmark = pytest.mark.corpus


def corpus_files(corpus):
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")


def run(call):
    try:
        return call()
    except ReadError as exc:
        return str(exc)


@pytest.mark.parametrize("fake_name, function", [
    ("renamed.exe", executable_risks),
    ("x.lnk", shortcut_risks),
    ("x.url", shortcut_risks),
    ("x.webloc", shortcut_risks),
])
def test_corpus_files_are_no_shadow_it(corpus, fake_name, function):
    files = corpus_files(corpus)
    start = time.perf_counter()
    results = {p: run(lambda p=p: function(str(p), fake_name)) for p in files}
    assert len(files) > 1500
    found = [p.name for p, r in results.items() if r and not isinstance(r, str)]
    assert found == []
    assert time.perf_counter() - start < 60


@pytest.mark.slow
def test_corpus_files_read_as_scripts(corpus):
    results = {p: run(lambda p=p: script_risks(str(p))) for p in corpus_files(corpus)}
    codes = [r["code"] for risks in results.values() if not isinstance(risks, str) for r in risks]
    assert "external-upload-script" not in codes
    assert codes.count("credentials-in-file") <= 3          # binary noise, or a real "/pwd x" in Access text
