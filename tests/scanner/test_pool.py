"""The worker pool survives hanging, crashing and memory-hungry inspections."""
import os
import signal
import time

from scanners.pipeline import safe_reason
from scanners.record import base_record
from scanners.pool import inspect_in_pool
from scanners.walk import Candidate


def cand(name):
    return Candidate(root="/r", path=name, abspath="/r/" + name, kind="csv", size=1, mtime=0.0, inode=1)


def misbehaving_inspect(c):
    if c.path == "hang.csv":
        time.sleep(60)
    if c.path == "crash.csv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if c.path == "hog.csv":
        b"x" * (8 << 30)            # past the memory limit
    rec = base_record(c)
    rec["sha256"] = "ok"
    return rec


def test_pool_isolates_bad_files():
    names = ["a.csv", "hang.csv", "b.csv", "crash.csv", "hog.csv", "c.csv", "d.csv"]
    start = time.monotonic()
    records = list(inspect_in_pool([cand(n) for n in names], workers=2, timeout=2,
                                   memory_limit=1 << 30, inspect=misbehaving_inspect))
    assert time.monotonic() - start < 20
    by_path = {r["path"]: r for r in records}
    assert sorted(by_path) == sorted(names)
    assert by_path["hang.csv"]["status"] == "error"
    assert "timed out" in by_path["hang.csv"]["error"]
    assert by_path["crash.csv"]["error"] == "reader crashed (SIGSEGV)"
    assert by_path["hog.csv"]["error"] == "memory limit exceeded"
    for name in ("a.csv", "b.csv", "c.csv", "d.csv"):
        assert by_path[name]["status"] == "ok"


def test_safe_reason_drops_quoted_text_digits_and_non_ascii():
    exc = ValueError("could not convert '山田 太郎' to float at offset 0123456 in 横浜")
    reason = safe_reason(exc)
    assert "山田" not in reason and "0123456" not in reason and "横浜" not in reason
    assert reason.startswith("ValueError: could not convert")


def test_workers_die_with_a_killed_scan(tmp_path):
    """A scan killed with SIGKILL (OOM killer, kill -9) leaves no orphan worker behind."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    for i in range(40):
        (tmp_path / f"{i}.csv").write_text("氏名,電話番号\n" + "試験 太郎,090-1234-5678\n" * 50, encoding="utf-8")
    code = ("import sys, time\n"
            "from scanners.scan import scan_roots\n"
            "for r in scan_roots([sys.argv[1]], workers=2, throttle=0.2):\n"
            "    pass\n")
    scan = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    deadline = time.monotonic() + 30
    workers = []
    while not workers and time.monotonic() < deadline:
        workers = psutil.Process(scan.pid).children()
        time.sleep(0.05)
    assert workers, "the scan started no worker"
    scan.send_signal(signal.SIGKILL)
    scan.wait(10)
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


def slow_inspect(c):
    time.sleep(0.5)
    rec = base_record(c)
    rec["sha256"] = "read"
    return rec


def test_the_walk_goes_on_while_the_workers_read():
    """Carried-forward records and waiting tasks do not wait for busy workers: the walk is
    drawn ahead, and the records still come out in the walk's order."""
    from scanners.pool import Ready

    pulled = []

    def walk():
        for i in range(40):
            pulled.append((i, time.monotonic()))
            if i in (0, 1, 20):
                yield cand(f"read{i}.csv")
            else:
                yield Ready({"path": f"carried{i}.csv"})

    out, first_out = [], None
    for record in inspect_in_pool(walk(), workers=1, timeout=10, inspect=slow_inspect):
        first_out = first_out or time.monotonic()
        out.append(record["path"])
    assert out == [f"read{i}.csv" if i in (0, 1, 20) else f"carried{i}.csv" for i in range(40)]
    assert len(pulled) == 40 and pulled[-1][1] < first_out     # walked to the end before any read finished
